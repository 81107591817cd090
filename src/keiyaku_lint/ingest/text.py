"""TXT / Markdown loader: decode, strip Markdown markup, drop page-number lines.

Hard-wrapped lines are left as they are: the structure stage rejoins them, because
only it knows where a sentence may continue.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import DecodeError, EmptyFileError, UnknownTypeError
from ..models import Line, SourceDoc
from .clean import is_page_number, normalize_spacing

# Control characters allowed in a text file (tab, LF, CR, FF, and DOS's Ctrl-Z at the end).
_OK_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1A}


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


_MD_HINTS = re.compile(
    r"^\s{0,3}#{1,6}\s|\*\*[^*\n]+\*\*|__[^_\n]+__|^\s*\|.*\|\s*$|<!--", re.MULTILINE
)


def looks_like_markdown(text: str) -> bool:
    return bool(_MD_HINTS.search(text))


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_HEADING_TAIL = re.compile(r"\s+#+\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_BULLET = re.compile(r"^\s*[-*+・]\s+")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
# Italic *x*: only ASCII letters count as word characters (CJK text is \w in Python).
_EM = re.compile(r"(?<![A-Za-z0-9*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![A-Za-z0-9*])")
_CODE = re.compile(r"`([^`\n]*)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HTML_TAG = re.compile(r"</?(?:br|span|div|p|u|b|i|strong|em|sup|sub)\b[^>]*>", re.IGNORECASE)


def strip_markdown_line(line: str) -> str | None:
    """One Markdown source line → plain text; None for lines that are pure markup."""
    if _RULE.match(line) or _FENCE.match(line) or _TABLE_SEP.match(line):
        return None
    line = _QUOTE.sub("", line)
    if _HEADING.match(line):
        line = _HEADING_TAIL.sub("", _HEADING.sub("", line))
    line = _BULLET.sub("", line)
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
    """Split decoded text into cleaned logical lines (blank and page-number lines dropped)."""
    if markdown:
        text = _COMMENT.sub("", text)
    out: list[Line] = []
    for raw in text.splitlines():
        plain = strip_markdown_line(raw) if markdown else raw
        if plain is None:
            continue
        # Lone digits may be real content in a text file; only decorated numbers go.
        if is_page_number(plain, lone_digits=False):
            continue
        clean = normalize_spacing(plain)
        if clean:
            out.append(Line(clean, None, len(out) + 1))
    return out


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
