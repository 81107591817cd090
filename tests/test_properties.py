"""Property-based tests (hypothesis) on the structure parser and the judge.

1. Any text — arbitrary Unicode, or soups of contract atoms (第, 条, 項, digits, brackets,
   numbering markers, newlines) and lines of the clean sample — never makes
   `parse_text` or `audit_tree` raise, and the audit always reports the 45 clauses.
2. A contract made of the reference clauses, its articles in any order and renumbered
   (記載例 in the body, 特記事項 in a 別添), audits all 45 `ok`.
3. Deleting any one reference paragraph from the clean copy makes exactly that clause
   `missing` and leaves the other 44 `ok` — checked for all 45 clauses, deterministically,
   in two ways: "gap" (the paragraph's lines removed, every other line untouched: the
   clean sample minus those lines) and "renumbered" (what a drafter does: later
   paragraphs renumbered, the next paragraph moves up onto the 第N条 line, articles
   renumbered). Random multi-deletions with hypothesis.

The clean copy is rebuilt here from the reference JSON; a test checks that it is byte
for byte samples/reference-annexes-clean.txt, so a deletion "from the clean copy" is
exactly that.

Example counts (default run / `-m slow`): see the settings below; the slow variants run
the same properties with many more examples.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keiyaku_lint.audit import audit_tree
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_text, render_tree

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "samples" / "reference-annexes-clean.txt"
REF = load_reference()
DATA = json.loads((REPO / "reference" / f"{REF.id}.json").read_text(encoding="utf-8"))
IDS = [c.id for c in REF.clauses]
STATUSES = {"ok", "altered", "weakened", "missing", "accepted"}

# Example counts. Default: the whole file runs in ~15 s on an idle 2-CPU machine.
PARSE_EXAMPLES, AUDIT_EXAMPLES, ORDER_EXAMPLES, MULTI_EXAMPLES = 300, 100, 25, 30
SLOW_FACTOR = 20  # `pytest -m slow`: 6000 / 2000 / 500 / 600 examples
FAST = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# =========================================================================== the clean copy

FW = str.maketrans("0123456789", "０１２３４５６７８９")
PREAMBLE = ("委託者○○○○（以下「甲」という。）と受託者○○○○（以下「乙」という。）とは、"
            "○○○○業務（以下「本業務」という。）の委託について、次の条項により契約（以下「本契約」という。）を締結する。")
CLOSING = ["本契約の締結を証するため、本書２通を作成し、甲乙記名押印の上、各自１通を保有する。",
           "令和　年　月　日", "甲　住所", "氏名", "乙　住所", "氏名"]


def number(n: int, digits: str = "sample") -> str:
    """As the sample prints numbers: １…９ full-width, 10+ ASCII; or all ASCII / all full-width."""
    if digits == "ascii" or (digits == "sample" and n >= 10):
        return str(n)
    return str(n).translate(FW)


def articles(part: str) -> list[list[dict]]:
    arts: dict[int, list[dict]] = {}
    for c in DATA["clauses"]:
        if c["part"] == part:
            arts.setdefault(c["article"], []).append(c)
    return [arts[k] for k in sorted(arts)]


def item_lines(c: dict) -> list[str]:
    out = []
    for it in c["items"]:
        out.append(f"{it['label']}\u3000{it['text']}")
        out.extend(f"{sub['label']}\u3000{sub['text']}" for sub in it["items"])
    return out


def render_part(arts: list[list[dict]], drop: frozenset, mode: str, digits: str) -> list[str]:
    """mode "gap": the dropped paragraphs' lines go, nothing else changes (an article whose
    first paragraph goes keeps a bare 第N条 line; one with no paragraph left goes whole,
    heading included). mode "renumbered": paragraphs and articles renumbered."""
    out: list[str] = []
    shown = 0
    for n, paras in enumerate(arts, 1):
        kept = [c for c in paras if c["id"] not in drop]
        if not kept:
            continue
        shown += 1
        art_no = number(shown if mode == "renumbered" else n, digits)
        out += ["", f"（{paras[0]['heading']}）"]
        first = True
        for k, c in enumerate(paras, 1):
            if c["id"] in drop:
                if k == 1 and mode == "gap":
                    out.append(f"第{art_no}条")
                    first = False
                continue
            if first:
                out.append(f"第{art_no}条\u3000{c['text']}")
                first = False
            else:
                para_no = kept.index(c) + 1 if mode == "renumbered" else k
                out.append(f"{number(para_no, digits)}\u3000{c['text']}")
            out += item_lines(c)
    return out


def contract(drop=frozenset(), mode: str = "gap", kisai_order=None, tokki_order=None, digits: str = "sample") -> str:
    """The clean contract of samples/reference-annexes-clean.txt, with paragraphs dropped
    and articles reordered (then numbered in their new order) on request."""
    kisai, tokki = articles("kisai"), articles("tokki")
    if kisai_order is not None:
        kisai = [kisai[i] for i in kisai_order]
    if tokki_order is not None:
        tokki = [tokki[i] for i in tokki_order]
    title = next(p["title"] for p in DATA["parts"] if p["id"] == "tokki")
    lines = ["業務委託契約書", "", PREAMBLE]
    lines += render_part(kisai, frozenset(drop), mode, digits)
    lines += [""] + CLOSING + ["", "別添", title]
    lines += render_part(tokki, frozenset(drop), mode, digits)
    return "\n".join(lines) + "\n"


def statuses(text: str) -> dict[str, str]:
    res = audit_tree(parse_text(text, "property.txt"), REF)
    return {f.clause_id: f.status for f in res.findings}


def test_generator_reproduces_the_clean_sample():
    assert contract() == CLEAN.read_text(encoding="utf-8")
    assert set(statuses(contract()).values()) == {"ok"}


# =========================================================================== 1. never raises

ATOMS = (list("第条項号章節款のの（）()「」『』、。・\n\n\u3000 \t0123456789０１２３４５６７８９〇一二三四五六七八九十百千"
              "①②③⑴⒈アイウｱｲ甲乙丙はをにがでと別添記紙表特事前各ただし書")
         + ["第1条", "第１条", "第十条", "第3条の2", "第1章", "第１", "1.", "１．", "（見出し）", "２　", "(1)　",
            "（２）", "一　", "ア　", "(ア)", "別添", "別記", "別紙1", "特記事項", "前項", "前各項", "第２項",
            "この限りでない", "ことができる", "しなければならない", "してはならない", "努めるものとする",
            "甲の承諾を得て", "にかかわらず", "附則", "様式第1号", "－１－", "1/3", "\n\n\n"])
CLEAN_LINES = CLEAN.read_text(encoding="utf-8").splitlines()

any_text = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(ATOMS), max_size=150).map("".join),
    st.lists(st.one_of(st.sampled_from(CLEAN_LINES), st.sampled_from(ATOMS), st.text(max_size=20)),
             max_size=80).map("\n".join),
)


def _check_tree(text: str) -> None:
    tree = parse_text(text, "x.txt")
    assert tree.parts
    render_tree(tree)
    for part in tree.parts:
        for art in part.articles:
            assert [p.index for p in art.paragraphs] == list(range(1, len(art.paragraphs) + 1))


def _check_audit(text: str) -> None:
    res = audit_tree(parse_text(text, "x.txt"), REF)
    assert [f.clause_id for f in res.findings] == IDS
    assert {f.status for f in res.findings} <= STATUSES


@settings(max_examples=PARSE_EXAMPLES, **FAST)
@given(any_text)
def test_parse_text_never_raises(text):
    _check_tree(text)


@settings(max_examples=AUDIT_EXAMPLES, **FAST)
@given(any_text)
def test_audit_tree_never_raises(text):
    _check_audit(text)


@pytest.mark.slow
@settings(max_examples=PARSE_EXAMPLES * SLOW_FACTOR, **FAST)
@given(any_text)
def test_parse_text_never_raises_many(text):
    _check_tree(text)


@pytest.mark.slow
@settings(max_examples=AUDIT_EXAMPLES * SLOW_FACTOR, **FAST)
@given(any_text)
def test_audit_tree_never_raises_many(text):
    _check_audit(text)


# =========================================================================== 2. any order

orders = st.tuples(st.permutations(range(len(articles("kisai")))), st.permutations(range(len(articles("tokki")))),
                   st.sampled_from(["sample", "ascii", "fullwidth"]))


def _check_order(order) -> None:
    kisai_order, tokki_order, digits = order
    got = statuses(contract(kisai_order=kisai_order, tokki_order=tokki_order, digits=digits))
    assert got == {cid: "ok" for cid in IDS}, {k: v for k, v in got.items() if v != "ok"}


@settings(max_examples=ORDER_EXAMPLES, **FAST)
@given(orders)
def test_reference_clauses_in_any_order_are_all_ok(order):
    _check_order(order)


@pytest.mark.slow
@settings(max_examples=ORDER_EXAMPLES * SLOW_FACTOR, **FAST)
@given(orders)
def test_reference_clauses_in_any_order_are_all_ok_many(order):
    _check_order(order)


# =========================================================================== 3. deletion

# Clauses for which the "gap" deletion (a bare 「第N条」 line left, then 「２　…」) does not
# hold, with the clause that goes wrong. Empty since structure.py accepts 「２」 as an
# article's first paragraph when the first one was deleted.
GAP_KNOWN: dict[str, str] = {}
RENUMBERED_KNOWN: dict[str, str] = {}


def _deletion_params(mode: str, known: dict[str, str]):
    for cid in IDS:
        marks = []
        if cid in known:
            marks = [pytest.mark.xfail(strict=True, reason=(
                f"structure.py: after deleting {cid}, a bare 第N条 line + 「２　…」 makes {known[cid]} "
                f"`altered` (content.added 「２」) instead of ok"))]
        yield pytest.param(mode, cid, id=f"{mode}-{cid}", marks=marks)


def _check_deletion(drop: set[str], mode: str) -> None:
    got = statuses(contract(drop=frozenset(drop), mode=mode))
    want = {cid: ("missing" if cid in drop else "ok") for cid in IDS}
    wrong = {cid: got[cid] for cid in IDS if got[cid] != want[cid]}
    assert not wrong, f"deleted {sorted(drop)} ({mode}): {wrong}"


@pytest.mark.parametrize("mode, clause_id", [*_deletion_params("gap", GAP_KNOWN),
                                             *_deletion_params("renumbered", RENUMBERED_KNOWN)])
def test_deleting_one_paragraph_makes_exactly_that_clause_missing(mode, clause_id):
    _check_deletion({clause_id}, mode)


def test_gap_deletion_is_the_clean_sample_minus_lines():
    """"gap" really is a deletion from the clean copy: only lines removed (or cut to 第N条)."""
    clean = CLEAN.read_text(encoding="utf-8").splitlines()
    for cid in IDS:
        cut = contract(drop={cid}, mode="gap").splitlines()
        it = iter(clean)
        for line in cut:  # cut is a subsequence of clean, modulo a kept 第N条 prefix
            assert any(c == line or (c.startswith(line + "\u3000") and line.startswith("第")) for c in it), (cid, line)


multi = st.sets(st.sampled_from(IDS), min_size=2, max_size=8)


@settings(max_examples=MULTI_EXAMPLES, **FAST)
@given(multi)
def test_deleting_several_paragraphs_makes_exactly_those_missing(drop):
    _check_deletion(drop, "renumbered")


@pytest.mark.slow
@settings(max_examples=MULTI_EXAMPLES * SLOW_FACTOR, **FAST)
@given(multi)
def test_deleting_several_paragraphs_makes_exactly_those_missing_many(drop):
    _check_deletion(drop, "renumbered")
