"""Annexes whose articles are not written 第N条: bare numbers under 見出し
（「（秘密の保持）」 then 「２　乙は…」, a common 特記事項 style), bare numbers without 見出し,
and 見出し with no numbers at all. Before the structure learnt the first style and the
alignment looked at text outside articles, all 36 annex clauses of each came out
`missing` although every word was there. Written for this suite, measured first.
"""
from __future__ import annotations

import re

import pytest
from variant_helpers import CLEAN, audit_text, audit_via_file, not_ok

FW = str.maketrans("0123456789", "０１２３４５６７８９")
HW = str.maketrans("０１２３４５６７８９", "0123456789")
KANA = "アイウエオカキクケコ"


def _annex_lines(text: str, number, caption: bool) -> str:
    """Rewrite the annex: 第N条 → number(N) (or nothing), paragraphs ２ → （２）, items
    (1) → ア and their sub-items ア → （ア）; 見出し kept or dropped."""
    body, sep, annex = text.partition("\n別添\n")
    rules = [  # (line pattern, its rewrite; None drops the line), the first that matches
        (r"^（.+）$", lambda m: m.group(0) if caption else None),
        (r"^第([０-９0-9]+)条　(.*)$", lambda m: number(int(m.group(1).translate(HW))) + m.group(2)),
        (r"^([２-９])　(.*)$", lambda m: f"（{m.group(1)}）　{m.group(2)}"),
        (r"^\((\d)\)　(.*)$", lambda m: f"{KANA[int(m.group(1)) - 1]}　{m.group(2)}"),
        (r"^([アイウ])　(.*)$", lambda m: f"（{m.group(1)}）　{m.group(2)}"),
    ]
    out = []
    for line in annex.splitlines():
        new = line
        for pattern, rewrite in rules:
            m = re.match(pattern, line)
            if m:
                new = rewrite(m)
                break
        if new is not None:
            out.append(new)
    annex = "\n".join(out).replace("前項の", "（１）の").replace("第１項の機密情報", "（１）の機密情報")
    return body + sep + annex


def captioned(text: str) -> str:
    return _annex_lines(text, lambda n: f"{str(n).translate(FW)}　", caption=True)


def uncaptioned(text: str) -> str:
    return _annex_lines(text, lambda n: f"{str(n).translate(FW)}　", caption=False)


def unnumbered(text: str) -> str:
    return _annex_lines(text, lambda n: "", caption=True)


LAYOUTS = {"captioned": captioned, "uncaptioned": uncaptioned, "unnumbered": unnumbered}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_clean_copy_is_all_ok(layout):
    text = LAYOUTS[layout](CLEAN)
    assert "第６条" not in text and "（２）　乙は" in text
    result = audit_text(text)
    assert not_ok(result) == {}
    assert result.extras == []


def test_captioned_articles_are_articles():
    """「（基本的事項）」 + 「１　…」 opens article 1; locations say 第N条 again."""
    result = audit_text(captioned(CLEAN))
    found = {f.clause_id: f.location for f in result.findings}
    assert (found["tokki-6-3"].article, found["tokki-6-3"].paragraph) == ("第6条", 3)
    assert (found["tokki-17-2"].article, found["tokki-17-2"].paragraph) == ("第17条", 2)


CASES = [
    ("tokki-6-2", "甲が同意した場合を除き、", "", "altered"),
    ("tokki-7-2", "前項の機密情報・個人情報を返還、廃棄又は消去しなければならない",
     "前項の機密情報・個人情報を返還し、又は廃棄するよう努めなければならない", "weakened"),
    ("tokki-14-2", "２　個人情報の取扱いにおいては、甲及び乙は前項を適用しない。\n", "", "missing"),
    ("tokki-9-1", "書面によりあらかじめ甲に報告しなければならない。業務責任者",
     "書面によりあらかじめ甲に報告するよう努めなければならない。業務責任者", "weakened"),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("cid,old,new,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_variant_layout_e(layout, cid, old, new, expected):
    assert CLEAN.count(old) == 1, old
    result = audit_text(LAYOUTS[layout](CLEAN.replace(old, new)))
    got = {f.clause_id: f.status for f in result.findings}
    assert got[cid] == expected
    assert {k: v for k, v in got.items() if k != cid and v != "ok"} == {}


def test_added_paragraph_in_an_unnumbered_annex_is_an_extra():
    """(Not attributed to a clause as an override, as it would be inside an article: text
    outside articles has no 前項 to point at.)"""
    added = "乙は、業務の一部を甲の承諾なく第三者に行わせることができる。"
    text = unnumbered(CLEAN).replace("\n（派遣労働者）\n", f"\n{added}\n（派遣労働者）\n")
    assert [e.text for e in audit_text(text).extras] == [added]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_through_the_file_loaders(tmp_path, suffix):
    assert not_ok(audit_via_file(captioned(CLEAN), tmp_path / f"draft{suffix}")) == {}


def test_captioned_annex_as_docx(tmp_path):
    import docx

    doc = docx.Document()
    for line in captioned(CLEAN).splitlines():
        doc.add_paragraph(line)
    path = tmp_path / "draft.docx"
    doc.save(str(path))
    from keiyaku_lint.audit import audit_file
    from variant_helpers import REF

    result = audit_file(str(path), REF)
    assert result.error is None and not_ok(result) == {}


def test_captioned_annex_as_pdf(tmp_path):
    """Drawn with reportlab: wrapped lines, running header and page numbers, then the same
    structure out of the PDF loader."""
    from test_ingest_pdf import draw, wrap

    from keiyaku_lint.audit import audit_file
    from variant_helpers import REF

    lines = [row for line in captioned(CLEAN).splitlines() if line.strip() for row in wrap(line)]
    pages = [lines[i:i + 44] for i in range(0, len(lines), 44)]
    path = draw(tmp_path / "draft.pdf", pages)
    result = audit_file(str(path), REF)
    assert result.error is None and not_ok(result) == {}
    where = next(f.location for f in result.findings if f.clause_id == "tokki-6-3")
    assert where.article == "第6条" and where.page is not None and where.page > 1


# --- paragraphs 「２．」 and half-width kana sub-items 「(ｱ)」 inside 第N条 articles -------

def dot_paragraphs(text: str) -> str:
    """Annex paragraphs 「２．乙は…」 (no space), sub-items 「(ｱ)」 in half-width kana."""
    body, sep, annex = text.partition("\n別添\n")
    annex = re.sub(r"^([２-９])　", r"\1．", annex, flags=re.M)
    annex = re.sub(r"^([アイウ])　", lambda m: "(" + "ｱｲｳ"["アイウ".index(m.group(1))] + ")　", annex, flags=re.M)
    return body + sep + annex


def test_dot_paragraphs_clean_copy_is_all_ok():
    text = dot_paragraphs(CLEAN)
    assert "２．個人情報の取扱いにおいては" in text and "(ｱ)　認証機能" in text
    result = audit_text(text)
    assert not_ok(result) == {}
    found = {f.clause_id: f.location for f in result.findings}
    assert (found["tokki-14-2"].article, found["tokki-14-2"].paragraph) == ("第14条", 2)


@pytest.mark.parametrize("cid,old,new,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_variant_dot_paragraphs(cid, old, new, expected):
    got = {f.clause_id: f.status for f in audit_text(dot_paragraphs(CLEAN.replace(old, new))).findings}
    assert got[cid] == expected
    assert {k: v for k, v in got.items() if k != cid and v != "ok"} == {}


def test_a_decimal_at_a_line_start_is_not_a_paragraph():
    """「１．５倍」 wrapped to the start of a line stays in its sentence."""
    from keiyaku_lint.structure import parse_text

    tree = parse_text("第１条　乙は、損害額の\n１．５倍を支払わなければならない。\n２．乙は、報告しなければならない。")
    (art,) = tree.parts[0].articles
    assert [p.text for p in art.paragraphs] == ["乙は、損害額の１．５倍を支払わなければならない。", "乙は、報告しなければならない。"]


def test_dot_paragraph_after_article_1_of_an_annex_is_a_paragraph():
    """In an annex of 第N条 articles, 「２．」 right after 第１条 is its second paragraph, not
    an article 「２．」 (that style is taken only when the annex has no other articles)."""
    from keiyaku_lint.structure import parse_text

    tree = parse_text("別添\n特記事項\n第１条　乙は、秘密を守らなければならない。\n２．乙は、報告しなければならない。\n"
                      "第２条　乙は、複写してはならない。")
    annex = tree.parts[-1]
    assert [(a.number, len(a.paragraphs)) for a in annex.articles] == [(1, 2), (2, 1)]
    dotted = parse_text("別添\n特記事項\n１．秘密の保持\n乙は、秘密を守らなければならない。\n２．複写の禁止\n乙は、複写してはならない。")
    assert [(a.number, a.heading) for a in dotted.parts[-1].articles] == [(1, "秘密の保持"), (2, "複写の禁止")]
