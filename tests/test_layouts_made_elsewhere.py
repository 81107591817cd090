"""Layouts of real Word and PDF files that a second engineer built (tables with a number
cell, Word numbering with no gap after the number, ruby, page numbers left in the body by
a PDF-to-Word conversion, bullet glyphs, a paragraph whose last line exactly fills the
width before the 末文). Each failed before the loaders handled it; measured first.
"""
from __future__ import annotations

import re

import docx
import pytest
from test_ingest_docx import W_NS, _body_xml, _numbered, _with_numbering
from variant_helpers import CLEAN, REF, not_ok

from keiyaku_lint.audit import audit_file
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest.clean import is_bare_marker, normalize_spacing, starts_new_unit

ANNEX_AT = CLEAN.index("\n別添\n")
BODY, ANNEX = CLEAN[:ANNEX_AT], CLEAN[ANNEX_AT + 1:]
MARKER = re.compile(r"^(第[０-９]+条|[２-９]|\(\d\)|[アイウ])　(.*)$")


def _audit(path):
    result = audit_file(str(path), REF)
    assert result.error is None, result.error
    return result


def test_annex_as_a_table_with_a_number_cell(tmp_path):
    """特記事項 as a two-column table: 第N条 / ２ / (1) / ア in the left cell, text in the right."""
    doc = docx.Document()
    for line in BODY.splitlines():
        doc.add_paragraph(line)
    rows = []
    for line in ANNEX.splitlines():
        m = MARKER.match(line)
        rows.append((m.group(1), m.group(2)) if m else ("", line))
    table = doc.add_table(rows=len(rows), cols=2)
    for (mark, text), row in zip(rows, table.rows):
        row.cells[0].text, row.cells[1].text = mark, text
    path = tmp_path / "table.docx"
    doc.save(str(path))
    assert not_ok(_audit(path)) == {}


def test_word_numbering_without_a_gap_is_still_a_marker(tmp_path):
    """<w:suff w:val="nothing"/>: Word draws 「２甲は」, the loader reads 「２　甲は」."""
    numbering = f"""<w:numbering {W_NS}>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="第%1条"/><w:suff w:val="nothing"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="2"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="%2"/><w:suff w:val="nothing"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
    </w:numbering>"""
    doc = docx.Document()
    _with_numbering(doc, numbering)
    _body_xml(doc, _numbered(1, 0, "乙は、秘密を守らなければならない。") + _numbered(1, 1, "甲及び乙は、協議する。"))
    path = tmp_path / "nothing.docx"
    doc.save(str(path))
    assert [line.text for line in load(path).lines] == ["第1条　乙は、秘密を守らなければならない。", "２　甲及び乙は、協議する。"]


def test_ruby_reading_is_not_text(tmp_path):
    doc = docx.Document()
    _body_xml(doc, '<w:p><w:r><w:t>データの</w:t></w:r><w:ruby><w:rt><w:r><w:t>きそん</w:t></w:r></w:rt>'
                   '<w:rubyBase><w:r><w:t>毀損</w:t></w:r></w:rubyBase></w:ruby><w:r><w:t>を防ぐ。</w:t></w:r></w:p>')
    path = tmp_path / "ruby.docx"
    doc.save(str(path))
    assert [line.text for line in load(path).lines] == ["データの毀損を防ぐ。"]


def test_page_numbers_left_in_a_converted_body_are_dropped(tmp_path):
    """A PDF turned into Word keeps 「－３－」 paragraphs between the clauses."""
    doc = docx.Document()
    lines = CLEAN.splitlines()
    for i, line in enumerate(lines):
        doc.add_paragraph(line)
        if i % 30 == 29:
            doc.add_paragraph(f"－{i // 30 + 1}－")
    path = tmp_path / "converted.docx"
    doc.save(str(path))
    texts = [line.text for line in load(path).lines]
    assert not any(re.fullmatch(r"－\d+－", t) for t in texts)
    assert not_ok(_audit(path)) == {}


@pytest.mark.parametrize("glyph", ["•", "●", "\uf0b7"])
def test_bullet_glyphs_are_not_text(tmp_path, glyph):
    text = re.sub(r"^\(\d\)　", f"{glyph} ", CLEAN, flags=re.M)
    assert text.count(glyph) > 10
    path = tmp_path / "bullets.txt"
    path.write_text(text, encoding="utf-8")
    assert not_ok(_audit(path)) == {}
    assert normalize_spacing(f"{glyph}　金庫に保管すること。") == "金庫に保管すること。"


def test_a_full_last_line_does_not_swallow_the_closing_sentence(tmp_path):
    """The 末文 after a paragraph whose last line exactly fills the width: a PDF whose lines
    are 34 characters wide (kisai-4-3 came out weakened, the 末文 glued to it)."""
    from test_ingest_pdf import draw

    width = 34
    rows = []
    for line in CLEAN.splitlines():
        rows += [(0, line[i:i + width]) for i in range(0, len(line), width)] or [(0, "")]
    assert any(r[1].startswith("本契約の締結を証するため") for r in rows)
    pages = [rows[i:i + 44] for i in range(0, len(rows), 44)]
    import test_ingest_pdf

    old = test_ingest_pdf.WIDTH
    test_ingest_pdf.WIDTH = width
    try:
        path = draw(tmp_path / "w34.pdf", pages)
    finally:
        test_ingest_pdf.WIDTH = old
    assert not_ok(_audit(path)) == {}
    assert starts_new_unit("本契約の締結を証するため、本書２通を作成し")
    assert not starts_new_unit("契約の締結に際し、乙は")


@pytest.mark.parametrize("text,bare", [("２", True), ("(1)", True), ("第３条", True), ("ア", True), ("一", True),
                                       ("0", False), ("２　乙は", False), ("乙", False), ("令和", False)])
def test_bare_marker(text, bare):
    assert is_bare_marker(text) is bare


@pytest.mark.parametrize("drop", [0, 8], ids=["same-baseline", "own-row"])
def test_caption_in_a_left_table_cell_goes_before_its_article(tmp_path, drop):
    """A Word table converted to PDF: 「第２条」 and 「（秘密の保持）」 in the left cell, the
    article's text wrapped in the right cell, the caption level with its second line (or,
    as LibreOffice draws it, a few points off it: a row of its own)."""
    from reportlab.pdfgen import canvas
    from test_ingest_pdf import FONT, LEFT, SIZE

    from keiyaku_lint.ingest import load

    art = "乙は、この契約による業務に関して甲から提供を受けた機密情報・個人情報を他に漏らしてはならない。"
    rows = [[(0, "第１条"), (9, "乙は、秘密を守らなければならない。")],
            [(0, "第２条"), (9, art[:28])],
            [(0, "（秘密の保持）"), (9, art[28:])]]
    path = tmp_path / "table.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(FONT, SIZE)
    for i, cells in enumerate(rows):
        for indent, text in cells:
            y = 780 - i * 16
            if drop and indent == 0 and i == 2:
                y = 780 - 16 - drop  # between the article's two lines
            c.drawString(LEFT + indent * SIZE, y, text)
    c.showPage()
    c.save()
    texts = [line.text for line in load(path).lines]
    assert texts == ["第１条　乙は、秘密を守らなければならない。", "（秘密の保持）", "第２条　" + art], texts


def test_caption_printed_in_the_margin_level_with_its_article():
    from keiyaku_lint.structure import parse_text

    tree = parse_text("（基本的事項）　第１条　乙は、秘密を守らなければならない。\n（秘密の保持）　第２条　乙は、漏らしてはならない。")
    arts = tree.parts[0].articles
    assert [(a.number, a.heading, a.paragraphs[0].text) for a in arts] == [
        (1, "基本的事項", "乙は、秘密を守らなければならない。"), (2, "秘密の保持", "乙は、漏らしてはならない。")]
