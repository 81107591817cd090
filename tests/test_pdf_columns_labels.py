"""見出し and 第N条 printed in a column of their own left of the clause text (the left
margin, or the left cells of a table): each row is cut where the text column starts, and
the labels are put before the text they stand beside (ingest/pdf.py, `_label_lines`).

Documents drawn with reportlab from the clean reference copy, and synthetic pages.
"""
from __future__ import annotations

import re

import pytest
from reportlab.pdfgen import canvas
from test_pdf_columns import FONT, _clean_lines, _wrap, page_of
from variant_helpers import CLEAN, REF, not_ok

from keiyaku_lint.audit import audit_file
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest import pdf as pdf_mod
from keiyaku_lint.ingest.pdf import PageText, chars_to_lines, rebuild_paragraphs

CAPTION = re.compile(r"^（[^）]+）$")
ARTICLE = re.compile(r"^(第[0-9０-９]+条)　(.*)$")


def draw_labelled(path, split_article: bool, size: float = 10.0, label_chars: int = 6):
    """Clause text in a column from x=150; each article's 見出し wrapped at `label_chars`
    in the left margin level with its first line — and with `split_article` its 第N条
    in a cell of its own further left, as a table with a merged label cell draws it."""
    text_x, per_line, pitch = 150.0, 38, size * 1.5
    c = canvas.Canvas(str(path))
    y = 800.0
    caption = None

    def row():
        nonlocal y
        if y < 60:
            c.showPage()
            c.setFont(FONT, size)
            y = 800.0
        y -= pitch
        return y

    for line in CLEAN.splitlines():
        if not line.strip():
            continue
        if CAPTION.match(line):
            caption = line
            continue
        m = ARTICLE.match(line)
        if m and caption:
            labels_y = row()
            c.setFont(FONT, size * 0.8)
            cap_x = 60.0 if split_article else 12.0
            caption_rows = _wrap(caption, label_chars)
            for k, piece in enumerate(caption_rows):
                c.drawString(cap_x, labels_y - k * pitch, piece)
            c.setFont(FONT, size)
            if split_article:
                c.drawString(12.0, labels_y, m.group(1))
                rows = _wrap(m.group(2), per_line)
            else:
                rows = _wrap(line, per_line)
            c.drawString(text_x, labels_y, rows[0])
            for piece in rows[1:]:
                c.drawString(text_x, row(), piece)
            for _ in range(len(caption_rows) - len(rows)):
                row()  # the label is taller than the clause: the next one starts below it
            caption = None
            continue
        c.setFont(FONT, size)
        for piece in _wrap(line, per_line):
            c.drawString(text_x, row(), piece)
    c.save()
    return path


@pytest.mark.parametrize("split_article", [False, True], ids=["caption-in-margin", "article-cell-and-caption-cell"])
def test_labels_in_their_own_column_give_the_clean_lines_and_audit_all_ok(tmp_path, split_article):
    path = draw_labelled(tmp_path / "labels.pdf", split_article)
    assert [line.text for line in load(path).lines] == _clean_lines()
    result = audit_file(str(path), REF)
    assert result.error is None and not_ok(result) == {}


def test_labels_same_lines_with_every_engine(tmp_path):
    path = str(draw_labelled(tmp_path / "labels.pdf", True))

    def read(pages):
        return [(ln.text, ln.page) for ln in rebuild_paragraphs(pdf_mod.drop_furniture(pages))]

    runs = read(pdf_mod._pdfium_pages(path))
    assert runs == read(pdf_mod._pdfium_pages(path, per_char=True))
    assert runs == read(pdf_mod._plumber_pages(path))


BODY = ["あいうえおかきくけこさしすせそたちつてと"] * 3 + ["なにぬねの。"]


def _page(rows):
    page = PageText(1)
    page.lines = chars_to_lines(rows, 1)
    return page


def test_a_wrapped_margin_caption_goes_before_its_article():
    rows = page_of([[(12, "（秘密の"), (150, "第１条　" + BODY[0])], [(12, "保持）"), (150, BODY[1])]]
                   + [[(150, t)] for t in BODY[2:] + BODY * 2])
    lines = [ln.text for ln in rebuild_paragraphs([_page(rows)])]
    assert lines[:2] == ["（秘密の保持）", "第１条　" + "".join(BODY)]


def test_an_article_cell_is_put_in_front_of_its_text():
    rows = page_of([[(12, "第２条"), (60, "（複写の禁止）"), (150, BODY[0])]] + [[(150, t)] for t in BODY[1:] + BODY * 2])
    lines = [ln.text for ln in rebuild_paragraphs([_page(rows)])]
    assert lines[:2] == ["（複写の禁止）", "第２条\u3000" + "".join(BODY)]


def test_hanging_paragraph_numbers_are_not_labels():
    """「２」 left of its indented text on every paragraph: no label column, one line each."""
    rows = []
    for n in "２３４":
        rows += [[(12, n), (150, BODY[0])]] + [[(150, t)] for t in BODY[1:]]
    lines = [ln.text for ln in rebuild_paragraphs([_page(page_of(rows))])]
    assert lines == [f"{n}\u3000" + "".join(BODY) for n in "２３４"]


def _lines_at(rows: list[tuple[float, str]]) -> list[str]:
    """One piece per row at x (10 pt characters), rebuilt into logical lines."""
    return [ln.text for ln in rebuild_paragraphs([_page(page_of([[piece] for piece in rows]))])]


NARROW = "あいうえおかきくけこさしすせ"  # 14 characters: the column's full line


def test_a_caption_wrapped_in_a_narrow_column_is_one_line_and_starts_a_unit():
    """Text hard-wrapped at 14 characters: the paragraph's last line is full and ends with
    「。」, and the next 見出し takes two lines, its first not reaching the right edge."""
    rows = [(50, NARROW)] * 6 + [(50, "あいうえおかきくけこさしす。"), (50, "（個人情報の取得の範囲"),
                                 (50, "と手段）"), (50, "第３条　" + NARROW[:10])] + [(50, NARROW)] * 4 + [(50, "おわり。")]
    lines = _lines_at(rows)
    assert lines[1:3] == ["（個人情報の取得の範囲と手段）", "第３条　" + NARROW[:10] + NARROW * 4 + "おわり。"]


def test_a_parenthesis_wrapped_inside_a_sentence_is_not_a_caption():
    """「（以下「乙…」という。）」 split over two lines after a full line ending with 「。」
    stays in its sentence: a 見出し holds no 「」 or 。."""
    opening = "（以下「乙乙乙乙乙乙乙乙乙乙"  # full: it continues
    rows = [(50, NARROW)] * 6 + [(50, "あいうえおかきくけこさしす。"), (50, opening), (50, "」という。）は、おわり。")]
    rows += [(50, NARROW)] * 3
    assert _lines_at(rows)[0] == NARROW * 6 + "あいうえおかきくけこさしす。" + opening + "」という。）は、おわり。"


def test_a_label_table_under_single_column_text_on_the_same_page():
    """The annex table starts mid-page: the rows above run across the label column and
    stay as they are; the rows below are cut."""
    full = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれ"  # 40 characters
    rows = [[(12, full)]] * 6 + [[(12, "おわり。")]]
    clause = BODY[:3] * 3 + BODY[3:]  # ten lines
    rows += [[(12, "（秘密の保持）"), (150, clause[0])]] + [[(150, t)] for t in clause[1:]]
    rows += [[(12, "（複写の禁止）"), (150, clause[0])], [(12, "第２条"), (150, clause[1])]] + [[(150, t)] for t in clause[2:]]
    lines = [ln.text for ln in rebuild_paragraphs([_page(page_of(rows))])]
    assert lines == [full * 6 + "おわり。", "（秘密の保持）", "".join(clause), "（複写の禁止）", "第２条\u3000" + "".join(clause)]


def test_the_tail_of_a_caption_above_the_labelled_part_is_not_a_label():
    """「段）」 under its head 「（…手」, which runs across the text column's edge: not a
    label (the labelled part of the page starts with the text beside 「第３条」)."""
    rows = [[(12, "（個人情報の取得の範囲と目的と手")], [(12, "段）")]] + [[(12, "第３条"), (150, BODY[0])]]
    rows += [[(150, t)] for t in BODY[1:] + BODY * 2]
    page = _page(page_of(rows))
    assert [ln.text for ln in page.lines if ln.label] == ["第３条"]
    assert "第３条\u3000" + "".join(BODY) in [ln.text for ln in rebuild_paragraphs([page])]


def test_hanging_item_numbers_in_parentheses_are_not_labels():
    """「(4)」 left of its indented text looks like a 見出し in parentheses: it is not one."""
    rows = []
    for n in "1234":
        rows += [[(12, f"({n})"), (150, BODY[0])]] + [[(150, t)] for t in BODY[1:]]
    page = _page(page_of(rows))
    assert not any(ln.label for ln in page.lines)
