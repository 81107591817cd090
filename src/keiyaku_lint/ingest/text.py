"""TXT / Markdown loader: decode, strip Markdown markup (ordered lists get the numbers
Markdown shows), drop page numbers and the running headers of text copied from a PDF,
rejoin lines hard-wrapped at the text's own width, and join a marker alone on its line
with its text.

Only lines cut at the wrap width are joined here: lines of an unwrapped text are left as
they are, and the structure stage decides where a sentence continues inside an article.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from pathlib import Path

from ..errors import DecodeError, EmptyFileError, UnknownTypeError
from ..models import Line, SourceDoc
from .clean import (
    FW_SPACE,
    is_bare_marker,
    is_caption,
    is_page_number,
    leading_marker,
    normalize_spacing,
    starts_new_unit,
)

# Control characters allowed in a text file (tab, LF, CR, FF, and DOS's Ctrl-Z at the end).
_OK_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1A}
SENTENCE_ENDS = "。）)」』"


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 with BOM, else cp932; return (text, encoding)."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError(path, f"bad UTF-16: {exc.reason}") from exc
    if b"\x00" in data:
        raise UnknownTypeError(path, "binary data (NUL bytes)")
    controls = sum(1 for b in data[:65536] if b < 0x20 and b not in _OK_CONTROLS)
    if controls > max(2, len(data[:65536]) // 100):
        raise UnknownTypeError(path, "binary data (control bytes)")
    # UTF-8 first: a cp932 decode of UTF-8 bytes often "succeeds" with mojibake, the
    # reverse almost never does.
    for enc in ("utf-8-sig", "cp932"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise DecodeError(path, "neither UTF-8 nor Shift_JIS/cp932")


# Every pattern in this module must run in linear time on any line: a hostile file may
# hold a megabyte-long line of "[", "<br" or spaces. So no `\s*` that can cross a line
# (`^\s*` at each of a million blank lines is quadratic), no two adjacent unbounded runs
# of the same characters, and every "scan to the closing mark" stops at the next opening
# mark. tests/test_hostile.py times the worst cases.
_HS = r"[^\S\n]"  # whitespace within one line
_MD_HINTS = re.compile(
    rf"^{_HS}{{0,3}}#{{1,6}}\s|\*\*[^*\n]+\*\*|__[^_\n]+__|^{_HS}*\|[^\n]*\|{_HS}*$|<!--", re.MULTILINE
)


def looks_like_markdown(text: str) -> bool:
    return bool(_MD_HINTS.search(text))


_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_BULLET = re.compile(r"^\s*[-*+・]\s+")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_TABLE_CELL_SEP = re.compile(r":?-{2,}:?")
# Link / image text and target stop at the next bracket / parenthesis: `[^\]]+` would
# rescan the rest of the line from every "[" of a line of "[[[[…".
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\([^()]*\)")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
# Italic *x*: only ASCII letters count as word characters (CJK text is \w in Python).
_EM = re.compile(r"(?<![A-Za-z0-9*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![A-Za-z0-9*])")
_CODE = re.compile(r"`([^`\n]*)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HTML_TAG = re.compile(r"</?(?:br|span|div|p|u|b|i|strong|em|sup|sub)\b[^<>]*>", re.IGNORECASE)


def strip_comments(text: str) -> str:
    """Remove HTML comments <!-- … -->; an unclosed one is left as text."""
    out: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        out.append(text[pos:start])
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def _is_table_separator(line: str) -> bool:
    """A Markdown table rule: | --- | :--: |, with or without the outer bars."""
    s = line.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") else s
    return bool(s) and all(_TABLE_CELL_SEP.fullmatch(cell.strip()) for cell in s.split("|"))


def _strip_heading_tail(line: str) -> str:
    """The closing hashes of an ATX heading: 「見出し ##」 → 「見出し」."""
    t = line.rstrip()
    u = t.rstrip("#")
    return u.rstrip() if u != t and u[-1:].isspace() else line


def strip_markdown_line(line: str) -> str | None:
    """One Markdown source line → plain text; None for lines that are pure markup."""
    if _RULE.match(line) or _FENCE.match(line) or _is_table_separator(line):
        return None
    line = _QUOTE.sub("", line, count=1)
    if _HEADING.match(line):
        line = _strip_heading_tail(_HEADING.sub("", line, count=1))
    line = _BULLET.sub("", line, count=1)
    if line.lstrip().startswith("|"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        line = "\u3000".join(c for c in cells if c)  # full-width: survives the spacing cleaner
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    line = _EM.sub(r"\1", line)
    line = _HTML_TAG.sub("", line)
    line = _ESCAPE.sub(r"\1", line)
    return line.rstrip().rstrip("\\")


def text_to_lines(text: str, markdown: bool) -> list[Line]:
    """Split decoded text into cleaned logical lines (blank lines, page numbers and running
    headers dropped, lines hard-wrapped at a fixed width joined)."""
    if markdown:
        text = strip_comments(text)
    plain_lines: list[str | None] = []  # None: a page ends (form feed or page number)
    sources: list[tuple[int, str]] = []  # (file line, text) of every line kept
    lineno = 0
    for page in text.split("\f"):
        for raw in renumber_lazy_lists(page.splitlines()) if markdown else page.splitlines():
            lineno += 1
            plain = strip_markdown_line(raw) if markdown else raw
            # Lone digits may be real content in a text file; only decorated numbers go.
            if plain is not None:
                plain_lines.append(None if is_page_number(plain, lone_digits=False) else plain)
                sources.append((lineno, plain))
        plain_lines.append(None)
    cleaned = (normalize_spacing(t) for t in rejoin_hard_wraps(drop_page_furniture(plain_lines)))
    texts = attach_bare_markers([t for t in cleaned if t])
    return [Line(t, None, n) for t, n in zip(texts, _file_line_numbers(texts, sources))]


SEARCH_AHEAD = 64  # source lines a logical line may start after the last one placed (linear time)


def _file_line_numbers(texts: list[str], sources: list[tuple[int, str]]) -> list[int]:
    """The file line on which each logical line starts, for the reviewer's `line`. The steps
    above join wrapped lines and markers to their text and drop furniture, but keep the
    order: a logical line starts at the next source line that opens it, and uses up the
    source lines it is made of (so a wrapped line's continuation is never taken for the
    start of the next one)."""
    keys = [(n, "".join(normalize_spacing(t).split())) for n, t in sources]
    out, p = [], 0
    for text in texts:
        head = "".join(text.split())
        q, stop = p, min(len(keys), p + SEARCH_AHEAD)
        while q < stop and not (keys[q][1] and head.startswith(keys[q][1])):
            q += 1
        if q == stop:  # not found (should not happen): just after the last line placed
            out.append(keys[p - 1][0] + 1 if p else 1)
            continue
        out.append(keys[q][0])
        pos = len(keys[q][1])
        q += 1
        while q < len(keys) and pos < len(head) and head.startswith(keys[q][1], pos):
            pos += len(keys[q][1])
            q += 1
        p = q
    return out


# A marker on a line of its own (「２」, 「（１）」, 「ア」) labels the text on the next line.
# A lone number or kanji numeral may instead be a page number left in the text: it
# labels what follows only where a sentence, a 見出し or a list item (which often ends
# without 。) has ended before it.
_NUMERAL_ONLY = re.compile(r"^[0-9０-９〇一二三四五六七八九十]+$")


def attach_bare_markers(lines: list[str]) -> list[str]:
    """Join each bare marker line with the line after it (clean lines)."""
    out: list[str] = []
    for line in lines:
        if out and is_bare_marker(out[-1]) and not starts_new_unit(line) and _labels_next(out):
            out[-1] = normalize_spacing(out[-1] + FW_SPACE + line)
        else:
            out.append(line)
    return out


def _labels_next(out: list[str]) -> bool:
    """Whether the bare marker out[-1] labels the next line rather than being a page number."""
    if not _NUMERAL_ONLY.match(out[-1]):
        return True
    before = out[-2] if len(out) > 1 else ""
    return not before or before[-1] in SENTENCE_ENDS or is_caption(before) or _is_list_item(before)


def _is_list_item(line: str) -> bool:
    """A 号 (（１）, 一, ア, ①): not an article or a numbered paragraph."""
    marker = leading_marker(line)
    return bool(marker) and not marker.startswith(("第", "別")) and not marker[0].isdigit()


# ---- Markdown ordered lists --------------------------------------------------------
# Markdown numbers an ordered list itself, so drafters write every item 「1.」 and see
# 1, 2, 3. The structure stage reads numbers as printed: give them the rendered ones.
_ORDERED_ITEM = re.compile(r"^( {0,9})([0-9]{1,9})([.)])(?=[ \t])")


def renumber_lazy_lists(lines: list[str]) -> list[str]:
    """An ordered item after the first of its list gets the number Markdown shows: the
    one after the item before it (1. 1. 1. reads 1, 2, 3). A list runs on over lazy
    continuation lines and ends, as in CommonMark, at a heading or at an unindented line
    after a blank one."""
    last: dict[tuple[int, str], int] = {}  # (indent, delimiter) → the last number given
    blank = False
    out: list[str] = []
    for line in lines:
        m = _ORDERED_ITEM.match(line)
        if m:
            key, number = (len(m.group(1)), m.group(3)), int(m.group(2))
            for deeper in [k for k in last if k[0] > key[0]]:
                del last[deeper]  # an item of an outer list closes the lists inside it
            if key in last and number != last[key] + 1:
                number = last[key] + 1  # only the first number counts in Markdown
                line = f"{m.group(1)}{number}{m.group(3)}{line[m.end():]}"
            last[key] = number
        elif not line.strip():
            blank = True
            out.append(line)
            continue
        elif (blank and not line[:1].isspace()) or _HEADING.match(line):
            last.clear()
        blank = False
        out.append(line)
    return out


# ---- pages --------------------------------------------------------------------------
# Text copied from a PDF (pdftotext, a viewer's "copy all") keeps each page's running
# header and footer, which then split a paragraph running over the page break.
_BAND = 2  # running header / footer candidates: this many lines at each end of a page


def _furniture_key(text: str) -> str | None:
    """A short line compared without digits and spaces (「業務委託契約書　3」); None for a
    line that opens a unit: 「第3条」 at the top of two pages is no running header."""
    t = normalize_spacing(text)
    if not t or len(t) > 40 or starts_new_unit(t):
        return None
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", t))


def _pages(lines: list[str | None]) -> list[list[int]]:
    """Indices of each page's non-blank lines."""
    pages: list[list[int]] = [[]]
    for k, line in enumerate(lines):
        if line is None:
            if pages[-1]:
                pages.append([])
        elif line.strip():
            pages[-1].append(k)
    return [p for p in pages if p]


def _running_lines(lines: list[str | None]) -> set[int]:
    """Indices of lines at a page's top or bottom whose text recurs there on at least
    half the pages (two at least)."""
    pages = _pages(lines)
    seen: dict[str, list[tuple[int, int]]] = {}
    for number, page in enumerate(pages):
        for k in set(page[:_BAND] + page[-_BAND:]):
            key = _furniture_key(lines[k])
            if key:
                seen.setdefault(key, []).append((number, k))
    need = max(2, (len(pages) + 1) // 2)
    return {k for found in seen.values() if len({n for n, _ in found}) >= need for _, k in found}


def drop_page_furniture(lines: list[str | None]) -> list[str]:
    """Drop page breaks, running headers and footers, and the blank lines around them, so
    a paragraph cut by a page break reads on."""
    running = _running_lines(lines) if lines.count(None) > 2 else set()
    out: list[str] = []
    at_break = False
    for k, line in enumerate(lines):
        if line is None or k in running:
            while out and not out[-1].strip():
                out.pop()
            at_break = True
        elif line.strip() or not at_break:
            out.append(line)
            at_break = False
    return out


# ---- hard wraps ---------------------------------------------------------------------
# A text saved with line breaks (or typed in an editor that wraps at a fixed column) cuts
# every paragraph at the same width, so most of its lines share one length: the mode.
# A line that reaches that length was cut and goes on in the next line; a shorter one
# ends its paragraph. Only the text's own width tells the two apart: a fixed threshold
# misses narrow wraps and joins short lines of a text that is not wrapped at all.
_MIN_WRAPPED = 8  # lines at the wrap width needed before a text counts as wrapped
_MIN_WIDTH = 5  # characters: no one wraps narrower (a list of short lines is no wrap)


def _measures(line: str) -> tuple[int, int, int]:
    """Characters without the indentation, with it, and display columns (a CJK
    character counts two: its UTF-8 form is three bytes, ASCII's one)."""
    raw = line.rstrip()
    return len(raw.lstrip()), len(raw), (len(raw.encode()) + len(raw)) // 2


def _slack(width: int, columns: bool) -> tuple[int, int]:
    """How much shorter and longer than the width a cut line may be. Shorter: a
    full-width character does not fit the last odd column, and a wide text's line may lose
    a character to kinsoku (none for narrow wraps, where short lines are common). Longer:
    the 。 or 、 kinsoku keeps at the end of the line it may not start."""
    if columns:
        return 1 + 2 * (width >= 32), 2
    return int(width >= 16), 1


def wrap_width(lines: list[str]) -> tuple[int, int] | None:
    """(measure index, width) if most long lines share one length and almost none is
    longer; None for a text that is not hard-wrapped."""
    rows = [_measures(ln) for ln in lines if ln.strip()]
    if len(rows) < _MIN_WRAPPED:
        return None
    best: tuple[int, int, int] | None = None  # (lines at the width, measure, width)
    for k in range(3):
        counts = Counter(row[k] for row in rows)
        # the mode among the longer lines: short ones (見出し, 氏名) are not cut at all
        top = _top_length(counts, len(rows))
        width = max((w for w in counts if 2 * w >= top), key=lambda w: (counts[w], w))
        if width < _MIN_WIDTH * (1 + (k == 2)):
            continue
        short, over = _slack(width, k == 2)
        at = sum(counts[w] for w in range(width - short, width + over + 1))
        longer = sum(n for w, n in counts.items() if w > width + over)
        if at >= max(_MIN_WRAPPED, len(rows) // 4) and longer * 20 <= len(rows) and (not best or at > best[0]):
            best = (at, k, width)
    return (best[1], best[2]) if best else None


def _top_length(counts: Counter, n: int) -> int:
    """The length of the longest lines but the longest 5 % (a stray long line)."""
    seen = 0
    for length in sorted(counts, reverse=True):
        seen += counts[length]
        if seen > n // 20:
            return length
    return 0


def _is_full(line: str, wrap: tuple[int, int]) -> bool:
    k, width = wrap
    return _measures(line)[k] >= width - _slack(width, k == 2)[0]


def _opens_unit(lines: list[str], k: int, wrap: tuple[int, int], prev: str) -> bool:
    """Whether line k starts a new unit (a marker, a 見出し, the 末文) rather than going on
    with `prev`. A marker or a 見出し may itself be cut (「（秘密の保」 「持）」), so the
    test reads on through the lines that continue line k, far enough for any 見出し."""
    head = lines[k].strip()
    j = k
    while len(head) < 34 and _is_full(lines[j], wrap) and j + 1 < len(lines) and lines[j + 1].strip():
        j += 1
        head += lines[j].strip()
    head = normalize_spacing(head)
    if not starts_new_unit(head):
        return False
    # a parenthesis with a 。 in it ends a sentence; it is a 見出し only after one ended
    return not (is_caption(head) and "。" in head and not prev.rstrip().endswith("。"))


def rejoin_hard_wraps(lines: list[str]) -> list[str]:
    """Join every line cut at the text's wrap width with the next one, unless a blank
    line or a new unit follows. Lines are returned as they are when the text is not
    hard-wrapped."""
    wrap = wrap_width(lines)
    if wrap is None:
        return lines
    out: list[list[str]] = []  # each output line as its pieces, joined once at the end
    open_line = False  # the last output line was cut at the wrap width
    for k, line in enumerate(lines):
        if not line.strip():
            out.append([line])
            open_line = False
            continue
        if open_line and not _opens_unit(lines, k, wrap, out[-1][-1]):
            out[-1][-1] = out[-1][-1].rstrip()
            out[-1].append(line.strip())  # a continuation's indentation is layout
        else:
            out.append([line])
        open_line = _is_full(line, wrap)
    return ["".join(pieces) for pieces in out]


def load_text(path: str | Path, data: bytes) -> SourceDoc:
    """Load a TXT/MD file whose bytes are already read (the caller sniffed them)."""
    path = str(path)
    text, encoding = decode_text(data, path)
    if not text.strip():
        raise EmptyFileError(path, "only whitespace")
    markdown = Path(path).suffix.lower() in (".md", ".markdown") or looks_like_markdown(text)
    lines = text_to_lines(text, markdown)
    if not lines:
        raise EmptyFileError(path, "no text lines")
    return SourceDoc(path, "md" if markdown else "txt", lines, {"encoding": encoding})
