"""HTML report: one self-contained page (inline CSS, no scripts, no external fonts).

A summary table (one row per document), then per document every clause that is not ok
as a side-by-side redline: the reference on the left with deletions struck through in
red, the draft on the right with insertions in green, the rule messages above. Extras
that override a clause are shown with it. All text goes through html.escape.

The diff works on tokens (runs of kanji, hiragana, katakana, latin/digits, single
punctuation) compared in NFKC form, so full/half-width variants do not show as changes;
a replaced run of tokens is refined character by character when the two sides are
similar. difflib with autojunk=False (Japanese text repeats the same characters a lot).
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from datetime import datetime
from html import escape
from typing import Iterable

from . import __version__
from .audit import SEVERITY, DocResult, Finding
from .reference import Reference
from .report import atomic_write, status_label

MINCHO = '"IPAexMincho", "IPAPMincho", "IPAMincho", "Noto Serif CJK JP", "Yu Mincho", "Hiragino Mincho ProN", serif'
GOTHIC = '"IPAexGothic", "IPAPGothic", "IPAGothic", "Noto Sans CJK JP", "Yu Gothic", "Hiragino Sans", sans-serif'

TEXT = {
    "ja": {
        "title": "契約書監査報告", "reference": "基準", "generated": "作成日時", "documents": "文書数",
        "summary": "概要", "file": "ファイル", "extras": "追加条項", "worst": "最も重い判定",
        "error": "エラー", "ref_side": "基準の文言", "draft_side": "契約書の文言",
        "not_found": "（契約書に該当する項がありません）", "all_ok": "すべての条項が基準どおりです。",
        "overrides": "この条項を上書きする追加条項", "other_extras": "その他の追加条項（基準にない項）",
        "similarity": "類似度", "accepted": "承認済み", "was": "判定", "paragraph": "第{}項",
        "legend": "凡例：基準から削除された文言は赤の取消線、契約書で追加された文言は緑で示します。",
        "clauses": "条項", "page": "{}ページ", "not_audited": "（中断のため未監査）",
    },
    "en": {
        "title": "Contract audit report", "reference": "Reference", "generated": "Generated", "documents": "Documents",
        "summary": "Summary", "file": "File", "extras": "Extras", "worst": "Worst",
        "error": "Error", "ref_side": "Reference", "draft_side": "Draft",
        "not_found": "(no matching paragraph in the draft)", "all_ok": "Every clause matches the reference.",
        "overrides": "Added paragraph overriding this clause", "other_extras": "Other added paragraphs (not in the reference)",
        "similarity": "similarity", "accepted": "accepted", "was": "was", "paragraph": "para {}",
        "legend": "Legend: words deleted from the reference are struck through in red; words added in the draft are green.",
        "clauses": "clauses", "page": "p. {}", "not_audited": "(not audited: interrupted)",
    },
}

STATUSES = ("ok", "altered", "weakened", "missing", "accepted")

CSS = """
:root { --del: #b3001b; --del-bg: #fde7ea; --ins: #0b6b2b; --ins-bg: #e3f6e8; --line: #d0d4da; }
* { box-sizing: border-box; }
body { font-family: %(gothic)s; margin: 24px 32px; color: #1d1f23; background: #fff; line-height: 1.6; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #333; word-break: break-all; }
.meta { color: #555; font-size: .9rem; margin: 0 0 1rem; }
table.summary { border-collapse: collapse; width: 100%%; font-size: .9rem; }
table.summary th, table.summary td { border: 1px solid var(--line); padding: 4px 8px; text-align: right; }
table.summary th { background: #f1f3f5; text-align: center; white-space: nowrap; }
table.summary td.file { text-align: left; word-break: break-all; width: 45%%; }
table.summary td.err { text-align: left; color: var(--del); }
td.zero { color: #aaa; }
.badge { display: inline-block; padding: 0 .5em; border-radius: 3px; font-size: .85rem; font-weight: bold;
         white-space: nowrap; border: 1px solid transparent; }
.s-ok { background: #e3f6e8; color: #0b6b2b; }
.s-altered { background: #fff4d6; color: #7a5200; }
.s-weakened { background: #fde7ea; color: #b3001b; }
.s-missing { background: #f3e5f5; color: #6a1b9a; }
.s-accepted { background: #e0f2f7; color: #0c5a6e; }
.s-error { background: #b3001b; color: #fff; }
.clause { border: 1px solid var(--line); border-radius: 4px; margin: 1rem 0; page-break-inside: avoid; }
.clause > .head { background: #f6f7f9; padding: .4rem .7rem; border-bottom: 1px solid var(--line); }
.clause > .head .where { color: #555; font-size: .85rem; margin-left: .6rem; }
.clause > .head .sim { color: #777; font-size: .8rem; float: right; }
ul.reasons { margin: .4rem 0; padding: 0 .7rem 0 2rem; font-size: .9rem; }
ul.reasons code { font-family: ui-monospace, monospace; color: #555; margin-right: .4em; }
p.acc { margin: .4rem .7rem; color: #0c5a6e; font-size: .9rem; }
table.redline { width: 100%%; border-collapse: collapse; table-layout: fixed; }
table.redline th { font-size: .8rem; color: #555; text-align: left; padding: .2rem .7rem; border-top: 1px solid var(--line); }
table.redline td { vertical-align: top; width: 50%%; padding: .4rem .7rem .7rem; font-family: %(mincho)s;
                   font-size: 1rem; border-top: 1px solid var(--line); word-break: break-all; }
table.redline td + td, table.redline th + th { border-left: 1px solid var(--line); }
del { color: var(--del); background: var(--del-bg); text-decoration: line-through; text-decoration-thickness: 2px; }
ins { color: var(--ins); background: var(--ins-bg); text-decoration: none; font-weight: bold; }
.none { color: #888; font-style: italic; }
.extra { margin: .2rem .7rem .6rem; padding: .3rem .6rem; border-left: 4px solid var(--ins); background: var(--ins-bg);
         font-family: %(mincho)s; font-size: .95rem; }
.extra .where { font-family: %(gothic)s; color: #555; font-size: .8rem; display: block; }
.error-box { border: 2px solid var(--del); background: var(--del-bg); padding: .6rem .8rem; color: #5c000e; word-break: break-all; }
details { margin: .6rem 0; font-size: .9rem; }
details .extra { border-left-color: #999; background: #f6f7f9; }
.legend { color: #555; font-size: .85rem; }
footer { margin-top: 3rem; color: #888; font-size: .8rem; }
@media print { body { margin: 10mm; } h2 { page-break-before: always; } }
""" % {"mincho": MINCHO, "gothic": GOTHIC}


# --------------------------------------------------------------------------- diff

_TOKEN_RE = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff々〆ヵヶ]+"  # kanji
    r"|[\u3041-\u309f]+"  # hiragana
    r"|[\u30a1-\u30faー\uff66-\uff9f]+"  # katakana (full and half width)
    r"|[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"  # latin and digits (half and full width)
    r"|[ \t\u3000]+|\n"
    r"|.", re.S)


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def _key(tok: str) -> str:
    if tok.isspace():
        return "\n" if "\n" in tok else " "
    return unicodedata.normalize("NFKC", tok)


def redline(ref: str, draft: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(left, right) segments: left ("eq" | "del", text) from `ref`, right ("eq" | "ins", text)."""
    a, b = tokens(ref), tokens(draft)
    sm = difflib.SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], autojunk=False)
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        sa, sb = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(("eq", sa))
            right.append(("eq", sb))
        elif op == "delete":
            left.append(("del", sa))
        elif op == "insert":
            right.append(("ins", sb))
        else:
            l2, r2 = _refine(sa, sb)
            left += l2
            right += r2
    return _merge(left), _merge(right)


def _refine(a: str, b: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Character-level diff of a replaced span, when the two sides are alike enough."""
    ka = [unicodedata.normalize("NFKC", c) for c in a]
    kb = [unicodedata.normalize("NFKC", c) for c in b]
    sm = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    if sm.ratio() < 0.5:
        return [("del", a)], [("ins", b)]
    left, right = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            left.append(("eq", a[i1:i2]))
            right.append(("eq", b[j1:j2]))
        if op in ("delete", "replace"):
            left.append(("del", a[i1:i2]))
        if op in ("insert", "replace"):
            right.append(("ins", b[j1:j2]))
    return left, right


def _merge(segs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind, text in segs:
        if not text:
            continue
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def _text(s: str) -> str:
    return escape(s).replace("\n", "<br>")


def segments_html(segs: list[tuple[str, str]]) -> str:
    parts = []
    for kind, text in segs:
        if kind == "del":
            parts.append(f"<del>{_text(text)}</del>")
        elif kind == "ins":
            parts.append(f"<ins>{_text(text)}</ins>")
        else:
            parts.append(_text(text))
    return "".join(parts)


# --------------------------------------------------------------------------- page


def _badge(status: str, lang: str) -> str:
    return f'<span class="badge s-{escape(status)}">{escape(status_label(status, lang))}</span>'


def _where(f: Finding, t: dict) -> str:
    loc = f.location
    if loc is None:
        return ""
    bits = [loc.part, loc.article]
    if loc.paragraph:
        bits.append(t["paragraph"].format(loc.paragraph))
    if loc.page:
        bits.append(t["page"].format(loc.page))
    return " ".join(b for b in bits if b)


def _extra_where(e, t: dict) -> str:
    loc = e.location
    bits = [loc.part, loc.article]
    if loc.paragraph:
        bits.append(t["paragraph"].format(loc.paragraph))
    if loc.page:
        bits.append(t["page"].format(loc.page))
    return " ".join(b for b in bits if b)


def _clause_html(f: Finding, doc: DocResult, lang: str, t: dict) -> str:
    out = ['<div class="clause">', '<div class="head">', _badge(f.status, lang),
           f" <b>{escape(f.clause_id)}</b> （{escape(f.clause.heading)}）"
           if lang == "ja" else f" <b>{escape(f.clause_id)}</b> ({escape(f.clause.heading)})"]
    where = _where(f, t)
    if where:
        out.append(f'<span class="where">{escape(where)}</span>')
    if f.location is not None:
        out.append(f'<span class="sim">{t["similarity"]} {f.similarity:.2f}</span>')
    out.append("</div>")
    if f.status == "accepted":
        was = getattr(f, "accepted_from", "")
        was_txt = f"（{t['was']}: {escape(status_label(was, lang))}）" if was and lang == "ja" else \
            (f" ({t['was']}: {escape(was)})" if was else "")
        out.append(f'<p class="acc">{t["accepted"]}{was_txt}: {escape(f.accepted_reason)}</p>')
    if f.reasons:
        out.append('<ul class="reasons">')
        for r in f.reasons:
            out.append(f"<li><code>{escape(r.code)}</code>{escape(r.message(lang))}</li>")
        out.append("</ul>")
    ref_text = f.clause.full_text
    if f.found_text:
        left, right = redline(ref_text, f.found_text)
        left_html, right_html = segments_html(left), segments_html(right)
    else:
        left_html = segments_html([("del", ref_text)]) if f.status in ("missing", "accepted") else _text(ref_text)
        right_html = f'<span class="none">{escape(t["not_found"])}</span>'
    out.append(f'<table class="redline"><tr><th>{t["ref_side"]}</th><th>{t["draft_side"]}</th></tr>'
               f"<tr><td>{left_html}</td><td>{right_html}</td></tr></table>")
    for e in doc.extras:
        if e.overrides == f.clause_id:
            out.append(f'<div class="extra"><span class="where">{escape(t["overrides"])} — '
                       f'{escape(_extra_where(e, t))}</span><ins>{_text(e.text)}</ins></div>')
    out.append("</div>")
    return "\n".join(out)


def _doc_html(n: int, doc: DocResult | None, path: str, lang: str, t: dict) -> str:
    out = [f'<section id="doc-{n}">', f"<h2>{escape(path)}</h2>"]
    if doc is None:
        out.append(f'<p class="none">{escape(t["not_audited"])}</p></section>')
        return "\n".join(out)
    if doc.error:
        out.append(f'<div class="error-box">{_badge("error", lang)} {escape(doc.error)}</div></section>')
        return "\n".join(out)
    counts = doc.counts()
    out.append('<p class="meta">' + " ".join(f"{_badge(s, lang)} {counts.get(s, 0)}" for s in STATUSES
                                              if counts.get(s) or s == "ok") + "</p>")
    order = {c: i for i, c in enumerate(f.clause_id for f in doc.findings)}
    flagged = sorted((f for f in doc.findings if f.status != "ok"),
                     key=lambda f: (-SEVERITY.get(f.status, 0), f.status != "accepted", order[f.clause_id]))
    if not flagged:
        out.append(f"<p>{escape(t['all_ok'])}</p>")
    out += [_clause_html(f, doc, lang, t) for f in flagged]
    flagged_ids = {f.clause_id for f in flagged}
    others = [e for e in doc.extras if not (e.overrides and e.overrides in flagged_ids)]
    if others:
        out.append(f"<details><summary>{escape(t['other_extras'])}: {len(others)}</summary>")
        for e in others:
            out.append(f'<div class="extra"><span class="where">{escape(_extra_where(e, t))}</span>'
                       f"{_text(e.text)}</div>")
        out.append("</details>")
    out.append("</section>")
    return "\n".join(out)


def _summary_html(docs: list[tuple[str, DocResult | None]], lang: str, t: dict) -> str:
    head = "".join(f"<th>{escape(status_label(s, lang))}</th>" for s in STATUSES)
    rows = [f'<table class="summary"><tr><th>{t["file"]}</th>{head}<th>{t["extras"]}</th>'
            f'<th>{t["worst"]}</th></tr>']
    for n, (path, doc) in enumerate(docs):
        link = f'<a href="#doc-{n}">{escape(path)}</a>'
        if doc is None:
            rows.append(f'<tr><td class="file">{link}</td><td class="err" colspan="{len(STATUSES) + 2}">'
                        f'{escape(t["not_audited"])}</td></tr>')
            continue
        if doc.error:
            rows.append(f'<tr><td class="file">{link}</td><td class="err" colspan="{len(STATUSES) + 1}">'
                        f'{escape(doc.error)}</td><td>{_badge("error", lang)}</td></tr>')
            continue
        counts = doc.counts()
        cells = "".join(f'<td class="{"zero" if not counts.get(s) else ""}">{counts.get(s, 0)}</td>'
                        for s in STATUSES)
        rows.append(f'<tr><td class="file">{link}</td>{cells}<td>{len(doc.extras)}</td>'
                    f"<td>{_badge(doc.worst, lang)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def render(results: Iterable[DocResult | None], ref: Reference, lang: str = "ja",
           paths: Iterable[str] | None = None, generated: datetime | None = None) -> str:
    """The whole page. `results` in input order (None = not audited; needs `paths`)."""
    results = list(results)
    names = list(paths) if paths is not None else [d.path for d in results]
    docs = list(zip(names, results))
    t = TEXT["en" if lang == "en" else "ja"]
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    body = [
        f"<h1>{escape(t['title'])}</h1>",
        f'<p class="meta">{t["reference"]}: {escape(ref.title)} ({escape(ref.id)}, {len(ref.clauses)} '
        f'{t["clauses"]}) · {t["documents"]}: {len(docs)} · {t["generated"]}: {escape(when)} · '
        f"keiyaku-lint {escape(__version__)}</p>",
        f"<h2>{t['summary']}</h2>",
        _summary_html(docs, lang, t),
        f'<p class="legend">{escape(t["legend"])} <del>削除</del> <ins>追加</ins></p>' if lang == "ja" else
        f'<p class="legend">{escape(t["legend"])} <del>deleted</del> <ins>inserted</ins></p>',
    ]
    body += [_doc_html(n, doc, path, lang, t) for n, (path, doc) in enumerate(docs)]
    body.append(f"<footer>keiyaku-lint {escape(__version__)}</footer>")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{"en" if lang == "en" else "ja"}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(t['title'])} — keiyaku-lint</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_html(path: str | os.PathLike, results: Iterable[DocResult | None], ref: Reference, lang: str = "ja",
               paths: Iterable[str] | None = None) -> None:
    page = render(results, ref, lang, paths)
    atomic_write(path, lambda fh: fh.write(page))
