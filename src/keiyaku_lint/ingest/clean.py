"""Text clean-up shared by every format: spacing, numbering markers, page-number lines.

Extraction (PDF above all) inserts spaces that are not in the document: next to
half-width digits (`第 3 条`), between CJK characters (`契 約 書`), and turns a
full-width space into an ASCII one. Later stages run regular expressions on the
text, so every loader passes its lines through `normalize_spacing` first.
"""
from __future__ import annotations

import re
import unicodedata

FW_SPACE = "\u3000"

_DIG = "0-9０-９"
_KAN = "〇一二三四五六七八九十百千"
_NUM = f"[{_DIG}{_KAN}]+"
_SEP = r"[ \t\u3000]"  # a separator between a marker and its text
_CIRCLED = "\u2460-\u2473\u2474-\u2487\u2488-\u249b\u3251-\u325f\u32b1-\u32bf"
_KATA = "ア-ンｱ-ﾝ"

# Markers that open a new article / paragraph / item / annex. Each alternative is
# strict about what follows it so that a wrapped line such as 「１項に規定する」 or
# 「第２条第１項の」 is not mistaken for a new paragraph.
_MARKERS = [
    rf"第{_NUM}条(?:の{_NUM})*(?={_SEP}|[（(]|$)",  # 第3条, 第十条の二
    rf"第{_NUM}[章節款](?={_SEP}|$)",  # 第1章
    rf"第[{_DIG}]+(?={_SEP}|[（(]|$)",  # 別記 「第１ 乙は」 (no 条)
    rf"[{_DIG}]{{1,3}}(?=(?:{_SEP})+\S|[．.](?![{_DIG}]))[．.]?",  # 2 乙は / １．見出し
    rf"[{_CIRCLED}]",  # ① ⑴ ⒈
    rf"[(（](?:[{_DIG}]+|[{_KAN}]+|[{_KATA}]|[a-zａ-ｚ])[)）]",  # (1) （１） (ア) (a)
    rf"[{_KAN}]+(?={_SEP})",  # 一 履行期間内に
    rf"[{_KATA}](?={_SEP})",  # ア / イ items (also iroha)
    rf"別[添記紙表][{_DIG}]*(?={_SEP}|[（(]|$)",  # annex headers
]
_MARKER_RE = re.compile("^(?:" + "|".join(_MARKERS) + ")")
# A caption line on its own: 「（総則）」.
_CAPTION_RE = re.compile(r"^[（(][^（）()]{1,30}[）)]$")

_DASH = "-−－―—–‐‑ー~〜～"
_PAGE_RE = re.compile(
    rf"""^(?:
        [{_DASH}]\s*(?:[{_DIG}]+|[{_KAN}]+)\s*[{_DASH}]  # －３－  - 3 -  ― 3 ―  －一－
      | [{_DIG}]+\s*[/／]\s*[{_DIG}]+                  # 3/12, 3 / 12
      | (?:page|p\.?)\s*[{_DIG}]+(?:\s*(?:[/／]|of)\s*[{_DIG}]+)?  # Page 3, page 3 / 12
      | [{_DIG}]+\s*(?:ページ|頁)(?:\s*[/／]\s*[{_DIG}]+)?
      | 第\s*[{_DIG}]+\s*(?:ページ|頁)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# A page number alone: 3, and in a document numbered in kanji 一 / 十二 (never 〇 alone).
_LONE_DIGITS_RE = re.compile(rf"^(?:[{_DIG}]{{1,4}}|[一二三四五六七八九十][{_KAN}]{{0,3}})$")


def leading_marker(text: str) -> str | None:
    """The numbering marker that opens `text` (第3条, ２, (1), 一, ア, 別添…), or None."""
    m = _MARKER_RE.match(text)
    return m.group(0) if m else None


# The 末文 never continues the last article: 「本契約の締結を証するため…」.
_CLOSING_RE = re.compile(r"^(?:本|この|上記の?)?契約の(?:締結を)?証(?:する|として)")
# A numbering marker alone (a Word table's number cell, a label on a line of its own).
_BARE_MARKER_RE = re.compile(
    rf"^(?:第{_NUM}条(?:の{_NUM})*|[1-9１-９][{_DIG}]?[．.]?|[(（](?:[{_DIG}]{{1,2}}|[{_KAN}]{{1,3}}|[{_KATA}])[)）]"
    rf"|[{_KAN}]{{1,3}}|[{_KATA}]|[{_CIRCLED}])$")
# Bullet glyphs a list style draws (Symbol/Wingdings private-use ones included): not text.
_BULLET_RE = re.compile("^[•●◦▪■□◆◇\uf0b7\uf06c\uf0a7\uf0d8\uf0fc][ \t\u3000]*(?=\\S)")


def starts_new_unit(text: str) -> bool:
    """True if a line must never be merged into the previous one."""
    t = text.lstrip(" \t\u3000")
    return bool(leading_marker(t) or _CAPTION_RE.match(t.rstrip()) or _CLOSING_RE.match(t))


def is_caption(text: str) -> bool:
    """A 見出し on a line of its own: 「（基本的事項）」."""
    return bool(_CAPTION_RE.match(text.strip(" \t\u3000")))


def is_bare_marker(text: str) -> bool:
    """「２」, 「(1)」, 「第３条」, 「ア」 alone: a label whose text follows separately."""
    return bool(_BARE_MARKER_RE.match(text.strip(" \t\u3000")))


def is_page_number(text: str, lone_digits: bool = True) -> bool:
    """A line that is only a page number (－３－, 3/12, Page 3, and lone digits if asked)."""
    t = text.strip(" \t\u3000")
    if _PAGE_RE.match(t):
        return True
    return lone_digits and bool(_LONE_DIGITS_RE.match(t))


def _wide(ch: str) -> bool:
    """CJK-like character (full width), the ideographic space excluded."""
    return ch != FW_SPACE and unicodedata.east_asian_width(ch) in ("W", "F")


def _drop_space(left: str, right: str) -> bool:
    """Whether an ASCII space run between `left` and `right` is an extraction artefact."""
    if _wide(left) and _wide(right):
        return True  # 契 約 書, 甲 は
    digit_l, digit_r = left.isascii() and left.isdigit(), right.isascii() and right.isdigit()
    return (digit_l and (_wide(right) or right in ",.")) or (digit_r and (_wide(left) or left in ",."))


_ASCII_SPACES = re.compile(r"[ \t\u00a0]+")


def _squeeze(text: str) -> str:
    """Drop artefact spaces in the body of a line; keep other spaces as one."""
    out: list[str] = []
    pos = 0
    for m in _ASCII_SPACES.finditer(text):
        out.append(text[pos : m.start()])
        left = text[m.start() - 1] if m.start() else ""
        right = text[m.end()] if m.end() < len(text) else ""
        if left and right and not _drop_space(left, right):
            out.append(" ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


# What normalize_spacing acts on: ASCII spaces, tabs, NBSP, or a run of full-width spaces.
_NEEDS_WORK = re.compile("[ \t\u00a0\x00-\x1f\x7f]|\u3000\u3000")
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # stray control characters (not tab)


def normalize_spacing(text: str) -> str:
    """Normalise spacing of one logical line.

    - trims the line, turns NBSP into a space and a tab into a full-width space;
    - removes spaces extraction put between CJK characters and next to half-width
      digits (`第 3 条` → `第3条`, `契 約 書` → `契約書`);
    - after a leading numbering marker, any run of spaces becomes one full-width space
      (`２ 乙は` / `２　　乙は` → `２　乙は`), so every format agrees.
    Full-width spaces inside the text are kept (they were typed in the document).
    """
    if _BULLET_RE.match(text):
        text = _BULLET_RE.sub("", text)
    if not _NEEDS_WORK.search(text):
        return text.strip(" \u3000\r\n")  # nothing below would change it (most lines)
    # A tab is a typed column gap (頭書 「1 業務名<TAB>…」): keep it as a full-width space.
    text = _CONTROLS.sub("", text)
    text = text.replace("\u00a0", " ").replace("\t", FW_SPACE).strip(" \u3000\r\n")
    if not text:
        return ""
    # A spaced-out marker (`第 3 条`) must be squeezed before it can be recognised.
    head = re.match(r"^第[ 0-9０-９〇一二三四五六七八九十百千]+条", text)
    if head:
        text = head.group(0).replace(" ", "") + text[head.end() :]
    marker = leading_marker(text)
    if marker:
        marker = marker.rstrip(" \u3000")
        rest = text[len(marker) :]
        if rest[:1] in (" ", FW_SPACE):
            return marker.rstrip(" \u3000") + FW_SPACE + _squeeze(rest.lstrip(" \u3000"))
        return marker + _squeeze(rest) if rest else marker
    return _squeeze(text)
