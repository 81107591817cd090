"""DOCX loader: body paragraphs and table cells in XML order, tracked changes accepted,
Word automatic numbering rebuilt, text boxes and content controls read once.

python-docx's `paragraph.text` drops `w:ins` runs and ignores numbering, text boxes and
content controls, so runs are read from the XML here; python-docx only opens the package.
"""
from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import BrokenDocxError, EmptyFileError, TooLargeError
from ..models import Line, SourceDoc
from .clean import FW_SPACE, is_bare_marker, is_page_number, leading_marker, normalize_spacing, starts_new_unit
from .numbering import Numbering, q, val

# Zip-bomb and XML guards, checked from the zip directory and the first bytes of each
# part before python-docx parses anything. A real contract is a few MB unzipped, its
# document.xml well under 5 MB, its parts compress 2–30:1 (a machine-made table 170:1).
MAX_UNZIPPED = 256 * 1024 * 1024  # all parts together (python-docx holds them all in memory)
MAX_XML_PART = 64 * 1024 * 1024  # one XML part (lxml builds a tree of it)
MAX_ENTRIES = 10_000  # a Word package has a few dozen parts
MAX_RATIO = 500  # deflate tops out near 1032:1: only degenerate filler compresses like this
RATIO_FLOOR = 8 * 1024 * 1024  # ... and the ratio is judged only on parts at least this big

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_ALTERNATE = f"{{{MC}}}AlternateContent"
_CHOICE = f"{{{MC}}}Choice"
_FALLBACK = f"{{{MC}}}Fallback"

# Subtrees whose text is not part of the accepted document (deleted, moved away,
# field codes) or carries no text (properties).
_SKIP = {q(t) for t in (
    "del", "moveFrom", "delText", "delInstrText", "instrText", "pPr", "rPr", "sectPr",
    "tblPr", "tblGrid", "trPr", "tcPr", "sdtPr", "sdtEndPr", "fldData",
    "footnoteReference", "endnoteReference", "commentReference", "annotationRef",
    "rt",  # a ruby's reading (ふりがな), drawn above its base text
)}
_P, _T, _TAB, _PTAB, _BR, _CR = q("p"), q("t"), q("tab"), q("ptab"), q("br"), q("cr")
_SYM, _NBH, _SOFTH, _TXBX, _R = q("sym"), q("noBreakHyphen"), q("softHyphen"), q("txbxContent"), q("r")
_LRPB, _TR = q("lastRenderedPageBreak"), q("tr")
_PART_LABEL_RE = re.compile(r"^[（(]?(別添|別記|別紙|別表|様式)")
PAGE_BREAK = "\x0c"  # in-band marker; counted and removed before lines are emitted


def _alternate_branch(el):
    """mc:AlternateContent holds the same content twice: read the Choice, else the Fallback."""
    branch = el.find(_CHOICE)
    return branch if branch is not None else el.find(_FALLBACK)


def _hidden(run) -> bool:
    rpr = run.find(q("rPr"))
    vanish = rpr.find(q("vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(q("val"), "true") not in ("0", "false", "off")


def _is_deleted_row(tr) -> bool:
    trpr = tr.find(q("trPr"))
    return trpr is not None and trpr.find(q("del")) is not None


def _sym(el) -> str:
    """w:sym: a character from a symbol font; private-use codes have no meaning as text."""
    try:
        code = int(el.get(q("char"), ""), 16)
    except ValueError:
        return ""
    return "" if 0xE000 <= code <= 0xF8FF else chr(code)


def _break(el) -> str:
    kind = el.get(q("type"), "textWrapping")
    return PAGE_BREAK if kind == "page" else ("" if kind == "column" else "\n")


def run_text(el, out: list[str], boxes: list, page_marks: set) -> None:
    """Collect the accepted text under `el` (inside one paragraph) in document order.

    Text boxes found on the way are appended to `boxes` (read after the paragraph);
    `page_marks` says which break elements count as page breaks.
    """
    for child in el:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == _T:
            out.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            out.append("\t")
        elif tag == _BR:
            text = _break(child)
            out.append(text if text != PAGE_BREAK or _BR in page_marks else "")
        elif tag == _CR:
            out.append("\n")
        elif tag == _LRPB:
            out.append(PAGE_BREAK if _LRPB in page_marks else "")
        elif tag == _SYM:
            out.append(_sym(child))
        elif tag == _NBH:
            out.append("-")
        elif tag == _SOFTH:
            continue
        elif tag == _TXBX:
            boxes.append(child)
        elif tag == _ALTERNATE:
            branch = _alternate_branch(child)
            if branch is not None:
                run_text(branch, out, boxes, page_marks)
        elif tag == _R and _hidden(child):
            continue
        elif isinstance(tag, str):  # skip comments / processing instructions
            run_text(child, out, boxes, page_marks)


def iter_paragraphs(container):
    """Every w:p under a block container in document order: through tables (row by row,
    cell by cell, nested tables too), content controls, custom XML, tracked-inserted
    blocks and mc:AlternateContent (one branch)."""
    for child in container:
        tag = child.tag
        if tag == _P:
            yield child
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        elif tag == _TR and _is_deleted_row(child):
            continue
        elif tag == _ALTERNATE:
            branch = _alternate_branch(child)
            if branch is not None:
                yield from iter_paragraphs(branch)
        else:
            yield from iter_paragraphs(child)


class _BodyReader:
    """Turns the body XML into logical lines, carrying numbering and page state."""

    def __init__(self, numbering: Numbering, page_marks: set, drop_page_numbers: bool = True) -> None:
        self.numbering = numbering
        self.drop_page_numbers = drop_page_numbers
        self.page_marks = page_marks
        self.page = 1
        self.carry = ""  # text of a paragraph whose mark was deleted: joins the next one
        self.lines: list[Line] = []

    def read(self, container) -> None:
        for p in iter_paragraphs(container):
            self.paragraph(p)
        if self.carry:
            self._emit([self.carry])
            self.carry = ""

    def paragraph(self, p) -> None:
        ppr = p.find(q("pPr"))
        if ppr is not None and ppr.find(q("pageBreakBefore")) is not None and q("pageBreakBefore") in self.page_marks:
            self.page += 1
        out: list[str] = []
        boxes: list = []
        run_text(p, out, boxes, self.page_marks)
        text = "".join(out)
        if _mark_deleted(ppr):
            # Accepting the deletion of a paragraph mark joins this text to the next paragraph.
            self.carry += text
        else:
            if text.replace(PAGE_BREAK, "").strip() or self.carry:
                label, _suffix = self.numbering.label(ppr)  # a gap is added whatever the suffix
                if label:
                    # A numbering label is a marker even when Word draws no gap after it
                    # (suffix "nothing"): 「２甲及び乙は」 must still read as paragraph 2.
                    text = label + FW_SPACE + self.carry + text
                else:
                    text = self.carry + text
                self.carry = ""
            self._emit(text.split("\n"))
        for box in boxes:  # text boxes anchored here: read once, right after their anchor
            self.read(box)
        if ppr is not None and ppr.find(q("sectPr")) is not None and q("sectPr") in self.page_marks:
            if val(ppr.find(q("sectPr")), "type", "nextPage") != "continuous":
                self.page += 1

    def _emit(self, pieces: list[str]) -> None:
        """Soft line breaks: a piece starting a new numbered unit becomes its own line,
        any other piece continues the current line."""
        merged: list[tuple[str, int]] = []
        for piece in pieces:
            page_at_start = self.page + _leading_breaks(piece)
            self.page += piece.count(PAGE_BREAK)
            clean = normalize_spacing(piece.replace(PAGE_BREAK, ""))
            if not clean or self.drop_page_numbers and is_page_number(clean, lone_digits=False):
                continue  # (a PDF converted to Word keeps its 「－３－」 lines in the body)
            if not merged and self.lines and is_bare_marker(self.lines[-1].text) \
                    and not starts_new_unit(clean) and not _PART_LABEL_RE.match(clean):
                # the number cell of a table row, or a label on a line of its own: its text
                # is this paragraph
                last = self.lines.pop()
                merged.append((normalize_spacing(last.text + FW_SPACE + clean), last.page or page_at_start))
                continue
            if merged and not starts_new_unit(clean):
                prev = merged[-1][0]
                gap = FW_SPACE if leading_marker(prev) == prev else ""  # 「第1条<br>乙は」
                merged[-1] = (normalize_spacing(prev + gap + clean), merged[-1][1])
            else:
                merged.append((clean, page_at_start))
        for text, page in merged:
            self.lines.append(Line(text, page if self.page_marks else None, len(self.lines) + 1))


def _leading_breaks(piece: str) -> int:
    """Page breaks before the first visible character: the text starts on a later page."""
    stripped = piece.lstrip(PAGE_BREAK + " \t\u3000")
    return piece[: len(piece) - len(stripped)].count(PAGE_BREAK)


def _mark_deleted(ppr) -> bool:
    rpr = ppr.find(q("rPr")) if ppr is not None else None
    return rpr is not None and rpr.find(q("del")) is not None


def _page_marks(body) -> set:
    """Which elements give page numbers: Word's last rendering (w:lastRenderedPageBreak)
    when saved by Word, else explicit page breaks; empty set = pages unknown."""
    if body.find(f".//{_LRPB}") is not None:
        return {_LRPB}
    explicit = any(br.get(q("type")) == "page" for br in body.iter(_BR)) or any(
        True for _ in body.iter(q("pageBreakBefore"))) or any(
        sp.getparent().tag == q("pPr") for sp in body.iter(q("sectPr")))
    return {_BR, q("pageBreakBefore"), q("sectPr")} if explicit else set()


def _open(path: str):
    check_package(path)
    import docx  # imported here: the other formats do not need it

    try:
        return docx.Document(path)
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types for bad packages
        raise BrokenDocxError(path, f"{type(exc).__name__}: {exc}") from exc


def check_package(path: str) -> None:
    """Refuse a package that is not a zip, too big once inflated, or carries XML with a
    DOCTYPE — from the zip directory and the first bytes of each part, before any part
    is parsed. python-docx's own parser (lxml, resolve_entities=False; lxml's defaults
    no_network=True, load_dtd=False, huge_tree=False) is the second line of defence."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                raise BrokenDocxError(path, "zip without word/document.xml")
            if len(infos) > MAX_ENTRIES:
                raise TooLargeError(path, f"{len(infos)} parts in the zip (limit {MAX_ENTRIES})")
            unzipped = sum(info.file_size for info in infos)
            if unzipped > MAX_UNZIPPED:
                raise TooLargeError(path, f"{unzipped} bytes unzipped (limit {MAX_UNZIPPED}) — zip bomb?")
            for info in infos:
                if info.flag_bits & 0x1:
                    raise BrokenDocxError(path, f"{info.filename} is encrypted in the zip (password-protected)")
                if not info.is_dir():
                    _check_part(zf, info, path)
    except zipfile.BadZipFile as exc:
        if str(exc) == "File is not a zip file":  # no end-of-central-directory record
            raise BrokenDocxError(path, "no zip directory at the end: truncated or partly copied?") from exc
        raise BrokenDocxError(path, f"broken zip: {exc}") from exc
    except (zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
            zlib.error) as exc:
        # NotImplementedError: an unknown compression method; zlib.error: corrupt deflate data
        raise BrokenDocxError(path, f"broken zip: {type(exc).__name__}: {exc}") from exc


def _check_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> None:
    name = info.filename
    with zf.open(info) as fh:
        head = fh.read(4)
        encoding, bom = _xml_encoding(head)
        if encoding is None and not name.lower().endswith((".xml", ".rels")):
            return  # an image or another binary part: never parsed as XML
        if info.file_size > MAX_XML_PART:
            raise TooLargeError(path, f"{name}: {info.file_size} bytes of XML (limit {MAX_XML_PART})")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_FLOOR and ratio > MAX_RATIO:
            raise TooLargeError(path, f"{name}: inflates {ratio:.0f}:1 to {info.file_size} bytes — zip bomb?")
        if _declares_doctype(head[bom:], fh, encoding or "latin-1"):
            raise BrokenDocxError(path, f"{name} declares a DOCTYPE / XML entities, which Word never "
                                        "writes: refused unread")


# XML encodings recognisable from the first four bytes (XML 1.0, appendix F):
# (prefix, codec, BOM length). UTF-32 before UTF-16: their BOMs share a prefix.
_XML_PREFIXES = (
    (codecs.BOM_UTF32_LE, "utf-32-le", 4), (codecs.BOM_UTF32_BE, "utf-32-be", 4),
    (codecs.BOM_UTF8, "utf-8", 3),
    (codecs.BOM_UTF16_LE, "utf-16-le", 2), (codecs.BOM_UTF16_BE, "utf-16-be", 2),
    (b"<\0\0\0", "utf-32-le", 0), (b"\0\0\0<", "utf-32-be", 0),
    (b"<\0", "utf-16-le", 0), (b"\0<", "utf-16-be", 0),
)
_XML_SPACE = " \t\r\n"


def _xml_encoding(head: bytes) -> tuple[str | None, int]:
    """(codec, BOM length) if `head` starts like XML, else (None, 0). Any ASCII-compatible
    encoding reads as latin-1 here: the prolog's markup is ASCII in all of them."""
    for prefix, codec, bom in _XML_PREFIXES:
        if head.startswith(prefix):
            return codec, bom
    if head.lstrip(_XML_SPACE.encode()).startswith(b"<"):
        return "latin-1", 0
    return None, 0


def _declares_doctype(head: bytes, fh, encoding: str) -> bool:
    """Whether the XML prolog (before the root element) has a <!DOCTYPE …> — the only
    place entities (billion laughs, SYSTEM "file:…" / "http:…") can be declared.

    Reads only as far as the root element; a long comment is scanned in chunks without
    being kept."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    buf = decoder.decode(head)
    eof = False

    def more() -> bool:
        nonlocal buf, eof
        if eof:
            return False
        data = fh.read(1 << 16)
        buf += decoder.decode(data, final=not data)
        eof = not data
        return True

    while True:
        buf = buf.lstrip(_XML_SPACE)
        while len(buf) < 9 and more():
            buf = buf.lstrip(_XML_SPACE)
        if buf.startswith("<?"):
            opener, closer = "<?", "?>"
        elif buf.startswith("<!--"):
            opener, closer = "<!--", "-->"
        else:
            # <!DOCTYPE, or any other <! (not allowed before the root): refuse;
            # the root element or non-XML: nothing was declared.
            return buf.startswith("<!")
        buf = buf[len(opener):]
        while (end := buf.find(closer)) < 0:
            buf = buf[-(len(closer) - 1):]  # a closer may straddle two chunks
            if not more():
                return False  # unterminated: the XML parser will call it broken
        buf = buf[end + len(closer):]


def _part_element(doc, reltype: str):
    try:
        return doc.part.part_related_by(reltype).element
    except (KeyError, AttributeError, ValueError):
        return None


def _header_footer_text(doc) -> dict[str, list[str]]:
    """Header / footer text, kept out of the body but reported in meta."""
    found: dict[str, list[str]] = {"headers": [], "footers": []}
    for part in doc.part.package.iter_parts():
        m = re.match(r"/word/(header|footer)\d*\.xml$", str(part.partname))
        if not m:
            continue
        element = getattr(part, "element", None)
        if element is None:
            continue
        reader = _BodyReader(Numbering(), set(), drop_page_numbers=False)
        reader.read(element)
        found[m.group(1) + "s"].append(" / ".join(line.text for line in reader.lines))
    return found


def load_docx(path: str | Path) -> SourceDoc:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    path = str(path)
    doc = _open(path)
    try:
        body = doc.element.body
        numbering = Numbering(_part_element(doc, RT.NUMBERING), _part_element(doc, RT.STYLES))
        marks = _page_marks(body)
        reader = _BodyReader(numbering, marks)
        reader.read(body)
        meta = _header_footer_text(doc)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise BrokenDocxError(path, f"{type(exc).__name__}: {exc}") from exc
    if not reader.lines:
        raise EmptyFileError(path, "no text in the document body")
    meta["pages_estimated"] = bool(marks)
    return SourceDoc(path, "docx", reader.lines, meta)
