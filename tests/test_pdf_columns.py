"""PDF pages set in two or three columns: lines of different columns at the same height
must not be joined across the gutter; the page is read column by column (ingest/pdf.py,
`_column_cuts`). Single-column pages — tables, forms, hanging indentation — are not split.

Whole documents are drawn with reportlab from the clean reference copy (columns on one
baseline grid, so every row of the left column is level with one of the right: the worst
case), plus unit tests on small synthetic character lists.
"""
from __future__ import annotations

import functools

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from variant_helpers import CLEAN, REF, not_ok

from keiyaku_lint.audit import audit_file
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest import pdf as pdf_mod
from keiyaku_lint.ingest.pdf import Char, chars_to_lines

FONT = "HeiseiMin-W3"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
PAGE_W, PAGE_H = 595, 842


def _wrap(text: str, width: int) -> list[str]:
    """Full lines of `width` characters (ASCII half width), as a word processor breaks them."""
    out, line, used = [], "", 0.0
    for ch in text:
        w = 0.5 if ch.isascii() else 1.0
        if used + w > width:
            out.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return out + [line] if line else out


def draw_columns(path, text: str, cols: int, size: float = 9.0, gap: float = 20.0, rows: int = 48):
    """`text` flowed through `cols` columns per page on one baseline grid, with a page-wide
    title on page 1, a running header and a centred page number (which crosses a gutter)."""
    left, right = 50.0, PAGE_W - 50.0
    col_w = (right - left - (cols - 1) * gap) / cols
    per_line = int(col_w // size)
    lines = [row for para in text.splitlines() if para.strip() for row in _wrap(para, per_line)]
    per_page = rows * cols
    c = canvas.Canvas(str(path))
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    for n, page in enumerate(pages, start=1):
        c.setFont(FONT, 8)
        c.drawRightString(right, 815, "業務委託契約書（写し）")
        c.drawCentredString(PAGE_W / 2, 30, f"－ {n} －")
        c.setFont(FONT, size)
        for i, line in enumerate(page):
            col, row = divmod(i, rows)
            c.drawString(left + col * (col_w + gap), 790 - row * size * 1.6, line)
        c.showPage()
    c.save()
    return path


@functools.lru_cache(maxsize=None)
def _drawn(tmp_dir, cols: int):
    from pathlib import Path

    return draw_columns(Path(tmp_dir) / f"cols{cols}.pdf", CLEAN, cols)


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("columns"))


def _clean_lines() -> list[str]:
    return [line for line in CLEAN.splitlines() if line.strip()]


@pytest.mark.parametrize("cols", [2, 3])
def test_columns_read_column_by_column_give_the_clean_lines(tmp_dir, cols):
    path = _drawn(tmp_dir, cols)
    got = [line.text for line in load(path).lines]
    assert got == _clean_lines()


@pytest.mark.parametrize("cols", [2, 3])
def test_columns_audit_all_ok(tmp_dir, cols):
    result = audit_file(str(_drawn(tmp_dir, cols)), REF)
    assert result.error is None and not_ok(result) == {}


@pytest.mark.parametrize("cols", [2, 3])
def test_columns_same_lines_with_every_engine(tmp_dir, cols):
    """pdfium runs, pdfium per character and pdfplumber find the same gutters."""
    path = str(_drawn(tmp_dir, cols))

    def read(pages):
        return [(ln.text, ln.page) for ln in pdf_mod.rebuild_paragraphs(pdf_mod.drop_furniture(pages))]

    runs = read(pdf_mod._pdfium_pages(path))
    assert runs == read(pdf_mod._pdfium_pages(path, per_char=True))
    assert runs == read(pdf_mod._plumber_pages(path))


# ---- synthetic characters ---------------------------------------------------------------

SIZE = 10.0


def chars(text: str, x: float, y: float, size: float = SIZE) -> list[Char]:
    out, cx = [], x
    for ch in text:
        w = size * (0.5 if ch.isascii() else 1.0)
        out.append(Char(ch, cx, cx + w, y, y + size, size))
        cx += w
    return out


def page_of(rows: list[list[tuple[float, str]]], pitch: float = 16.0) -> list[Char]:
    """Each row: (x, text) pieces drawn on one baseline."""
    return [c for i, row in enumerate(rows) for x, text in row for c in chars(text, x, 100 + i * pitch)]


LEFT_COL = ["あいうえおかきくけこさしすせそたちつてと"] * 12  # 20 characters: 200 pt wide
RIGHT_COL = ["アイウエオカキクケコサシスセソタチツテト"] * 12


def test_two_columns_level_with_each_other_are_read_one_after_the_other():
    got = [ln.text for ln in chars_to_lines(page_of([[(50, a), (280, b)] for a, b in zip(LEFT_COL, RIGHT_COL)]), 1)]
    assert got == LEFT_COL + RIGHT_COL


def test_a_title_across_the_gutter_stays_whole_and_comes_first():
    rows = [[(200, "業務委託契約書の写しを作成する")]] + [[(50, a), (280, b)] for a, b in zip(LEFT_COL, RIGHT_COL)]
    got = [ln.text for ln in chars_to_lines(page_of(rows), 1)]
    assert got == ["業務委託契約書の写しを作成する"] + LEFT_COL + RIGHT_COL


def test_column_lines_carry_their_column_edge():
    lines = chars_to_lines(page_of([[(50, a), (280, b)] for a, b in zip(LEFT_COL, RIGHT_COL)]), 1)
    assert {ln.column_right for ln in lines} == {250.0, 480.0}


def test_a_table_of_short_cells_is_not_split():
    """Label | amount rows: a free x range in every row, but no column of running text."""
    rows = [[(50, f"令和８年{m}月分"), (300, f"{m * 1000}円")] for m in range(1, 13)]
    got = [ln.text for ln in chars_to_lines(page_of(rows), 1)]
    assert got == [f"令和８年{m}月分\u3000{m * 1000}円" for m in range(1, 13)]


def test_hanging_markers_are_not_a_column():
    """「２　」 then text, continuation lines indented by two characters: the blank after the
    marker is level on every row but is not a gutter."""
    rows = []
    for n in "２３４５６７":
        rows += [[(50, n), (70, "あいうえおかきくけこさしすせそたちつてと")], [(70, "なにぬねのはひふへほ")]]
    got = [ln.text for ln in chars_to_lines(page_of(rows), 1)]
    assert len(got) == 12 and got[0] == "２\u3000あいうえおかきくけこさしすせそたちつてと"


def test_plain_text_is_not_searched_for_columns():
    rows = [[(50, "あいうえおかきくけこさしすせそたちつてとなにぬねの")]] * 20
    lines = chars_to_lines(page_of(rows), 1)
    assert pdf_mod._plain(lines, 50) and pdf_mod._column_cuts(lines, 50) is None


def test_runs_find_the_same_columns_as_characters():
    """`_runs_to_lines` (pdfium's fast path) on the same page, one run per piece of a row."""
    pieces = [(50, a, 100 + i * 16) for i, a in enumerate(LEFT_COL)] + [(280, b, 100 + i * 16) for i, b in enumerate(RIGHT_COL)]
    runs = []
    for k, (x, text, y) in enumerate(pieces):
        x1 = x + SIZE * len(text)
        runs.append([y + SIZE / 2, k, SIZE, x, x1, y, y + SIZE, text, "", "", x1 - SIZE])
    got = [ln.text for ln in pdf_mod._runs_to_lines(runs, 1)]
    assert got == LEFT_COL + RIGHT_COL


def test_a_checklist_table_with_a_short_answer_column_is_not_split():
    """Wrapped text on the left and 「適・否」 in a wide right cell of each item (a
    checklist): the answers end at one edge, but they are not running text."""
    rows = [[(260, "業務委託契約書（案）")]]
    for _ in range(6):
        rows += [[(50, LEFT_COL[0]), (280, "適・否")]] + [[(50, t)] for t in LEFT_COL[:3]]
    got = [ln.text for ln in chars_to_lines(page_of(rows), 1)]
    assert got[1] == LEFT_COL[0] + "\u3000適・否" and len(got) == 25
