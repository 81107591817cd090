"""DOCX loader: documents built with python-docx + raw XML, and the dev corpus DOCX files."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import find_shared
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from keiyaku_lint.errors import BrokenDocxError, EmptyFileError
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest.numbering import format_number

W_NS = nsdecls("w")
EXTRA_NS = " ".join(f'xmlns:{k}="{v}"' for k, v in {
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}.items())


def _body_xml(doc, xml: str) -> None:
    """Append raw block XML (paragraphs, tables…) before the final sectPr."""
    body = doc.element.body
    el = parse_xml(f'<w:root {W_NS} {EXTRA_NS}>{xml}</w:root>')
    sect = body.find(docx.oxml.ns.qn("w:sectPr"))
    for child in list(el):
        if sect is not None:
            sect.addprevious(child)
        else:
            body.append(child)


def _texts(path) -> list[str]:
    return [line.text for line in load(path).lines]


def test_tracked_changes_accepted(tmp_path):
    doc = docx.Document()
    _body_xml(doc, """
      <w:p><w:r><w:t>乙は、甲が同意した</w:t></w:r>
        <w:ins w:id="1" w:author="a"><w:r><w:t>場合又は在宅の</w:t></w:r></w:ins>
        <w:r><w:t>場合を除き、</w:t></w:r>
        <w:del w:id="2" w:author="a"><w:r><w:delText>直ちに</w:delText></w:r></w:del>
        <w:r><w:t>報告する。</w:t></w:r></w:p>
      <w:p><w:pPr><w:rPr><w:del w:id="3" w:author="a"/></w:rPr></w:pPr>
        <w:del w:id="4" w:author="a"><w:r><w:delText>(1) 削除された号</w:delText></w:r></w:del></w:p>
      <w:p><w:moveFrom w:id="5" w:author="a"><w:r><w:t>移動前の文</w:t></w:r></w:moveFrom></w:p>
      <w:p><w:moveTo w:id="6" w:author="a"><w:r><w:t>移動後の文</w:t></w:r></w:moveTo></w:p>
      <w:p><w:ins w:id="7" w:author="a"><w:r><w:t>３ 挿入された項</w:t></w:r></w:ins></w:p>
    """)
    path = tmp_path / "tracked.docx"
    doc.save(path)
    assert _texts(path) == [
        "乙は、甲が同意した場合又は在宅の場合を除き、報告する。",
        "移動後の文",
        "３　挿入された項",
    ]


def test_deleted_paragraph_mark_joins_next_paragraph(tmp_path):
    doc = docx.Document()
    _body_xml(doc, """
      <w:p><w:pPr><w:rPr><w:del w:id="1" w:author="a"/></w:rPr></w:pPr><w:r><w:t>前半と</w:t></w:r></w:p>
      <w:p><w:r><w:t>後半。</w:t></w:r></w:p>
    """)
    path = tmp_path / "join.docx"
    doc.save(path)
    assert _texts(path) == ["前半と後半。"]


NUMBERING = f"""<w:numbering {W_NS}>
  <w:abstractNum w:abstractNumId="7">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="2"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="%2"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%3)"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="aiueoFullWidth"/><w:lvlText w:val="%4"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="8">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="japaneseCounting"/><w:lvlText w:val="%1"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="7"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""


def _numbered(num_id: int, ilvl: int, text: str) -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
            f"<w:r><w:t>{text}</w:t></w:r></w:p>")


def _with_numbering(doc, xml: str) -> None:
    """Replace the template's numbering part content with `xml`."""
    part = doc.part.numbering_part
    new = parse_xml(xml)
    part._element = new


def test_word_automatic_numbering(tmp_path):
    doc = docx.Document()
    _with_numbering(doc, NUMBERING)
    _body_xml(doc, "".join([
        _numbered(1, 0, "乙は、誠実に履行する。"),          # 第1条
        _numbered(1, 1, "乙は、報告する。"),                # ２ (level 1 starts at 2)
        _numbered(1, 2, "甲が指定するもの"),                # (1)
        _numbered(1, 2, "その他"),                          # (2)
        _numbered(1, 3, "細目"),                            # ア
        _numbered(1, 0, "甲は、検査する。"),                # 第2条 (deeper levels reset)
        _numbered(1, 1, "乙は、従う。"),                    # ２ again
        _numbered(3, 0, "解除の事由"),                      # 一
        _numbered(3, 0, "次の事由"),                        # 二
        '<w:p><w:r><w:t>別添</w:t></w:r></w:p>',
        _numbered(2, 0, "乙は、秘密を守る。"),              # 第1条 again (startOverride)
        _numbered(2, 0, "乙は、複写しない。"),              # 第2条
    ]))
    path = tmp_path / "numbered.docx"
    doc.save(path)
    assert _texts(path) == [
        "第1条　乙は、誠実に履行する。",
        "２　乙は、報告する。",
        "(1)　甲が指定するもの",
        "(2)　その他",
        "ア　細目",
        "第2条　甲は、検査する。",
        "２　乙は、従う。",
        "一　解除の事由",
        "二　次の事由",
        "別添",
        "第1条　乙は、秘密を守る。",
        "第2条　乙は、複写しない。",
    ]


def test_numbering_from_paragraph_style(tmp_path):
    doc = docx.Document()
    _with_numbering(doc, NUMBERING)
    styles = doc.styles.element
    styles.append(parse_xml(
        f'<w:style {W_NS} w:type="paragraph" w:styleId="Article"><w:name w:val="Article"/>'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'))
    styles.append(parse_xml(
        f'<w:style {W_NS} w:type="paragraph" w:styleId="Article2"><w:name w:val="Article2"/>'
        '<w:basedOn w:val="Article"/></w:style>'))
    _body_xml(doc, "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{s}"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>'
        for s, t in (("Article", "総則"), ("Article2", "定義"))))
    _body_xml(doc, '<w:p><w:pPr><w:pStyle w:val="Article"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>'
                   '<w:r><w:t>番号なし</w:t></w:r></w:p>')
    path = tmp_path / "styled.docx"
    doc.save(path)
    assert _texts(path) == ["第1条　総則", "第2条　定義", "番号なし"]


@pytest.mark.parametrize("n,fmt,expected", [
    (3, "decimal", "3"), (12, "decimalFullWidth", "１２"), (21, "japaneseCounting", "二十一"),
    (10, "japaneseCounting", "十"), (105, "japaneseCounting", "百五"), (10, "ideographDigital", "一〇"),
    (2, "aiueoFullWidth", "イ"), (3, "iroha", "ハ"), (3, "decimalEnclosedCircle", "③"),
    (25, "decimalEnclosedCircle", "㉕"), (2, "decimalEnclosedParen", "⑵"), (4, "lowerRoman", "iv"),
    (27, "upperLetter", "AA"), (2, "ideographTraditional", "乙"), (1, "bullet", ""),
])
def test_number_formats(n, fmt, expected):
    assert format_number(n, fmt) == expected


def test_tables_interleaved_in_body_order(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("第1条 前文")
    table = doc.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"セル{r}{c}"
    table.cell(1, 1).add_paragraph("セル11の二段落目")
    doc.add_paragraph("第2条 後文")
    path = tmp_path / "table.docx"
    doc.save(path)
    assert _texts(path) == ["第1条　前文", "セル00", "セル01", "セル10", "セル11", "セル11の二段落目", "第2条　後文"]


def test_headers_and_footers_excluded_but_in_meta(tmp_path):
    doc = docx.Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "業務委託契約書（案）"
    section.footer.paragraphs[0].text = "－1－"
    doc.add_paragraph("第1条 本文")
    path = tmp_path / "hf.docx"
    doc.save(path)
    result = load(path)
    assert [line.text for line in result.lines] == ["第1条　本文"]
    assert result.meta["headers"] == ["業務委託契約書（案）"]
    assert result.meta["footers"] == ["－1－"]


TEXTBOX = """
<w:p><w:r><w:t>前の段落</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent>
  <mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>
    <wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>囲みの文</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>
  </a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
  <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>囲みの文</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:t>後の段落</w:t></w:r></w:p>
"""


def test_text_box_read_once_in_place(tmp_path):
    doc = docx.Document()
    _body_xml(doc, TEXTBOX)
    path = tmp_path / "txbx.docx"
    doc.save(path)
    assert _texts(path) == ["前の段落", "囲みの文", "後の段落"]


def test_content_controls_read_once(tmp_path):
    doc = docx.Document()
    _body_xml(doc, """
      <w:sdt><w:sdtPr><w:alias w:val="block"/></w:sdtPr>
        <w:sdtContent><w:p><w:r><w:t>ブロックの文</w:t></w:r></w:p></w:sdtContent></w:sdt>
      <w:p><w:r><w:t>委託者</w:t></w:r>
        <w:sdt><w:sdtPr><w:alias w:val="inline"/></w:sdtPr><w:sdtContent><w:r><w:t>大分県</w:t></w:r></w:sdtContent></w:sdt>
        <w:r><w:t>は、</w:t></w:r></w:p>
    """)
    path = tmp_path / "sdt.docx"
    doc.save(path)
    assert _texts(path) == ["ブロックの文", "委託者大分県は、"]


def test_runs_tabs_breaks_fields_and_hidden_text(tmp_path):
    doc = docx.Document()
    _body_xml(doc, """
      <w:p><w:r><w:t>１</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>業務名</w:t></w:r></w:p>
      <w:p><w:r><w:t>第1条</w:t><w:br/><w:t>乙は、</w:t><w:br/><w:t>履行する。</w:t></w:r></w:p>
      <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>見える結果</w:t></w:r>
        <w:r><w:fldChar w:fldCharType="end"/></w:r>
        <w:r><w:rPr><w:vanish/></w:rPr><w:t>隠し文字</w:t></w:r></w:p>
    """)
    path = tmp_path / "runs.docx"
    doc.save(path)
    assert _texts(path) == ["１　業務名", "第1条　乙は、履行する。", "見える結果"]


def test_page_estimate_from_page_breaks(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("第1条 一頁目")
    doc.add_page_break()
    doc.add_paragraph("第2条 二頁目")
    path = tmp_path / "pages.docx"
    doc.save(path)
    assert [(ln.text, ln.page) for ln in load(path).lines] == [("第1条　一頁目", 1), ("第2条　二頁目", 2)]


def test_docx_without_page_info_has_no_pages(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("第1条 本文")
    path = tmp_path / "nopage.docx"
    doc.save(path)
    assert load(path).lines[0].page is None


def test_zip_without_document_xml_is_broken_docx(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(BrokenDocxError, match="word/document.xml"):
        load(path)


def test_random_zip_is_broken_docx_whatever_the_extension(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "hello")
    with pytest.raises(BrokenDocxError):
        load(path)


def test_truncated_docx_is_broken(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("第1条 本文")
    full = tmp_path / "full.docx"
    doc.save(full)
    cut = tmp_path / "cut.docx"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(BrokenDocxError):
        load(cut)


def test_document_xml_not_xml_is_broken(tmp_path):
    doc = docx.Document()
    full = tmp_path / "full.docx"
    doc.save(full)
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(full) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = b"<w:document" if item.filename == "word/document.xml" else src.read(item)
            dst.writestr(item, data)
    with pytest.raises(BrokenDocxError):
        load(bad)


def test_docx_with_empty_body_is_empty(tmp_path):
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    with pytest.raises(EmptyFileError):
        load(path)


# ---- dev corpus --------------------------------------------------------------------


@pytest.fixture
def dev_dir() -> Path:
    shared = find_shared()
    if shared is None:
        pytest.skip("shared/ corpus not available")
    return shared / "corpus" / "dev"


def _articles(lines: list[str]) -> list[int]:
    table = str.maketrans("０１２３４５６７８９", "0123456789")
    return [int(m.group(1).translate(table)) for t in lines if (m := re.match(r"第([0-9０-９]+)条　", t))]


def _two_runs(numbers: list[int]) -> bool:
    """Body articles 1..n, then the annex articles 1..m, each without gaps."""
    restart = numbers.index(1, 1)
    return numbers[:restart] == list(range(1, restart + 1)) and \
        numbers[restart:] == list(range(1, len(numbers) - restart + 1))


@pytest.mark.parametrize("name", ["d06-honyaku.docx", "d22-callcenter.docx", "d33-kyuyo.docx"])
def test_corpus_auto_numbered_articles_in_sequence(dev_dir, name):
    lines = _texts(dev_dir / name)
    numbers = _articles(lines)
    assert len(numbers) >= 25 and _two_runs(numbers)
    if name == "d33-kyuyo.docx":  # numFmt decimalFullWidth
        assert any(t.startswith("第１０条　") for t in lines)


def test_corpus_d25_tracked_changes(dev_dir):
    lines = _texts(dev_dir / "d25-bunsho.docx")
    joined = "\n".join(lines)
    assert "２　乙は、甲が同意した場合又は業務従事者が在宅で業務を行う場合を除き" in joined  # w:ins kept
    assert any(t.startswith("３　前項の規定にかかわらず、乙は") for t in lines)  # inserted paragraph
    assert "金庫、保管庫又は施錠若しくは入退室管理" not in joined  # deleted item gone
    assert not any(t.endswith("本文") for t in lines)
    assert _two_runs(_articles(lines))


def test_corpus_d36_tracked_deletion(dev_dir):
    lines = _texts(dev_dir / "d36-kyuyo.docx")
    art4 = next(t for t in lines if t.startswith("第4条　乙は、この契約による業務に関して"))
    assert "甲から提供を受けた個人情報を" in art4  # 「機密情報・」 was a w:del


def test_corpus_header_footer_not_in_body(dev_dir):
    result = load(dev_dir / "d25-bunsho.docx")
    assert result.meta["headers"] == ["文書保管及び廃棄業務委託契約書（案）"]
    assert "文書保管及び廃棄業務委託契約書（案）" not in [ln.text for ln in result.lines]
    assert not any(re.fullmatch(r"[－\-]\s*\d+\s*[－\-]", ln.text) for ln in result.lines)

