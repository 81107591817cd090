"""load(): type sniffing and the error contract (only IngestError subclasses escape)."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import keiyaku_lint.ingest as ingest
from keiyaku_lint.errors import (
    EmptyFileError,
    IngestError,
    LegacyDocError,
    TooLargeError,
    UnknownTypeError,
)
from keiyaku_lint.ingest import load, sniff

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_sniff_uses_bytes_not_extension():
    assert sniff(b"%PDF-1.7\n", ".txt") == "pdf"
    assert sniff(b"PK\x03\x04rest", ".pdf") == "docx"
    assert sniff("第1条".encode(), ".md") == "text"


def test_ole2_is_legacy_doc_whatever_the_name(tmp_path):
    path = tmp_path / "contract.docx"
    path.write_bytes(OLE2 + b"\x00" * 600)
    with pytest.raises(LegacyDocError) as info:
        load(path)
    assert "save as .docx" in str(info.value)
    assert str(path) in str(info.value)


def test_plain_text_named_doc_is_legacy_doc(tmp_path):
    path = tmp_path / "contract.doc"
    path.write_text("第1条　乙は、履行する。", encoding="utf-8")
    with pytest.raises(LegacyDocError):
        load(path)


def test_zero_bytes_is_empty(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        load(path)


def test_missing_file_is_ingest_error(tmp_path):
    with pytest.raises(IngestError):
        load(tmp_path / "nope.txt")


def test_directory_is_ingest_error(tmp_path):
    with pytest.raises(IngestError):
        load(tmp_path)


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text("第1条　乙は、履行する。", encoding="utf-8")
    with pytest.raises(TooLargeError):
        load(path)


def test_rtf_is_unknown_type(tmp_path):
    path = tmp_path / "contract.doc"
    path.write_bytes(b"{\\rtf1\\ansi hello}")
    with pytest.raises(UnknownTypeError):
        load(path)


def test_unexpected_exception_is_wrapped(tmp_path, monkeypatch):
    import keiyaku_lint.ingest.text as text_mod

    def boom(*_a, **_k):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(text_mod, "load_text", boom)
    path = tmp_path / "c.txt"
    path.write_text("第1条", encoding="utf-8")
    with pytest.raises(IngestError, match="parser bug") as info:
        load(path)
    assert isinstance(info.value.__cause__, RuntimeError)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", OLE2, b"", "第1条".encode()]),
       body=st.binary(max_size=400),
       suffix=st.sampled_from([".pdf", ".docx", ".doc", ".txt", ".md", ""]))
def test_any_bytes_give_lines_or_an_ingest_error(tmp_path, head, body, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(head + body)
    try:
        result = load(path)
    except IngestError:
        return
    assert all(ln.text and ln.text == ln.text.strip() for ln in result.lines)
    os.remove(path)


def test_password_protected_docx_is_reported_as_such(tmp_path):
    """Word stores a password-protected .docx as OLE2 with an EncryptedPackage stream."""
    from keiyaku_lint.errors import EncryptedDocxError, LegacyDocError
    from keiyaku_lint.ingest import load

    locked = tmp_path / "locked.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
                       + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100)
    with pytest.raises(EncryptedDocxError) as exc:
        load(locked)
    assert "locked.docx" in exc.value.one_line() and "\n" not in exc.value.one_line()
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(LegacyDocError):
        load(legacy)
