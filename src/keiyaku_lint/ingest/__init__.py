"""Ingest: file -> SourceDoc (logical lines with page numbers).

`load(path)` sniffs the type from the first bytes (never from the extension alone:
python-docx raises the same error for a .doc, a PDF and a corrupt file), dispatches to
the PDF / DOCX / text loader, and guarantees that every failure is an `IngestError`.

PDF engine (`pdf_engine`): "auto" (the default) reads with pypdfium2 and falls back to
pdfplumber when pypdfium2 fails on the file; "pdfium" and "pdfplumber" force one engine.
Both engines give the same lines and the same audit on the dev corpus and the samples
(tests/test_engines.py), and pypdfium2 reads a page ~20× faster (bench/run.py).
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import (
    BrokenDocxError,
    CorruptPdfError,
    EmptyFileError,
    EncryptedDocxError,
    IngestError,
    LegacyDocError,
    TooLargeError,
    UnknownTypeError,
)
from ..models import SourceDoc

__all__ = ["load", "sniff", "preload", "kinds_of", "MAX_BYTES", "PDF_ENGINES", "DEFAULT_PDF_ENGINE"]

MAX_BYTES = 200 * 1024 * 1024  # refuse bigger files: a contract is never this large
PDF_ENGINES = ("auto", "pdfium", "pdfplumber")  # = ingest.pdf.ENGINES (not imported: lazy)
DEFAULT_PDF_ENGINE = "auto"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# Binary formats that are neither supported nor text (checked before trying to decode).
_BINARY_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"\x1f\x8b": "gzip archive",
    b"7z\xbc\xaf": "7z archive",
    b"Rar!": "RAR archive",
    b"PK\x05\x06": "empty zip archive",
    b"{\\rtf": "RTF document (save as .docx)",
    b"\x7fELF": "executable",
    b"MZ": "executable",
}


def sniff(head: bytes, suffix: str = "") -> str:
    """Type from the first bytes: "pdf", "docx", "text"; raises for legacy/unknown types.

    `suffix` (lower-case extension) only refines the text case: a .doc that is plain
    text is still a legacy-Word mislabel and is refused like a real .doc.
    """
    if b"%PDF" in head[:1024]:  # the header may follow a little junk (allowed by readers)
        return "pdf"
    if head.startswith(_ZIP):
        return "docx"
    if head.startswith(_OLE2):
        raise LegacyDocError("", "OLE2 compound file (.doc / .xls)")
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise UnknownTypeError("", what)
    if suffix == ".doc":
        raise LegacyDocError("", "a .doc file that is not a Word document")
    if suffix == ".pdf":
        raise CorruptPdfError("", "no %PDF header")
    if suffix == ".docx":
        raise BrokenDocxError("", "not a zip package")
    return "text"


# File kinds by extension, for `preload`. Any other extension could hold anything (a
# file named on the command line is sniffed, not trusted): it needs every loader.
_KIND_BY_SUFFIX = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".md": "text", ".markdown": "text",
                   ".doc": "none"}  # a .doc is refused by sniff() before any loader runs
KINDS = ("pdf", "docx", "text")


def kinds_of(paths) -> frozenset[str]:
    """The loaders a batch of `paths` can need."""
    out: set[str] = set()
    for p in paths:
        kind = _KIND_BY_SUFFIX.get(os.path.splitext(str(p))[1].lower())
        out.update(KINDS if kind is None else (kind,))
    return frozenset(out - {"none"})


def preload(kinds=KINDS) -> None:
    """Import the loaders of `kinds` and the libraries they use (python-docx ~75 ms,
    pypdfium2 ~50 ms) now. A batch worker calls it while it warms up, before it reports
    ready, so that its first file does not pay these imports; a batch of PDFs only does
    not import python-docx at all."""
    if "text" in kinds:
        from . import text as _text  # noqa: F401
    if "docx" in kinds:
        import docx  # noqa: F401
        import docx.opc.constants  # noqa: F401

        from . import docx as _docx  # noqa: F401
    if "pdf" in kinds:
        import pypdfium2  # noqa: F401

        from . import pdf as _pdf  # noqa: F401


def load(path: str | os.PathLike, pdf_engine: str = DEFAULT_PDF_ENGINE) -> SourceDoc:
    """Read a contract file into logical lines. Raises only `IngestError` subclasses
    (and `ValueError` for an unknown `pdf_engine`, a caller's mistake, before any I/O)."""
    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"unknown PDF engine {pdf_engine!r} (choose from {', '.join(PDF_ENGINES)})")
    spath = str(path)
    try:
        return _load(Path(path), pdf_engine)
    except IngestError as exc:
        if not exc.path:  # raised by sniff(), which does not know the path
            raise type(exc)(spath, exc.detail) from exc
        raise
    except MemoryError as exc:
        raise TooLargeError(spath, "out of memory") from exc
    except Exception as exc:  # noqa: BLE001 - the contract: nothing else escapes load()
        raise IngestError(spath, f"{type(exc).__name__}: {exc}") from exc


def _load(path: Path, pdf_engine: str = DEFAULT_PDF_ENGINE) -> SourceDoc:
    spath = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IngestError(spath, "not a regular file")
    except OSError as exc:
        raise IngestError(spath, exc.strerror or type(exc).__name__) from exc
    if size > MAX_BYTES:
        raise TooLargeError(spath, f"{size} bytes > {MAX_BYTES}")
    if size == 0:
        raise EmptyFileError(spath, "0 bytes")
    with path.open("rb") as fh:
        head = fh.read(1024)
        if head.startswith(_OLE2):
            # Word saves a password-protected .docx as an OLE2 file holding an
            # "EncryptedPackage" stream: say so instead of "legacy .doc".
            head_more = head + fh.read(256 * 1024)
            if "EncryptedPackage".encode("utf-16-le") in head_more:
                raise EncryptedDocxError(spath, "EncryptedPackage")
    kind = sniff(head, path.suffix.lower())
    if kind == "pdf":
        from .pdf import load_pdf

        return load_pdf(path, engine=pdf_engine)
    if kind == "docx":
        from .docx import load_docx

        return load_docx(path)
    from .text import load_text

    return load_text(path, path.read_bytes())
