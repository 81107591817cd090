"""Error types for input that cannot be audited.

Every error renders as one line naming the file and the cause (see README,
"What happens with bad input"). `code` is stable and machine-readable.
"""
from __future__ import annotations


class KeiyakuLintError(Exception):
    """Base class: anything keiyaku-lint reports instead of a result."""

    code = "error"
    hint = ""

    def __init__(self, path: str, detail: str = "") -> None:
        self.path = str(path)
        self.detail = detail
        super().__init__(self.one_line())

    def one_line(self) -> str:
        msg = f"{self.path}: {self.code}: {self.describe()}"
        return " ".join(msg.split())

    def describe(self) -> str:
        parts = [self.__doc__.strip().splitlines()[0].rstrip(".") if self.__doc__ else self.code]
        if self.detail:
            parts.append(f"({self.detail})")
        if self.hint:
            parts.append(f"— {self.hint}")
        return " ".join(parts)


class IngestError(KeiyakuLintError):
    """The file could not be read."""

    code = "unreadable"


class EmptyFileError(IngestError):
    """Empty file: no text to audit."""

    code = "empty"


class UnknownTypeError(IngestError):
    """Unsupported file type (not PDF, DOCX, TXT or MD)."""

    code = "unknown-type"


class LegacyDocError(IngestError):
    """Legacy Word .doc (OLE2) file."""

    code = "legacy-doc"
    hint = "save as .docx"


class EncryptedPdfError(IngestError):
    """Encrypted or password-protected PDF."""

    code = "encrypted-pdf"
    hint = "remove the password and try again"


class EncryptedDocxError(IngestError):
    """Password-protected Word document."""

    code = "encrypted-docx"
    hint = "remove the password in Word (ファイル → 情報 → 文書の保護) and save again"


class CorruptPdfError(IngestError):
    """Corrupt PDF: the file could not be parsed."""

    code = "corrupt-pdf"


class NoTextLayerError(IngestError):
    """No text layer — scanned? run OCR first."""

    code = "no-text-layer"


class GarbledPdfError(IngestError):
    """PDF text is (cid:NNN) garbage: the font has no Unicode mapping."""

    code = "garbled-pdf"
    hint = "re-export the PDF with embedded fonts or audit the source document"


class BrokenDocxError(IngestError):
    """Broken DOCX: not a valid Word zip package."""

    code = "broken-docx"


class DecodeError(IngestError):
    """Text file in an unknown encoding (not UTF-8 or Shift_JIS/cp932)."""

    code = "bad-encoding"


class TooLargeError(IngestError):
    """File too large to audit safely."""

    code = "too-large"


class ReferenceFormatError(KeiyakuLintError):
    """Malformed reference file."""

    code = "bad-reference"
