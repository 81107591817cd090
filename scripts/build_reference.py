#!/usr/bin/env python3
"""Build reference/oita-police-2023.json from the seed text of the standard.

Usage (from the repository root; shared/ sits next to the repository):

    python scripts/build_reference.py                       # default paths
    python scripts/build_reference.py --seed PATH --out PATH
    python scripts/build_reference.py --check               # exit 1 if the json is stale

Input: ``seeds/itaku-kijun-oita-police-2023.txt`` (大分県警察「機密情報及び個人情報の
取扱いを伴う業務の委託基準」, 令和5年4月1日施行). Only its two annexes become clauses:

* 別添1 「契約書への記載例」: 4 model clauses -> ``kisai-N-P`` (N = example, P = 項)
* 別添2 「機密保持及び個人情報保護に関する特記事項」: 17 articles -> ``tokki-A-P``

Drafting notes are kept apart from clause text, in ``notes``: the commentary
paragraphs under each 記載例 (本条は…), the ※注 after 第3条 and 注１/２ at the end.

Why JSON: it is read by the standard library (no YAML/TOML-writer dependency at
runtime), it is the same format family as the evaluation contract
(eval/README.md: labels.json and the tool's ``--format json`` output), and
it ships unchanged in the wheel as package data (keiyaku_lint.refdata).

Text handling: the seed is hard-wrapped at ~40 characters with a blank line
after every line. Lines are re-joined WITHOUT spaces (Japanese), the paragraph
marker (第１条 / 第○条 / ２ / (1) / ア / 一) and the separating ASCII space are
removed, and every other character is kept exactly as in the seed (full-width
digits, 漏えい, ASCII "(1)" labels, …): no NFKC in the data. A lone ruby line
(``けん`` above 牽制 in the commentary of 記載例1) is dropped.

Clause order in the json: 特記事項 first (tokki-1-1 … tokki-17-2), then 記載例
(kisai-1-1 … kisai-4-3) — the order of the id table in eval/README.md.
Document order is recoverable from ``parts`` (kisai is the body, tokki the annex).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SEED = REPO.parent / "shared" / "seeds" / "itaku-kijun-oita-police-2023.txt"
DEFAULT_OUT = REPO / "reference" / "oita-police-2023.json"

KISAI_HEADINGS = {1: "機密保持", 2: "個人情報保護", 3: "再委託の制限", 4: "契約解除及び損害賠償"}

FW_DIGITS = "０１２３４５６７８９"

RE_KISAI_HEAD = re.compile(r"^([１-９]) （(.+)）$")
RE_KISAI_ART = re.compile(r"^第○条 (.+)$")
RE_TOKKI_HEAD = re.compile(r"^（(.+)）$")
RE_TOKKI_ART = re.compile(r"^第([０-９0-9]+)条 (.+)$")
RE_PARA = re.compile(r"^([２-９]|[1-9][0-9]?|[１-９][０-９]) (.+)$")
RE_ITEM1 = re.compile(r"^(\([0-9]+\)|（[０-９]+）|[一二三四五六七八九十]+) (.+)$")
RE_ITEM2 = re.compile(r"^([アイウエオカキクケコサシスセソ]) (.+)$")
RE_NOTE_COMMENTARY = re.compile(r"^本条は、")
RE_NOTE_KOME = re.compile(r"^※注 ")
RE_NOTE_END = re.compile(r"^注[１1] ")
RE_RUBY = re.compile(r"^[ぁ-ゖ]{1,4}$")


class SeedFormatError(Exception):
    pass


def to_int(s: str) -> int:
    return int(s)  # int() accepts full-width digits


def seed_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based line numbers, trailing blanks stripped."""
    out = []
    for no, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip()
        if line.strip():
            out.append((no, line.strip()))
    return out


def _find(lines, pred, start=0, what=""):
    for i in range(start, len(lines)):
        if pred(lines[i][1]):
            return i
    raise SeedFormatError(f"not found in seed: {what}")


# Polarity toward protection, a property of the standard itself: a clause is +1 when
# its words carry protection (deleting them weakens it) and -1 when the clause is an
# exclusion or a concession to 乙 (deleting its words makes the contract stricter).
# The judge reads it; see src/keiyaku_lint/judge.py.
POLARITY = {
    "tokki-14-1": "exclusion: lists information that is not treated as 機密情報",
    "kisai-4-3": "concession to 乙: 甲 negotiates a reduction of the damages",
}


def new_item(label: str, text: str) -> dict:
    return {"label": label, "text": text, "items": []}


def new_clause(part: str, article: int, paragraph: int, heading: str, text: str) -> dict:
    return {
        "id": f"{part}-{article}-{paragraph}",
        "part": part,
        "article": article,
        "paragraph": paragraph,
        "heading": heading,
        "text": text,
        "items": [],
    }


class _Builder:
    """Accumulates clauses and notes; `target` is where continuation lines go."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.clauses: list[dict] = []
        self.notes: list[dict] = []
        self.target: dict | None = None  # a clause, item or note dict with a "text" key

    def cont(self, lineno: int, line: str) -> None:
        if self.target is None:
            raise SeedFormatError(f"line {lineno}: text outside any clause: {line!r}")
        self.target["text"] += line

    def clause(self, article: int, paragraph: int, heading: str, text: str, lineno: int) -> None:
        if paragraph > 1:
            prev = self.clauses[-1] if self.clauses else None
            if not prev or prev["article"] != article or prev["paragraph"] != paragraph - 1:
                raise SeedFormatError(f"line {lineno}: paragraph {paragraph} out of sequence")
        c = new_clause(self.part, article, paragraph, heading, text)
        self.clauses.append(c)
        self.target = c

    def item(self, label: str, text: str, lineno: int) -> None:
        if not self.clauses or self.target is None or "after" in self.target:
            raise SeedFormatError(f"line {lineno}: item {label} outside a clause")
        it = new_item(label, text)
        self.clauses[-1]["items"].append(it)
        self.target = it

    def subitem(self, label: str, text: str, lineno: int) -> None:
        items = self.clauses[-1]["items"] if self.clauses else []
        if not items:
            raise SeedFormatError(f"line {lineno}: sub-item {label} without an item")
        it = new_item(label, text)
        items[-1]["items"].append(it)
        self.target = it

    def note(self, article: int | None, text: str) -> None:
        n = {"part": self.part, "article": article, "after": self.clauses[-1]["id"], "text": text}
        self.notes.append(n)
        self.target = n


def parse_kisai(lines: list[tuple[int, str]]) -> _Builder:
    b = _Builder("kisai")
    n = 0
    heading = ""
    commentary = False
    prev_len = 0
    for lineno, line in lines:
        m = RE_KISAI_HEAD.match(line)
        if m:
            n = to_int(m.group(1))
            heading = m.group(2)
            if n != len({c["article"] for c in b.clauses}) + 1:
                raise SeedFormatError(f"line {lineno}: 記載例 {n} out of sequence")
            if KISAI_HEADINGS.get(n) != heading:
                raise SeedFormatError(f"line {lineno}: unexpected heading {heading!r}")
            commentary = False
            b.target = None
            continue
        if commentary:
            if RE_RUBY.match(line):
                continue  # ruby (furigana) printed on its own line
            # A commentary paragraph ends with a short line closing a sentence.
            if b.target["text"].endswith("。") and prev_len < 40:
                b.note(n, line)
            else:
                b.cont(lineno, line)
            prev_len = len(line)
            continue
        if RE_NOTE_COMMENTARY.match(line):
            commentary = True
            b.note(n, line)
            prev_len = len(line)
            continue
        m = RE_KISAI_ART.match(line)
        if m:
            b.clause(n, 1, heading, m.group(1), lineno)
            continue
        m = RE_PARA.match(line)
        if m and n:
            b.clause(n, to_int(m.group(1)), heading, m.group(2), lineno)
            continue
        m = RE_ITEM1.match(line)
        if m and n:
            b.item(m.group(1), m.group(2), lineno)
            continue
        b.cont(lineno, line)
    return b


def parse_tokki(lines: list[tuple[int, str]]) -> _Builder:
    b = _Builder("tokki")
    article = 0
    heading = ""
    pending_heading = None
    in_notes = False  # after 注１: everything is a note
    for lineno, line in lines:
        if in_notes:
            m = RE_PARA.match(line)
            if m:
                b.note(None, line)
            else:
                b.cont(lineno, line)
            continue
        if RE_NOTE_END.match(line):
            in_notes = True
            b.note(None, line)
            continue
        if RE_NOTE_KOME.match(line):
            b.note(article, line)
            continue
        m = RE_TOKKI_HEAD.match(line)
        if m:
            pending_heading = m.group(1)
            b.target = None
            continue
        m = RE_TOKKI_ART.match(line)
        if m:
            a = to_int(m.group(1))
            if a != article + 1:
                raise SeedFormatError(f"line {lineno}: 第{a}条 out of sequence")
            if pending_heading is None:
                raise SeedFormatError(f"line {lineno}: 第{a}条 without a heading")
            article, heading, pending_heading = a, pending_heading, None
            b.clause(article, 1, heading, m.group(2), lineno)
            continue
        m = RE_PARA.match(line)
        if m and article:
            b.clause(article, to_int(m.group(1)), heading, m.group(2), lineno)
            continue
        m = RE_ITEM1.match(line)
        if m and article:
            b.item(m.group(1), m.group(2), lineno)
            continue
        m = RE_ITEM2.match(line)
        if m and article:
            b.subitem(m.group(1), m.group(2), lineno)
            continue
        b.cont(lineno, line)
    return b


def build(seed_text: str) -> dict:
    lines = seed_lines(seed_text)
    i_title = _find(lines, lambda s: s == "別添", what="別添 (the standard)") + 1
    title = lines[i_title][1]
    i_eff = _find(lines, lambda s: s.startswith("この基準は、") and s.endswith("から施行する。"), what="施行日")
    m = re.search(r"(令和([０-９0-9]+)年([０-９0-9]+)月([０-９0-9]+)日)", lines[i_eff][1])
    if not m:
        raise SeedFormatError("effective date not found")
    effective_date = m.group(1)
    y, mo, d = (to_int(g) for g in m.groups()[1:])
    effective_date_iso = f"{2018 + y:04d}-{mo:02d}-{d:02d}"

    i_b1 = _find(lines, lambda s: s == "別添１", what="別添１")
    i_kisai_title = i_b1 + 1
    kisai_title = lines[i_kisai_title][1].replace(" ", "")
    if kisai_title != "契約書への記載例":
        raise SeedFormatError(f"unexpected 別添１ title {kisai_title!r}")
    i_b2 = _find(lines, lambda s: s == "別添２", start=i_b1, what="別添２")
    tokki_title = lines[i_b2 + 1][1]
    if tokki_title != "機密保持及び個人情報保護に関する特記事項":
        raise SeedFormatError(f"unexpected 別添２ title {tokki_title!r}")

    kisai = parse_kisai(lines[i_kisai_title + 1 : i_b2])
    tokki = parse_tokki(lines[i_b2 + 2 :])

    return {
        "schema": 1,
        "id": "oita-police-2023",
        "title": title,
        "issuer": "大分県警察",
        "source": "seeds/itaku-kijun-oita-police-2023.txt (別添1 契約書への記載例, 別添2 機密保持及び個人情報保護に関する特記事項)",
        "effective_date": effective_date,
        "effective_date_iso": effective_date_iso,
        "parties": {"甲": "委託者", "乙": "受託者"},
        "parts": [
            {"id": "kisai", "title": kisai_title, "label": "別添1", "location": "body"},
            {"id": "tokki", "title": tokki_title, "label": "別添2", "location": "annex"},
        ],
        "clauses": [_with_polarity(c) for c in tokki.clauses + kisai.clauses],
        "notes": kisai.notes + tokki.notes,
    }


def _with_polarity(clause: dict) -> dict:
    if clause["id"] in POLARITY:
        clause = {**clause, "polarity": -1, "role": POLARITY[clause["id"]]}
    return clause


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if --out differs")
    args = ap.parse_args(argv)
    data = build(args.seed.read_text(encoding="utf-8"))
    text = dumps(data)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out}: stale (run scripts/build_reference.py)", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({len(data['clauses'])} clauses)")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(data['clauses'])} clauses, {len(data['notes'])} notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
