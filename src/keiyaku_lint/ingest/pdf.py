"""PDF loader: characters → physical lines → page furniture removed → logical lines.

pdfplumber supplies characters with boxes, grouped into lines here; pypdfium2 (~20×
faster) supplies runs of characters (its page text cut at spaces and line breaks, a box
read only for each run's first and last character), grouped into lines by the same rules
— or characters, on a page where a run is not one piece of a line. Header/footer removal
and paragraph rebuilding are shared, so the two engines give the same lines
(tests/test_engines.py proves it, and that the audit gives the same statuses, on the dev
corpus and the samples).

Engines: "pdfium", "pdfplumber", and "auto" (the default of `ingest.load`): pdfium
first, pdfplumber when pdfium fails on the file — if both fail, pdfplumber's error is
the one reported, so the error contract does not depend on the fast engine.

A page set in two or three columns is read column by column, and 見出し / 第N条 printed
in a column of their own left of the text (the margin, a table's label cells) are put
before the clause they stand beside (see the sections "columns" and "labels").

About half the lines of a contract PDF end mid-sentence. A line that reaches the
right margin continues on the next one unless that line opens a new numbered unit
(第N条, ２, (1), 一, （見出し）…) — also across a page break.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from ..errors import CorruptPdfError, EncryptedPdfError, GarbledPdfError, IngestError, NoTextLayerError
from ..models import Line, SourceDoc
from .clean import FW_SPACE, is_bare_marker, is_caption, is_page_number, normalize_spacing, starts_new_unit
from .pdfstreams import check_flate_streams

_CID = re.compile(r"^\(cid:\d+\)$")
MARGIN_TOLERANCE = 1.5  # a line within 1.5 character widths of the right margin is "full"
# Line-breaking rules (kinsoku) push a character together with the 。 or 、 that may not
# start a line down to the next line, so a wrapped line can stop 2 characters short.
KINSOKU_TOLERANCE = 2.5
MIN_TEXT_CHARS = 10  # a page with fewer visible characters counts as having no text
FURNITURE_BAND = 3  # header/footer candidates: this many lines at the top and bottom of a page


class Char(NamedTuple):
    """A character with its box (top-down coordinates). The engines may pass plain
    tuples in this field order: grouping reads them by index, for speed."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


_TEXT, _X0, _X1, _TOP, _BOTTOM, _SIZE = range(6)


@dataclass
class PhysLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    column_right: float = 0.0  # right edge of the text column the line stands in (0: none)
    gaps: tuple = ()  # blanks at least a gutter wide inside the line, as (x0, x1) pairs
    label: bool = False  # in a column of 見出し / 第N条 labels left of the text (`_label_lines`)


@dataclass
class PageText:
    number: int
    lines: list[PhysLine] = field(default_factory=list)
    chars: int = 0  # visible characters
    cid_chars: int = 0  # (cid:NNN) characters: font without a Unicode mapping


# ---- characters → physical lines ------------------------------------------------------


def chars_to_lines(chars: list[Char], page: int) -> list[PhysLine]:
    """Group characters into lines (by vertical centre), left to right, with spaces
    where the horizontal gap is wide (≥ 1 em becomes a full-width space). A page set in
    columns is read column by column (`_column_cuts`)."""
    rows = _char_rows(chars)
    lines = [line for row in rows if (line := _row_to_line(row, page))]
    return _layout(rows, lines, (_X0, _X1, _TEXT), _char_rows, functools.partial(_row_to_line, page=page))


def _char_rows(chars: list[Char]) -> list[list[Char]]:
    keyed = sorted([((c[_TOP] + c[_BOTTOM]) / 2, i) for i, c in enumerate(chars)])  # stable
    rows: list[list[Char]] = []
    row: list[Char] = []
    row_mid = row_size = 0.0  # vertical centre and size (≥ 1) of the row's first char
    for mid, i in keyed:
        ch = chars[i]
        size = ch[_SIZE]
        # same row: |mid - row_mid| <= 0.4 * max(size, first char's size, 1.0)
        if row and abs(mid - row_mid) <= 0.4 * (size if size > row_size else row_size):
            row.append(ch)
            continue
        row = [ch]
        rows.append(row)
        row_mid, row_size = mid, (size if size > 1.0 else 1.0)
    return rows


def _median(values: list[float]) -> float:
    """statistics.median without its overhead (called once per line)."""
    values = sorted(values)
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


_BY_X0 = itemgetter(_X0)


def _row_to_line(row: list[Char], page: int) -> PhysLine | None:
    row.sort(key=_BY_X0)
    visible = [c for c in row if c[_TEXT].strip()]
    if not visible:
        return None
    size = _median([c[_SIZE] for c in visible]) or 10.0
    wide, narrow = 0.8 * size, 0.25 * size
    parts: list[str] = []
    prev_x1: float | None = None
    gaps: list[tuple[float, float]] | None = None  # made only for the few lines that have one
    gutter = GUTTER_MIN_EM * size
    typed = ""  # a space character drawn in the PDF since the last visible character
    for ch in row:
        t = ch[_TEXT]
        if not t.strip():
            typed = FW_SPACE if FW_SPACE in t or typed == FW_SPACE else " "
            continue
        if prev_x1 is not None:
            gap = ch[_X0] - prev_x1
            if gap >= gutter:
                gaps = (gaps or []) + [(prev_x1, ch[_X0])]
            if gap >= wide or typed == FW_SPACE:
                parts.append(FW_SPACE)
            elif gap >= narrow or typed:
                parts.append(" ")
        parts.append(t)
        prev_x1, typed = ch[_X1], ""
    return PhysLine("".join(parts), visible[0][_X0], max(c[_X1] for c in visible),
                    min(c[_TOP] for c in visible), max(c[_BOTTOM] for c in visible), size, page,
                    gaps=tuple(gaps) if gaps else ())


# ---- columns ------------------------------------------------------------------------------
# A page set in two or three columns puts lines of different columns at the same height:
# grouped by height alone they would be joined across the gutter. A gutter is an x range
# free of ink in every row of the page but a few (a title, header or page number may cross
# it) with text on both sides; the page is then read column by column. Conservative: every
# column must be 14 em wide or more, hold many lines, and be wrapped at its right edge
# (a table's or a form's gaps, indentation and hanging markers do not qualify).

COLUMN_MIN_LINES = 5
COLUMN_MIN_EM = 14  # a column of running text holds at least 14 characters a line
MAX_COLUMNS = 3
GUTTER_MIN_EM = 1.5  # narrower than a gutter: the full-width space after a hanging marker


def _layout(rows: list[list], lines: list[PhysLine], idx: tuple[int, int, int], regroup, build) -> list[PhysLine]:
    """The page's lines read column by column, or with its label column cut off, or as
    they are. `idx`: where an item (character or run) keeps x0, x1 and its text."""
    if len(lines) < 2 * COLUMN_MIN_LINES:
        return lines
    left = min(ln.x0 for ln in lines)
    columns = _column_cuts(lines, left)
    if columns:
        return _column_lines(rows, columns, *idx, regroup, build)
    return _label_lines(rows, lines, left, idx, build) or lines


def _column_cuts(lines: list[PhysLine], left: float) -> tuple[list[float], float] | None:
    """(x positions of the gutters, a gutter's least width) for a page set in columns;
    None for any other page. Read from the lines alone: a gutter never fits inside a gap
    of a line narrower than a gutter, so each line is taken as its pieces between gaps."""
    if _plain(lines, left):
        return None
    em = lines[len(lines) // 2].size
    segs = [_line_pieces(ln) if ln.gaps else ((ln.x0, ln.x1),) for ln in lines]
    gutters = _free_ranges(segs, max(2, len(segs) // 10), GUTTER_MIN_EM * em)
    if not 0 < len(gutters) < MAX_COLUMNS or not _columns_of_text(segs, gutters, em):
        return None
    return [(a + b) / 2 for a, b in gutters], GUTTER_MIN_EM * em


def _plain(lines: list[PhysLine], left: float) -> bool:
    """A third of the lines run in one piece across the middle of the page, where any
    gutter would be, or too few lines could stand right of a gutter: no column search
    (the cheap exit of nearly every page)."""
    width = max(ln.x1 for ln in lines) - left
    start, end = left + 0.3 * width, left + 0.7 * width
    need = len(lines) // 3 + 1
    right_side = 0
    for ln in lines:
        if ln.gaps or ln.x0 >= left + COLUMN_MIN_EM * ln.size:
            right_side += 1
        elif ln.x0 <= start and ln.x1 >= end:
            need -= 1
            if not need:
                return True
    return right_side < COLUMN_MIN_LINES


def _line_pieces(line: PhysLine) -> list[tuple[float, float]]:
    pieces, x = [], line.x0
    for a, b in line.gaps:
        pieces.append((x, a))
        x = b
    pieces.append((x, line.x1))
    return pieces


def _free_ranges(segs: list[list], crossing: int, width: float) -> list[tuple[float, float]]:
    """x ranges at least `width` wide where at most `crossing` rows have ink, between the
    page's leftmost and rightmost ink (a sweep over the sorted piece starts and ends)."""
    starts = sorted([a for s in segs for a, _ in s])
    ends = sorted([b for s in segs for _, b in s])
    found: list[tuple[float, float]] = []
    count, start, i, n = 0, None, 0, len(starts)
    for x in ends:
        while i < n and starts[i] < x:  # pieces starting before this end
            if count == crossing and start is not None:
                if starts[i] - start >= width:
                    found.append((start, starts[i]))
                start = None
            count += 1
            i += 1
        count -= 1
        if count == crossing:
            start = x
    return found


def _columns_of_text(segs, gutters, em: float) -> bool:
    """Every column is wide, holds many rows, and its rows mostly end at its right edge
    (running text wrapped at the column, not a table's short cells)."""
    left = min(s[0][0] for s in segs)
    right = max(s[-1][1] for s in segs)
    bounds = [left] + [x for g in gutters for x in g] + [right]
    columns = list(zip(bounds[::2], bounds[1::2]))
    if any(b - a < COLUMN_MIN_EM * em for a, b in columns):
        return False  # the cells of a table, not columns of running text
    mids = [(a + b) / 2 for a, b in gutters]
    rows: list[list[tuple[float, float]]] = [[] for _ in columns]  # (start, end) of each row's ink
    for s in segs:
        if len(s) == 1:  # most rows: one piece, in one column
            rows[bisect.bisect(mids, (s[0][0] + s[0][1]) / 2)].append(s[0])
            continue
        spans: dict[int, list[float]] = {}
        for x0, x1 in s:
            c = bisect.bisect(mids, (x0 + x1) / 2)
            if c in spans:
                spans[c][1] = x1
            else:
                spans[c] = [x0, x1]
        for c, span in spans.items():
            rows[c].append((span[0], span[1]))
    need = max(COLUMN_MIN_LINES, 0.15 * max(len(r) for r in rows))  # the last column may be short
    return all(len(r) >= need and _full_lines(r, em) for r in rows)


def _full_lines(rows: list[tuple[float, float]], em: float) -> bool:
    """The column's text is 14 em wide or more (from its 10th-percentile start to its
    edge, the 90th-percentile end: a title or running header does not widen it), and two in five rows
    span most of it up to the edge: running text, not a table's short cells («適・否» in
    every row ends at one edge too)."""
    ends = sorted(end for _, end in rows)
    edge = ends[int(0.9 * (len(ends) - 1))]
    width = edge - sorted(start for start, _ in rows)[len(rows) // 10]
    full = sum(1 for start, end in rows if end >= edge - 2 * em and end - start >= 0.6 * width)
    return width >= COLUMN_MIN_EM * em and full * 5 >= len(rows) * 2


def _wrapped(ends: list[float], em: float) -> bool:
    """Two in five rows end within 2 em of the column's edge (its 90th-percentile end: a
    running header beyond it does not move it)."""
    ends = sorted(ends)
    edge = ends[int(0.9 * (len(ends) - 1))]
    return sum(1 for x in ends if x >= edge - 2 * em) * 5 >= len(ends) * 2


def _column_lines(rows: list[list], found, ix0: int, ix1: int, itext: int, regroup, build) -> list[PhysLine]:
    """Lines of a page in columns: each column's items grouped into rows on their own. A
    piece of a row that crosses every gutter (a title, a page number) stays whole, and such
    pieces separate bands of the page, each band read column by column."""
    cuts, gap = found
    spanning: list[PhysLine] = []
    parts: list[list] = [[] for _ in range(len(cuts) + 1)]
    for row in rows:
        across = []
        for piece in _pieces(row, ix0, ix1, itext, gap):
            x0, x1 = piece[0][ix0], max(item[ix1] for item in piece)
            crossed = sum(1 for cut in cuts if x0 < cut < x1)
            if crossed == len(cuts):
                across.extend(piece)
            elif crossed:  # wider than its column: it stays in the column of its centre
                parts[bisect.bisect(cuts, (x0 + x1) / 2)].extend(piece)
            else:
                for item in piece:
                    parts[bisect.bisect(cuts, (item[ix0] + item[ix1]) / 2)].append(item)
        if across and (line := build(across)):
            spanning.append(line)
    spanning.sort(key=lambda ln: ln.top)
    tops = [ln.top for ln in spanning]
    keyed = [((i + 1, -1, ln.top), ln) for i, ln in enumerate(spanning)]
    for c, items in enumerate(parts):
        lines = [line for row in regroup(items) if (line := build(row))]
        edge = max((ln.x1 for ln in lines), default=0.0)
        for ln in lines:
            ln.column_right = edge
            keyed.append(((bisect.bisect(tops, ln.top), c, ln.top), ln))
    keyed.sort(key=itemgetter(0))
    return [ln for _, ln in keyed]


def _pieces(row: list, ix0: int, ix1: int, itext: int, gap: float, overlaps: bool = True) -> list[list]:
    """A row (sorted by x0) cut at wide gaps, and where an item starts left of the previous
    one's end: lines of two columns that overlap (a title wider than its column) are not
    one piece. Blank items go with the piece they follow."""
    pieces: list[list] = []
    end = None
    for item in row:
        if not item[itext].strip():
            if pieces:
                pieces[-1].append(item)
            continue
        if end is None or item[ix0] - end >= gap or overlaps and item[ix0] < end - 0.5:
            pieces.append([])
        pieces[-1].append(item)
        end = item[ix1]
    return pieces


# ---- labels in a column of their own ------------------------------------------------------
# 見出し printed in the left margin, or the left cell of a table holding 見出し and 第N条
# beside the clause text: a narrow range free of ink on every row separates a few short
# labels from the wrapped text. Each row is cut there; the labels become lines of their
# own, marked, which rebuild_paragraphs puts before the text they stand beside.

LABEL_GAP_EM = 0.6  # a margin caption can end less than one character before the text
_LABEL_RE = re.compile(r"^(?:[（(][^（）()]*[）)]?|第[0-9０-９一二三四五六七八九十百]+条(?:の[0-9０-９]+)?)$")


def _label_lines(rows: list[list], lines: list[PhysLine], left: float, idx: tuple[int, int, int], build) -> list[PhysLine] | None:
    """The page's lines with the label column cut off each row, or None (no such column)."""
    found = _label_cut(rows, lines, left, idx)
    if found is None:
        return None
    cut, gap, first = found
    ix0, ix1, itext = idx
    out = [line for row in rows[:first] if (line := build(row))]
    text: list[PhysLine] = []
    for row in rows[first:]:
        left = [item for item in row if item[ix0] + item[ix1] < 2 * cut]
        rest = [item for item in row if item[ix0] + item[ix1] >= 2 * cut]
        if left and max(item[ix1] for item in left) > cut - gap:
            left, rest = [], row  # a row across the cut (a page number) stays whole
        # labels side by side (第N条 | 見出し in two cells) are lines of their own
        for piece in _pieces(sorted(left, key=itemgetter(ix0)), ix0, ix1, itext, GUTTER_MIN_EM * gap / LABEL_GAP_EM, False):
            if line := build(piece):
                line.label = True
                out.append(line)
        if rest and (line := build(rest)):
            out.append(line)
            text.append(line)
    edge = max((ln.x1 for ln in text), default=0.0)
    for line in text:  # the text wraps at its column's edge, not at the page's
        line.column_right = edge
    return out if _labels_look_right([ln for ln in out if ln.label]) else None


def _label_cut(rows: list[list], lines: list[PhysLine], left: float, idx: tuple[int, int, int]) -> tuple[float, float, int] | None:
    """(x where the text column starts, the least gap before it, the first row of the
    part of the page set that way) if, from the page's foot up to the first row that
    crosses that x (single-column text above a table), a few rows hold labels left of
    the column, clear of it, and the column's rows are wrapped text."""
    n = len(lines)
    em = lines[n // 2].size
    starts = [ln.x0 for ln in lines if ln.x0 >= left + 2 * em]
    if len(starts) * 3 < n:  # the text starts at (or an indent off) the left edge: cheap exit
        return None
    cut, gap = _median(starts), LABEL_GAP_EM * em
    ix0, ix1, itext = idx
    labelled, text_ends, first = 0, [], len(rows)
    for s in (_ink_segments(row, ix0, ix1, itext, 0.5 * em) for row in reversed(rows)):
        crossing = s and s[0][0] < cut - gap and any(x0 < cut and x1 > cut - gap for x0, x1 in s)
        if crossing and s[-1][1] - s[0][0] > 4 * em:  # not a page number: the part ends here
            break
        first -= 1
        if s and s[-1][1] > cut:
            text_ends.append(s[-1][1])
        labelled += bool(s and not crossing and s[0][0] < cut - gap)
    # labels are sparse: a 見出し (and a 第N条) per clause, not a cell on most rows
    if len(text_ends) < COLUMN_MIN_LINES or not 0 < 3 * labelled <= len(text_ends) or not _wrapped(text_ends, em):
        return None
    # the part starts with text in the column: a short last line of the text above is no label
    while first < len(rows) and not any(item[ix0] >= cut - gap and item[itext].strip() for item in rows[first]):
        first += 1
    return (cut, gap, first) if first < len(rows) else None


def _ink_segments(row: list, ix0: int, ix1: int, itext: int, gap: float) -> list[list[float]]:
    """The row's visible items as [x0, x1] pieces, left to right (the line builders have
    sorted the row by x0)."""
    segs: list[list[float]] = []
    for item in row:
        if not item[itext].strip():
            continue
        if segs and item[ix0] - segs[-1][1] < gap:
            if item[ix1] > segs[-1][1]:
                segs[-1][1] = item[ix1]
        else:
            segs.append([item[ix0], item[ix1]])
    return segs


def _labels_look_right(labels: list[PhysLine]) -> bool:
    """Every label is a 見出し (its second piece right after its first, if it wraps) or a
    bare 第N条 — not a paragraph or item number hanging left of its text, which stays
    on its line, nor the tail of a 見出し whose head is not a label."""
    open_caption = False
    for line in labels:
        text = normalize_spacing(line.text)
        if not (_LABEL_RE.match(text) or open_caption) or is_bare_marker(text) and not _ARTICLE_LABEL_RE.match(text):
            return False  # 「(4)」 is an item number, not a 見出し
        if not _ARTICLE_LABEL_RE.match(text):  # a 第N条 cell may stand between two pieces
            open_caption = (open_caption or text.startswith(("（", "("))) and not text.endswith(("）", ")"))
    return bool(labels)


# ---- page furniture: running headers / footers / page numbers --------------------------


def _furniture_key(text: str) -> str:
    """Running headers differ only in their page number: compare without digits/spaces."""
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", text))


def drop_furniture(pages: list[PageText]) -> list[PageText]:
    """Remove page numbers and short lines repeated at the same place on most pages."""
    repeated = _repeated_lines(pages)
    for page in pages:
        n, band = len(page.lines), _band(page.lines)
        kept = []
        for i, line in enumerate(page.lines):
            in_band = i in band if band else i < FURNITURE_BAND or i >= n - FURNITURE_BAND
            if is_page_number(line.text, lone_digits=in_band):
                continue
            if in_band and id(line) in repeated:
                continue
            kept.append(line)
        page.lines = kept
    return pages


def _band(lines: list[PhysLine]) -> set[int] | None:
    """On a page read column by column (or with a label column), the indexes of its
    highest and lowest few lines, where headers and footers are; None on other pages,
    whose first and last few lines are those."""
    if not any(ln.column_right for ln in lines):
        return None
    order = sorted(range(len(lines)), key=lambda i: lines[i].top)
    return set(order[:FURNITURE_BAND] + order[-FURNITURE_BAND:])


def _repeated_lines(pages: list[PageText]) -> set[int]:
    """ids of band lines whose text recurs at the same height on ≥ half the pages (≥ 2)."""
    seen: dict[str, list[PhysLine]] = defaultdict(list)
    for page in pages:
        n, band = len(page.lines), _band(page.lines)
        for i, line in enumerate(page.lines):
            if (i in band if band else i < FURNITURE_BAND or i >= n - FURNITURE_BAND) and len(line.text) <= 80:
                seen[_furniture_key(line.text)].append(line)
    need = max(2, (len(pages) + 1) // 2)
    found: set[int] = set()
    for lines in seen.values():
        if len({ln.page for ln in lines}) < need:
            continue
        # The same height on every page: the title printed once in the body (page 1,
        # lower down) is not a running header even though its text is the same.
        mid = _median([ln.top for ln in lines])
        same_place = [ln for ln in lines if abs(ln.top - mid) <= 6]
        if len({ln.page for ln in same_place}) >= need:
            found.update(id(ln) for ln in same_place)
    return found


# ---- physical lines → logical lines ------------------------------------------------------


def _right_margin(lines: list[PhysLine], fallback: float | None) -> float | None:
    """The text's right edge: the 90th-percentile right end of the longer lines."""
    if not lines:
        return fallback
    left = min(ln.x0 for ln in lines)
    widest = max(ln.x1 for ln in lines) - left
    ends = sorted(ln.x1 for ln in lines if ln.x1 - left >= 0.4 * widest)
    if len(ends) < 5:
        return fallback if fallback is not None else ends[-1]
    return ends[int(0.9 * (len(ends) - 1))]


def _page_margins(lines: list[PhysLine], doc_margin: float | None) -> dict[float, float | None]:
    """The right margin of the page's text, and of each of its columns (keyed by the
    column's right edge): a column's lines wrap at the column's edge."""
    if not any(ln.column_right for ln in lines):
        return {0.0: _right_margin(lines, doc_margin)}
    margins: dict[float, float | None] = {0.0: None}
    columns: dict[float, list[PhysLine]] = defaultdict(list)
    for line in lines:
        columns[line.column_right].append(line)
    for edge, group in columns.items():
        margins[edge] = _right_margin(group, doc_margin if edge == 0.0 else edge)
    return margins


def _joiner(left: str, right: str) -> str:
    """Rejoining a wrapped line: no space in Japanese, one between Latin words."""
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum() else ""


def _reaches_margin(line: PhysLine, text: str, margin: float | None) -> bool:
    if margin is None:
        return False
    tolerance = MARGIN_TOLERANCE if text.endswith("。") else KINSOKU_TOLERANCE
    return line.x1 >= margin - tolerance * line.size


def rebuild_paragraphs(pages: list[PageText]) -> list[Line]:
    """Join each line that reaches the right margin with the next unless that one opens a
    numbered unit. The logical line keeps the page on which it starts."""
    all_lines = [ln for p in pages for ln in p.lines]
    doc_margin = _right_margin(all_lines, None)
    out: list[tuple[str, int]] = []
    open_line = False  # the last logical line may still continue
    for page in pages:
        margins = _page_margins(page.lines, doc_margin)
        blocks: list[_LabelBlock] = []
        for k, line in enumerate(page.lines):
            margin = margins[line.column_right]
            text = normalize_spacing(line.text)
            if not text:
                continue
            if line.label:
                if not (blocks and blocks[-1].take(line, text)):
                    blocks.append(_LabelBlock(len(out), line, text))
                    open_line = False  # the text level with a label starts a unit
                continue
            if open_line and out and _side_caption(line, text, page.lines[k + 1:k + 2]):
                # a 見出し in the left cell of a table (or the margin), printed level with
                # the second line of its article: it belongs before the article
                out.insert(len(out) - 1, (text, line.page))
                continue
            wrapped = text[0] in "（(" and _wrapped_caption(text, page.lines[k + 1:k + 2])
            joins = open_line and out and not starts_new_unit(text) and not (wrapped and out[-1][0].endswith("。"))
            side = _SIDE_CAPTION_RE.match(text) if joins else None
            if side and not starts_new_unit(side.group(2)):
                # the same on one baseline with the article's next line: 「（秘密の保持）　報・個人…」
                out.insert(len(out) - 1, (side.group(1), line.page))
                text = side.group(2)
            if joins:
                prev = out[-1][0]
                glue = _joiner(prev, text)
                joined = prev + glue + text
                # Both halves are normalised already; only a space at the seam can change
                # anything, so re-normalise only then (linear, not quadratic, in a paragraph).
                if glue or prev[-1:].isspace() or text[:1].isspace():
                    joined = normalize_spacing(joined)
                out[-1] = (joined, out[-1][1])
            else:
                out.append((text, line.page))
            # a 見出し wrapped by its column's width, not at the margin, continues too
            open_line = _reaches_margin(line, text, margin) or wrapped and not joins
        for block in reversed(blocks):
            open_line = block.put(out) and open_line
    return [Line(text, page, i + 1) for i, (text, page) in enumerate(out)]


_ARTICLE_LABEL_RE = re.compile(r"^第[0-9０-９一二三四五六七八九十百]+条(?:の[0-9０-９]+)?$")


class _LabelBlock:
    """The labels of adjacent rows of a label column (`_label_lines`): 見出し (a wrapped
    one rejoined) go before the text level with the first label, a bare 第N条 in front of
    that text."""

    def __init__(self, at: int, line: PhysLine, text: str):
        self.at, self.page, self.bottom = at, line.page, line.bottom
        self.captions: list[str] = []
        self.markers: list[str] = []
        self._add(text)

    def take(self, line: PhysLine, text: str) -> bool:
        """Add a label of the next row, unless it starts the labels of the next clause."""
        if line.page != self.page or line.top - self.bottom >= 1.5 * line.size:
            return False
        if not self._open() and (self.markers if _ARTICLE_LABEL_RE.match(text) else self.captions):
            return False
        self.bottom = line.bottom
        self._add(text)
        return True

    def _open(self) -> bool:
        """The last 見出し is still open: it wraps onto the next row."""
        last = self.captions[-1] if self.captions else ""
        return last.startswith(("（", "(")) and not last.endswith(("）", ")"))

    def _add(self, text: str) -> None:
        if self._open():
            self.captions[-1] += text
        elif _ARTICLE_LABEL_RE.match(text):
            self.markers.append(text)
        else:
            self.captions.append(text)

    def put(self, out: list[tuple[str, int]]) -> bool:
        """Insert into `out`; False when nothing follows (the last line is now a label)."""
        markers = self.markers
        if markers and self.at < len(out):
            text, page = out[self.at]
            out[self.at] = (FW_SPACE.join(markers + [text]), page)
            markers = []
        follows = self.at < len(out)
        out[self.at:self.at] = [(t, self.page) for t in self.captions + markers]
        return follows


_SIDE_CAPTION_RE = re.compile(r"^([（(][^（）()。「」]{1,30}[）)])[ \u3000]+(\S.*)$")


_WRAPPED_CAPTION_RE = re.compile(r"^[（(][^（）()。「」]{1,30}[）)]$")


def _wrapped_caption(text: str, following: list[PhysLine]) -> bool:
    """「（個人情報の取得の範囲と」 then 「手段）」: a 見出し wrapped in a narrow column,
    which starts a unit even though its first line does not close it."""
    if not following or not text.startswith(("（", "(")) or text.endswith(("）", ")")):
        return False
    return bool(_WRAPPED_CAPTION_RE.match(text + normalize_spacing(following[0].text)))


def _side_caption(line: PhysLine, text: str, following: list[PhysLine]) -> bool:
    """A caption line that ends left of where the next line (which continues the open
    paragraph) starts: it stands in a column of its own beside the text."""
    if not is_caption(text) or not following:
        return False
    nxt = following[0]
    return nxt.x0 > line.x1 and not starts_new_unit(normalize_spacing(nxt.text))


def _check_text_layer(path: str, pages: list[PageText]) -> None:
    total = sum(p.chars for p in pages)
    cids = sum(p.cid_chars for p in pages)
    if total and cids > total / 2:
        raise GarbledPdfError(path, f"{cids} of {total} characters are (cid:NNN)")
    with_text = sum(1 for p in pages if p.chars - p.cid_chars >= MIN_TEXT_CHARS)
    if not pages or with_text * 2 < len(pages):
        raise NoTextLayerError(path, f"{with_text} of {len(pages)} pages have text")


def _finish(path: str, pages: list[PageText], engine: str) -> SourceDoc:
    _check_text_layer(path, pages)
    meta = {
        "engine": engine,
        "pages": len(pages),
        "pages_without_text": [p.number for p in pages if p.chars < MIN_TEXT_CHARS],
    }
    lines = rebuild_paragraphs(drop_furniture(pages))
    if not lines:
        raise NoTextLayerError(path, "no text lines")
    return SourceDoc(path, "pdf", lines, meta)


# ---- engines ----------------------------------------------------------------------------


def _plumber_pages(path: str) -> list[PageText]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on bad files
        # The wrong-password error has an empty message: test its type explicitly.
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            raise EncryptedPdfError(path, "password required") from exc
        raise CorruptPdfError(path, f"{type(exc).__name__}: {cause!r}") from exc
    pages: list[PageText] = []
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_plumber_page(page, number))
            finally:
                page.close()  # flush pdfplumber's per-page caches: memory stays flat
    finally:
        # Not `with pdf:` — PDF.close() walks pdf.pages again, and on a file whose page
        # tree loops (an object referring to itself) that re-enters the endless loop the
        # per-file timeout has just interrupted. Closing the stream is all that is needed.
        pdf.stream.close()
    return pages


def _plumber_page(page, number: int) -> PageText:
    text = PageText(number)
    chars: list[Char] = []
    for c in page.chars:
        if not c.get("upright", True):
            continue  # rotated / vertical glyphs: not part of the horizontal text flow
        t = c["text"]
        if _CID.match(t):
            text.cid_chars += 1
        if t.strip():
            text.chars += 1
        chars.append(Char(t, c["x0"], c["x1"], c["top"], c["bottom"], c.get("size") or 10.0))
    text.lines = chars_to_lines(chars, number)
    return text


class UnparsablePdfError(CorruptPdfError):
    """Corrupt PDF: pypdfium2 cannot parse the document at all (raised at open)."""


def _pdfium_pages(path: str, per_char: bool = False) -> list[PageText]:
    """Pages read by runs (`_pdfium_page`), or with `per_char` by characters (the slower
    reference, `_pdfium_page_per_char`: tests/test_engines.py compares the two)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:  # FPDF_ERR_PASSWORD
            raise EncryptedPdfError(path, "password required") from exc
        raise UnparsablePdfError(path, str(exc)) from exc
    read_page = _pdfium_page_per_char if per_char else _pdfium_page
    pages: list[PageText] = []
    sizes: dict[float, float] = {}  # loose box height -> font size, for the whole document
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                pages.append(read_page(page, index + 1, sizes))
            finally:
                page.close()
    finally:
        pdf.close()
    return pages


# Characters that need a look before their box is read: pdfium generates only spaces,
# CR and LF (its own guesses: our line grouping decides); NUL and U+FFFD mean a glyph
# without Unicode (pdfplumber's "(cid:NNN)").
_SPECIAL = frozenset(" \r\n\x00\ufffd")
_UNMAPPED = frozenset("\x00\ufffd")


@functools.lru_cache(maxsize=1)
def _loose_box_call():
    """FPDFText_GetLooseCharBox(textpage, index, FS_RECTF*) -> FPDF_BOOL, called without
    ctypes argument conversion and without releasing the GIL (it never calls back into
    Python): ~0.6 µs instead of ~2 µs per call, and it is called once per character."""
    import ctypes

    import pypdfium2.raw as raw

    address = ctypes.cast(raw.FPDFText_GetLooseCharBox, ctypes.c_void_p).value
    return ctypes.PYFUNCTYPE(ctypes.c_int)(address)


def _pdfium_page(page, number: int, sizes: dict[float, float] | None = None) -> PageText:
    """One page read by runs rather than by characters (the fast path of the pdfium engine).

    The page's text comes from one FPDFText_GetText call. It is cut into *runs*: maximal
    sequences of drawn, visible characters, split at every space, CR/LF (drawn or generated
    by pdfium) and unmapped glyph. Only the first and last character of a run have their
    loose box read; the run is taken as one piece of a line (one baseline, one font and
    size, left to right, no gap inside wide enough to be a space — pdfium generates a space
    for such a gap, which splits the run). Runs are then grouped into rows and joined
    exactly as `chars_to_lines` groups and joins characters, so the lines are the same as
    those of `_pdfium_page_per_char` whenever those assumptions hold. The page is read by
    characters instead when a check fails: a run's first and last characters differ in
    font size or baseline, a run goes right to left, or runs of one row overlap. (Not
    seen: a size or baseline change strictly inside a run whose ends agree.)

    Per page this is one text call, one IsGenerated call per space/CR/LF and one or two box
    calls per run (~90 runs on a page of ~1,000 characters) instead of one box call per
    character. Geometry: x0, x1 and the size are those of the per-character path; top and
    bottom come from the run's end characters only (pdfium's loose boxes differ in height
    from glyph to glyph in these PDFs, so a line's top can come out ~1.5 pt lower); they
    only serve row grouping (tolerance 0.4 em) and header/footer placement (6 pt).
    """
    import ctypes

    import pypdfium2.raw as raw

    if sizes is None:
        sizes = {}
    height = page.get_height()
    textpage = page.get_textpage()
    handle = textpage.raw
    try:
        page_text = _page_text(raw, handle, raw.FPDFText_CountChars(handle))
        box = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
        get_box = _loose_box_call()
        c_handle = ctypes.c_void_p(ctypes.cast(handle, ctypes.c_void_p).value)
        c_box = ctypes.c_void_p(ctypes.addressof(box))
        is_generated, get_font_size = _fast_calls()
        # [mid, first index, size, x0, x1, top, bottom, text, lead, trail, last char's x0]
        runs: list[list] = []
        unmapped = 0
        typed = ""  # drawn whitespace since the last run (" ", FW_SPACE or "")
        line_start = True  # no run yet since pdfium's last generated line break
        end = 0
        for t in _RUN_OR_SPECIAL.findall(page_text):  # the pieces tile the text: no match objects needed
            i, end = end, end + len(t)
            if t == "\r\n" and not is_generated(c_handle, i):
                t, i = "\n", i + 1  # a drawn CR (never seen): look at the LF on its own
            if t == "\r\n" or len(t) == 1 and not t.strip() or t in _UNMAPPED:
                if t == "\r\n" or t in _SPECIAL and is_generated(c_handle, i):
                    if t[0] in "\r\n":  # pdfium's line break
                        if not line_start:
                            runs[-1][9] = typed  # whitespace after the line's last run
                        typed, line_start = "", True
                    continue
                if t in _UNMAPPED:
                    unmapped += 1
                    continue
                typed = FW_SPACE if t == FW_SPACE or typed == FW_SPACE else " "
                continue
            j = end - 1
            if not get_box(c_handle, i, c_box):
                raise RuntimeError(f"pdfium gave no box for character {i} on page {number}")
            left, top, right, bottom = box[:]
            size = sizes.get(top - bottom)
            if size is None:
                size = sizes[top - bottom] = get_font_size(c_handle, i) or 10.0
            left2 = left
            if j != i:
                if not get_box(c_handle, j, c_box):
                    raise RuntimeError(f"pdfium gave no box for character {j} on page {number}")
                left2, top2, right, bottom2 = box[:]
                size2 = sizes.get(top2 - bottom2)
                if size2 is None:
                    size2 = sizes[top2 - bottom2] = get_font_size(c_handle, j) or 10.0
                # One piece of a line: same size, same baseline (within a hair: pdfium's
                # boxes of one line differ by ~0.1 pt), left to right.
                if size2 != size or abs(top2 + bottom2 - top - bottom) > 0.2 * size or left2 < left:
                    runs = None  # read this page by characters
                    break
                if top2 > top:
                    top = top2
                if bottom2 < bottom:
                    bottom = bottom2
            top, bottom = height - top, height - bottom
            runs.append([(top + bottom) / 2, i, size, left, right, top, bottom, t, typed, "", left2])
            typed, line_start = "", False
        if runs and not line_start:
            runs[-1][9] = typed
    finally:
        textpage.close()
    if runs is None:
        return _pdfium_page_per_char(page, number, sizes)
    text = PageText(number)
    text.chars = sum(len(r[7]) for r in runs) + unmapped  # visible characters
    text.cid_chars = unmapped
    lines = _runs_to_lines(runs, number)
    if lines is None:
        return _pdfium_page_per_char(page, number, sizes)
    text.lines = lines
    return text


# A run of drawn visible characters, or a CR LF pair (pdfium's line break: one IsGenerated
# call for both), or one character that splits runs.
_RUN_OR_SPECIAL = re.compile(r"[^\s\x00\ufffd]+|\r\n|[\s\x00\ufffd]")


class _Overlap(Exception):
    """Runs of one row overlap: the page must be read by characters."""


def _runs_to_lines(runs: list[list], page: int) -> list[PhysLine] | None:
    """`chars_to_lines` on runs (see `_pdfium_page`); None when runs of a row overlap."""
    rows = _run_rows(runs)
    try:
        lines = [_run_row_to_line(row, page) for row in rows]
        return _layout(rows, lines, (3, 4, 7), _run_rows, functools.partial(_run_row_to_line, page=page))
    except _Overlap:
        return None


def _run_rows(runs: list[list]) -> list[list[list]]:
    runs.sort(key=itemgetter(0, 1))
    rows: list[list[list]] = []
    row: list[list] = []
    row_mid = row_size = 0.0
    for run in runs:
        mid, size = run[0], run[2]
        if row and abs(mid - row_mid) <= 0.4 * (size if size > row_size else row_size):
            row.append(run)
            continue
        row = [run]
        rows.append(row)
        row_mid, row_size = mid, (size if size > 1.0 else 1.0)
    return rows


def _run_row_to_line(row: list[list], page: int) -> PhysLine:
    if len(row) == 1:
        _, _, size, x0, x1, top, bottom, t = row[0][:8]
        return PhysLine(t, x0, x1, top, bottom, size or 10.0, page)
    row.sort(key=_BY_RUN_X0)
    size = _weighted_median(row) or 10.0
    wide, narrow = 0.8 * size, 0.25 * size
    prev = row[0]
    parts = [prev[7]]
    x1, top, bottom = prev[4], prev[5], prev[6]
    gaps: list[tuple[float, float]] | None = None
    gutter = GUTTER_MIN_EM * size
    for run in row[1:]:
        if run[3] <= prev[10]:
            raise _Overlap  # overlaps the previous run: its characters would interleave
        gap = run[3] - prev[4]
        if gap >= gutter:
            gaps = (gaps or []) + [(prev[4], run[3])]
        lead, trail = run[8], prev[9]
        if gap >= wide or lead == FW_SPACE or trail == FW_SPACE:
            parts.append(FW_SPACE)
        elif gap >= narrow or lead or trail:
            parts.append(" ")
        parts.append(run[7])
        if run[4] > x1:
            x1 = run[4]
        if run[5] < top:
            top = run[5]
        if run[6] > bottom:
            bottom = run[6]
        prev = run
    return PhysLine("".join(parts), row[0][3], x1, top, bottom, size, page, gaps=tuple(gaps) if gaps else ())


_BY_RUN_X0 = itemgetter(3)


def _weighted_median(row: list[list]) -> float:
    """The median font size of a row's characters (each run: one size, len(text) chars)."""
    first = row[0][2]
    for r in row:
        if r[2] != first:
            return _median([r[2] for r in row for _ in r[7]])
    return first


@functools.lru_cache(maxsize=1)
def _fast_calls():
    """FPDFText_IsGenerated(textpage, index) -> int and FPDFText_GetFontSize(textpage,
    index) -> double without ctypes argument conversion (see `_loose_box_call`)."""
    import ctypes

    import pypdfium2.raw as raw

    def fn(name, restype):
        address = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
        return ctypes.PYFUNCTYPE(restype)(address)

    return fn("FPDFText_IsGenerated", ctypes.c_int), fn("FPDFText_GetFontSize", ctypes.c_double)


def _pdfium_page_per_char(page, number: int, sizes: dict[float, float] | None = None) -> PageText:
    """Characters of one page with loose boxes, in PDF order: the reference for the
    fast path (`_pdfium_page`), which must give the same lines (tests/test_engines.py).

    Written for speed (this loop is most of a fast audit): the page's text comes from one
    FPDFText_GetText call rather than one call per character; pdfium's generated
    characters are looked up only for spaces, CR and LF; the font size is asked once per
    loose-box height (a box height fixes font and size); characters are plain tuples. So
    per character there is a single pdfium call, made without ctypes conversions.
    """
    import ctypes

    import pypdfium2.raw as raw

    if sizes is None:
        sizes = {}
    height = page.get_height()
    textpage = page.get_textpage()
    handle = textpage.raw
    text = PageText(number)
    chars: list[tuple] = []
    append = chars.append
    try:
        page_text = _page_text(raw, handle, raw.FPDFText_CountChars(handle))
        box = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
        get_box = _loose_box_call()
        c_handle = ctypes.c_void_p(ctypes.cast(handle, ctypes.c_void_p).value)
        c_box = ctypes.c_void_p(ctypes.addressof(box))
        is_generated = raw.FPDFText_IsGenerated
        unmapped = 0
        for i, t in enumerate(page_text):
            if t in _SPECIAL:
                if is_generated(handle, i):
                    continue  # \r\n and guessed spaces
                if t in _UNMAPPED:
                    unmapped += 1
                    continue
            if not get_box(c_handle, i, c_box):
                raise RuntimeError(f"pdfium gave no box for character {i} on page {number}")
            left, top, right, bottom = box[:]
            size = sizes.get(top - bottom)
            if size is None:
                size = sizes[top - bottom] = raw.FPDFText_GetFontSize(handle, i) or 10.0
            append((t, left, right, height - top, height - bottom, size))
    finally:
        textpage.close()
    drawn = "".join([c[0] for c in chars])
    text.chars = len("".join(drawn.split())) + unmapped  # visible characters
    text.cid_chars = unmapped
    text.lines = chars_to_lines(chars, number)
    return text


def _page_text(raw, handle, count: int) -> str:
    """The character of every index: one FPDFText_GetText call when its UTF-16 units
    are one per index (always, but for characters outside the BMP), else one
    FPDFText_GetUnicode call per character (an unpaired surrogate is dropped as NUL)."""
    import ctypes

    if count <= 0:
        return ""
    buf = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(handle, 0, count, buf)
    if written == count + 1:
        text = ctypes.string_at(buf, 2 * count).decode("utf-16-le", "surrogatepass")
        if len(text) == count and not _SURROGATE.search(text):
            return text
    out = []
    for i in range(count):
        code = raw.FPDFText_GetUnicode(handle, i)
        out.append(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\x00")
    return "".join(out)


_SURROGATE = re.compile("[\ud800-\udfff]")


ENGINES = ("auto", "pdfium", "pdfplumber")
_READERS = {"pdfplumber": _plumber_pages, "pdfium": _pdfium_pages}


def load_pdf(path: str | Path, engine: str = "pdfplumber") -> SourceDoc:
    """Load a PDF into logical lines with page numbers.

    `engine` is "pdfplumber", "pdfium" or "auto" (pdfium, falling back to pdfplumber
    when pdfium reads the file but not its text; if both fail, pdfplumber's error is
    raised). `meta["engine"]` names the engine that produced the lines, `meta["fallback"]`
    why pdfium was left. A file pdfium cannot parse at all (corrupt, encrypted) is not
    handed to pdfplumber: pdfminer loops forever on some such files (reference cycles),
    and a file Chrome's PDF library cannot open is not one a reviewer can read either.
    """
    path = str(path)
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r} (choose from {', '.join(ENGINES)})")
    check_flate_streams(path)  # before either parser inflates a bomb in memory
    if engine != "auto":
        return _load_with(path, engine)
    try:
        return _load_with(path, "pdfium")
    except (MemoryError, UnparsablePdfError, EncryptedPdfError):
        raise
    except Exception as fast_exc:  # noqa: BLE001 - any failure of the fast engine: try the other
        # Raised here, pdfplumber's error is the one reported (with pdfium's as context).
        doc = _load_with(path, "pdfplumber")
        detail = fast_exc.one_line() if isinstance(fast_exc, IngestError) else f"{type(fast_exc).__name__}: {fast_exc}"
        doc.meta["fallback"] = f"pdfium failed: {detail}"
        return doc


def _load_with(path: str, engine: str) -> SourceDoc:
    try:
        pages = _READERS[engine](path)
    except IngestError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure mid-file means a corrupt PDF
        raise CorruptPdfError(path, f"{type(exc).__name__}: {exc}") from exc
    return _finish(path, pages, engine)
