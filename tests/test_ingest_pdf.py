"""PDF loader on PDFs drawn with reportlab (Japanese CID font) and error PDFs."""
from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from keiyaku_lint.errors import CorruptPdfError, EncryptedPdfError, GarbledPdfError, NoTextLayerError
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest.pdf import PageText, _check_text_layer, load_pdf

FONT = "HeiseiMin-W3"
SIZE = 10.5
LEFT = 70
WIDTH = 40  # characters per full line: the right margin is LEFT + WIDTH * SIZE
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, indent: int = 0, hanging: int = 1) -> list[tuple[int, str]]:
    """Break `text` into full lines of WIDTH em (first line indented by `indent`,
    continuation lines by `hanging`), as a word processor would; ASCII is half width."""
    out: list[tuple[int, str]] = []
    line, used, ind = "", 0.0, indent
    for ch in text:
        w = 0.5 if ch.isascii() else 1.0
        if used + w > WIDTH - ind:
            out.append((ind, line))
            line, used, ind = "", 0.0, hanging
        line += ch
        used += w
    if line:
        out.append((ind, line))
    return out


def draw(path, pages, title="業務委託契約書", footer="－ {n} －", encrypt=None):
    """Each page: list of (indent in characters, text). Running header = `title`."""
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for n, lines in enumerate(pages, start=1):
        c.setFont(FONT, 9)
        if title:
            c.drawString(400, 815, title)
        if footer:
            c.drawCentredString(297, 40, footer.format(n=n, total=len(pages)))
        c.setFont(FONT, SIZE)
        for i, (indent, text) in enumerate(lines):
            c.drawString(LEFT + indent * SIZE, 780 - i * 16, text)
        c.showPage()
    c.save()
    return path


ART1 = "乙は、別冊の仕様書に基づき、頭書の委託金額をもって、頭書の履行期間内に、頭書の業務を信義に従って誠実に履行しなければならない。"
ART1_2 = "仕様書に明示されていない事項があるときは、甲及び乙が協議して定めるものとする。"
ITEM1 = "秘密である旨が明示された文書、図面その他の有体物又は電子文書として提供される情報"
ART2 = "乙は、この契約により生ずる権利又は義務を第三者に譲渡し、若しくは承継させ、又はその権利を担保の目的に供してはならない。ただし、あらかじめ甲の書面による承諾を得た場合は、この限りでない。"


def _contract_pages():
    page1 = [(10, "業 務 委 託 契 約 書"), (0, "（総則）")]
    page1 += wrap("第1条　" + ART1) + wrap("２　" + ART1_2) + wrap("(1) " + ITEM1, indent=1, hanging=3)
    page1 += [(0, "（権利義務の譲渡等）")]
    art2 = wrap("第 2 条　" + ART2)
    page1 += art2[:2]  # the article runs over the page break
    page2 = art2[2:] + [(0, "（検査）"), (0, "第3条　甲は、検査を行う。")] + [(0, "3")]
    return [page1, page2]


EXPECTED = [
    ("業務委託契約書", 1),
    ("（総則）", 1),
    ("第1条　" + ART1, 1),
    ("２　" + ART1_2, 1),
    ("(1)　" + ITEM1, 1),
    ("（権利義務の譲渡等）", 1),
    ("第2条　" + ART2, 1),
    ("（検査）", 2),
    ("第3条　甲は、検査を行う。", 2),
]


@pytest.fixture(scope="module")
def contract_pdf(tmp_path_factory):
    return draw(tmp_path_factory.mktemp("pdf") / "contract.pdf", _contract_pages())


def test_wrapped_paragraphs_rejoined_and_furniture_dropped(contract_pdf):
    result = load(contract_pdf)
    assert result.kind == "pdf"
    assert [(ln.text, ln.page) for ln in result.lines] == EXPECTED
    assert [ln.lineno for ln in result.lines] == list(range(1, len(EXPECTED) + 1))


def test_pdfium_engine_gives_the_same_lines(contract_pdf):
    plumber = load_pdf(contract_pdf)
    pdfium = load_pdf(contract_pdf, engine="pdfium")
    assert [(ln.text, ln.page) for ln in pdfium.lines] == [(ln.text, ln.page) for ln in plumber.lines]
    assert pdfium.meta["engine"] == "pdfium"


@pytest.mark.parametrize("footer", ["{n}/{total}", "- {n} -", "Page {n}", "― {n} ―", "{n} / {total}"])
def test_page_number_styles_dropped(tmp_path, footer):
    pages = [wrap("第1条　" + ART1) + wrap("２　" + ART1_2), wrap("第2条　" + ART2)]
    result = load(draw(tmp_path / "f.pdf", pages, title=None, footer=footer))
    assert [ln.text for ln in result.lines] == ["第1条　" + ART1, "２　" + ART1_2, "第2条　" + ART2]


def test_short_last_line_is_not_joined(tmp_path):
    pages = [wrap("第1条　" + ART1) + [(0, "乙は、甲に報告する。")] + wrap("２　" + ART1_2)]
    lines = [ln.text for ln in load(draw(tmp_path / "s.pdf", pages, title=None)).lines]
    assert lines == ["第1条　" + ART1, "乙は、甲に報告する。", "２　" + ART1_2]


def test_full_line_followed_by_marker_is_not_joined(tmp_path):
    text = "第1条　" + ART1[: WIDTH - 4]  # exactly one full line
    pages = [wrap(text) + [(1, "(1)　甲の指示")] + wrap("２　" + ART1_2)]
    lines = [ln.text for ln in load(draw(tmp_path / "m.pdf", pages, title=None)).lines]
    assert lines == [text, "(1)　甲の指示", "２　" + ART1_2]


def test_encrypted_pdf(tmp_path):
    path = draw(tmp_path / "enc.pdf", [wrap("第1条　" + ART1)], encrypt="pw")
    with pytest.raises(EncryptedPdfError):
        load(path)
    with pytest.raises(EncryptedPdfError):
        load_pdf(path, engine="pdfium")


def test_truncated_pdf_is_corrupt(contract_pdf, tmp_path):
    data = contract_pdf.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptPdfError):
        load(cut)


def test_garbage_after_pdf_header_is_corrupt(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    with pytest.raises(CorruptPdfError):
        load(path)
    with pytest.raises(CorruptPdfError):
        load_pdf(path, engine="pdfium")


def test_pdf_extension_without_pdf_header(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_text("<html>not a pdf</html>")
    with pytest.raises(CorruptPdfError):
        load(path)


def test_image_only_pdf_has_no_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(3):
        c.rect(50, 50, 400, 600, fill=1)
        c.showPage()
    c.save()
    with pytest.raises(NoTextLayerError):
        load(path)


def test_cid_garbage_is_garbled():
    page = PageText(1, chars=500, cid_chars=400)
    with pytest.raises(GarbledPdfError):
        _check_text_layer("x.pdf", [page])
    _check_text_layer("x.pdf", [PageText(1, chars=500, cid_chars=3)])  # a few are tolerated


def test_unknown_engine_is_rejected(contract_pdf):
    with pytest.raises(ValueError):
        load_pdf(contract_pdf, engine="ocr")


# ---- pdfium: runs (fast path) vs characters (reference) -----------------------------------


def _pdfium_lines(path, per_char=False):
    from keiyaku_lint.ingest import pdf as pdf_mod

    return [[(ln.text, round(ln.x0, 3), round(ln.x1, 3), ln.size) for ln in page.lines]
            for page in pdf_mod._pdfium_pages(str(path), per_char=per_char)]


def _fallbacks(monkeypatch) -> list[int]:
    """Pages that the fast path handed to the per-character reading."""
    from keiyaku_lint.ingest import pdf as pdf_mod

    pages: list[int] = []
    real = pdf_mod._pdfium_page_per_char

    def spy(page, number, sizes=None):
        pages.append(number)
        return real(page, number, sizes)

    monkeypatch.setattr(pdf_mod, "_pdfium_page_per_char", spy)
    return pages


def _one_page(path, draw_page):
    c = canvas.Canvas(str(path))
    draw_page(c)
    c.showPage()
    c.save()
    return path


def test_pdfium_runs_on_the_synthetic_contract(contract_pdf, monkeypatch):
    fallbacks = _fallbacks(monkeypatch)
    fast = _pdfium_lines(contract_pdf)
    assert fallbacks == []
    assert fast == _pdfium_lines(contract_pdf, per_char=True)


def test_pdfium_runs_rows_drawn_out_of_order_and_gaps(tmp_path, monkeypatch):
    """A row drawn in pieces (right column first), drawn and implied spaces, Latin words:
    the runs are grouped and joined as characters are."""

    def page(c):
        c.setFont(FONT, SIZE)
        c.drawString(LEFT + 8 * SIZE, 780, "清掃業務")  # the value column, drawn first
        c.drawString(LEFT, 780, "1 業務名")  # a drawn ASCII space
        c.drawString(LEFT, 764, "第1条　甲は、乙に委託する。")  # a drawn full-width space
        c.drawString(LEFT, 748, "甲は")
        c.drawString(LEFT + 3 * SIZE, 748, "乙に通知する。")  # a 1 em gap, nothing drawn
        c.drawString(LEFT, 732, "ISO 9001 and JIS Q 15001 apply.")
        c.drawString(LEFT, 716, "金")
        c.drawString(LEFT + 1.4 * SIZE, 716, "100,000円")  # a 0.4 em gap
        c.drawString(LEFT, 700, "  先頭の空白と末尾の空白  ")

    path = _one_page(tmp_path / "rows.pdf", page)
    fallbacks = _fallbacks(monkeypatch)
    fast = _pdfium_lines(path)
    assert fallbacks == []
    assert fast == _pdfium_lines(path, per_char=True)
    texts = [t for t, *_ in fast[0]]
    assert texts[0] == "1 業務名　清掃業務"
    assert "第1条　甲は、乙に委託する。" in texts and "甲は　乙に通知する。" in texts


@pytest.mark.parametrize("case", ["size-change", "raised", "overlap"])
def test_pdfium_runs_fall_back_to_characters(tmp_path, monkeypatch, case):
    """A run whose last character differs from its first in size or baseline, or runs of
    a row that overlap: that page is read by characters, with the same lines.
    (Not detected: a change strictly inside a run whose ends agree — the run then counts
    as one piece, placed by its ends.)"""

    def page(c):
        c.setFont(FONT, SIZE)
        c.drawString(LEFT, 780, "第1条　乙は誠実に履行する。")
        t = c.beginText(LEFT, 764)
        t.setFont(FONT, SIZE)
        t.textOut("甲は乙に通知する")
        if case == "size-change":
            t.setFont(FONT, 16)
        elif case == "raised":
            t.setRise(4)
        t.textOut("注")
        c.drawText(t)
        if case == "overlap":
            c.drawString(LEFT + 3 * SIZE, 764, "丙")

    path = _one_page(tmp_path / f"{case}.pdf", page)
    fallbacks = _fallbacks(monkeypatch)
    fast = _pdfium_lines(path)
    assert fallbacks == [1]
    assert fast == _pdfium_lines(path, per_char=True)
