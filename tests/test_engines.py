"""PDF engines: pypdfium2 ("pdfium") may be the default only because the audit gives the
same status for every clause with both engines — on every PDF of the shared dev corpus
(and dev-hand) and on the samples. "auto" (the default of ingest.load) reads with pdfium
and falls back to pdfplumber when pdfium fails; if both fail, pdfplumber's error is the
one reported.

Each PDF is read once per engine (cached): ~15 s in all, most of it pdfplumber.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from keiyaku_lint import errors
from keiyaku_lint.audit import audit_tree
from keiyaku_lint.ingest import DEFAULT_PDF_ENGINE, PDF_ENGINES, load
from keiyaku_lint.ingest import pdf as pdf_mod
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_lines

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def _shared() -> Path | None:
    """shared/ next to the repository (CI) or $KEIYAKU_SHARED."""
    env = os.environ.get("KEIYAKU_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared", Path("/work/shared")]:
        if (cand / "corpus" / "dev").is_dir():
            return cand
    return None


SHARED = _shared()
CORPUS_PDFS = sorted((SHARED / "corpus" / "dev").glob("*.pdf")) + sorted(
    (SHARED / "corpus" / "dev-hand").glob("*.pdf")) if SHARED else []
SAMPLE_PDFS = sorted(SAMPLES.glob("*.pdf"))
ALL_PDFS = SAMPLE_PDFS + CORPUS_PDFS


@functools.lru_cache(maxsize=1)
def _ref():
    return load_reference(None)


@functools.lru_cache(maxsize=None)
def _read(path: Path, engine: str):
    """(lines, statuses) or ("error", code): what the audit sees with `engine`."""
    try:
        source = load(path, pdf_engine=engine)
    except errors.KeiyakuLintError as exc:
        return ("error", exc.code)
    assert source.meta["engine"] == engine
    result = audit_tree(parse_lines(source.lines, str(path)), _ref())
    statuses = tuple((f.clause_id, f.status) for f in result.findings)
    return (tuple((ln.text, ln.page) for ln in source.lines), statuses)


def _id(path: Path) -> str:
    return path.name


# ---- parity: the reason pdfium may be the default ---------------------------------------


def test_there_are_pdfs_to_compare():
    assert len(SAMPLE_PDFS) >= 2
    if SHARED is not None:
        assert len(CORPUS_PDFS) >= 10


@pytest.mark.parametrize("path", ALL_PDFS, ids=_id)
def test_same_status_for_every_clause_with_both_engines(path):
    fast, slow = _read(path, "pdfium"), _read(path, "pdfplumber")
    if slow[0] == "error":
        assert fast == slow  # the same error code (encrypted, no text layer …)
        return
    assert fast[1] == slow[1]
    assert len(fast[1]) == len(_ref().clauses)


@pytest.mark.parametrize("path", ALL_PDFS, ids=_id)
def test_same_lines_with_both_engines(path):
    fast, slow = _read(path, "pdfium"), _read(path, "pdfplumber")
    assert fast[0] == slow[0]


@functools.lru_cache(maxsize=None)
def _pdfium_both_ways(path: Path):
    """Pages of `path` read by runs (the fast path) and by characters (the reference)."""
    try:
        return pdf_mod._pdfium_pages(str(path)), pdf_mod._pdfium_pages(str(path), per_char=True)
    except errors.KeiyakuLintError as exc:
        return ("error", exc.code), ("error", exc.code)


@pytest.mark.parametrize("path", ALL_PDFS, ids=_id)
def test_pdfium_runs_give_the_lines_of_the_per_character_reading(path):
    """The fast path (a box per run) gives the physical lines of the per-character path:
    same text, same left/right ends and size; top/bottom within a glyph's variation."""
    fast, slow = _pdfium_both_ways(path)
    if slow[0] == "error":
        assert fast == slow
        return
    assert len(fast) == len(slow)
    for f, s in zip(fast, slow):
        assert (f.number, f.chars, f.cid_chars) == (s.number, s.chars, s.cid_chars)
        assert [ln.text for ln in f.lines] == [ln.text for ln in s.lines], f.number
        for a, b in zip(f.lines, s.lines):
            assert (a.x0, a.x1, a.size, a.page) == (b.x0, b.x1, b.size, b.page), a.text
            assert abs(a.top - b.top) < 2.5 and abs(a.bottom - b.bottom) < 2.5, a.text

    def finished(pages):
        try:
            return [(ln.text, ln.page) for ln in pdf_mod._finish(str(path), pages, "pdfium").lines]
        except errors.KeiyakuLintError as exc:
            return ("error", exc.code)

    assert finished(fast) == finished(slow)


def test_the_samples_are_audited_not_refused():
    for path in SAMPLE_PDFS:
        assert _read(path, "pdfium")[0] != "error", path


# ---- engine selection ---------------------------------------------------------------------


def test_auto_is_the_default_and_reads_with_pdfium():
    assert DEFAULT_PDF_ENGINE == "auto"
    assert set(PDF_ENGINES) == set(pdf_mod.ENGINES) == {"auto", "pdfium", "pdfplumber"}
    doc = load(SAMPLES / "reference-annexes-clean.pdf")
    assert doc.meta["engine"] == "pdfium"
    assert "fallback" not in doc.meta


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_an_engine_can_be_forced(engine):
    doc = load(SAMPLES / "reference-annexes-clean.pdf", pdf_engine=engine)
    assert doc.meta["engine"] == engine


def test_unknown_engine_is_a_caller_error():
    with pytest.raises(ValueError, match="ocr"):
        load(SAMPLES / "reference-annexes-clean.pdf", pdf_engine="ocr")
    with pytest.raises(ValueError):
        pdf_mod.load_pdf(SAMPLES / "reference-annexes-clean.pdf", engine="ocr")


@pytest.mark.parametrize("name", ["seisou-itaku-keiyakusho-draft.txt", "seisou-itaku-keiyakusho-draft.docx"])
def test_engine_does_not_matter_for_other_formats(name):
    lines = {e: [ln.text for ln in load(SAMPLES / name, pdf_engine=e).lines] for e in PDF_ENGINES}
    assert lines["auto"] == lines["pdfium"] == lines["pdfplumber"]


# ---- auto: fallback to pdfplumber -----------------------------------------------------------


def _pdfium_fails(monkeypatch, exc: Exception) -> list[str]:
    calls: list[str] = []

    def broken(path: str):
        calls.append(path)
        raise exc

    monkeypatch.setitem(pdf_mod._READERS, "pdfium", broken)
    return calls


@pytest.mark.parametrize("exc", [RuntimeError("pdfium crashed"),
                                 errors.CorruptPdfError("x.pdf", "pdfium cannot parse it"),
                                 errors.NoTextLayerError("x.pdf", "pdfium saw no text")],
                         ids=["unexpected", "corrupt", "no-text"])
def test_auto_falls_back_to_pdfplumber_when_pdfium_fails(monkeypatch, exc):
    path = SAMPLES / "reference-annexes-clean.pdf"
    calls = _pdfium_fails(monkeypatch, exc)
    doc = load(path)
    assert calls == [str(path)]
    assert doc.meta["engine"] == "pdfplumber"
    assert "pdfium failed" in doc.meta["fallback"]
    assert [(ln.text, ln.page) for ln in doc.lines] == list(_read(path, "pdfplumber")[0])


def test_pdfium_garbage_text_falls_back(monkeypatch):
    """A page whose glyphs pdfium cannot map (NUL / U+FFFD) counts as (cid:NNN) text:
    garbled for pdfium, so auto asks pdfplumber."""
    path = SAMPLES / "reference-annexes-clean.pdf"

    def no_unicode(raw, handle, count):
        return "\x00" * count

    monkeypatch.setattr(pdf_mod, "_page_text", no_unicode)
    with pytest.raises(errors.GarbledPdfError):
        load(path, pdf_engine="pdfium")
    doc = load(path)
    assert doc.meta["engine"] == "pdfplumber" and "garbled" in doc.meta["fallback"]


def test_a_file_pdfium_cannot_parse_is_not_handed_to_pdfplumber(monkeypatch, tmp_path):
    """pdfminer loops forever on some files pdfium refuses (reference cycles): auto reports
    pdfium's one-line error and never starts pdfplumber on such a file."""
    data = (SAMPLES / "reference-annexes-clean.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    calls: list[str] = []
    real = pdf_mod._READERS["pdfplumber"]
    monkeypatch.setitem(pdf_mod._READERS, "pdfplumber", lambda p: calls.append(p) or real(p))
    with pytest.raises(errors.CorruptPdfError) as auto:
        load(cut)
    assert calls == []
    assert str(cut) in auto.value.one_line() and "\n" not in auto.value.one_line()


def test_encrypted_under_pdfium_is_reported_without_fallback(monkeypatch):
    path = SAMPLES / "reference-annexes-clean.pdf"
    _pdfium_fails(monkeypatch, errors.EncryptedPdfError(str(path), "password required"))
    with pytest.raises(errors.EncryptedPdfError):
        load(path)


def test_error_files_keep_their_error_under_auto(tmp_path):
    """The error contract does not depend on the engine: encrypted and image-only PDFs."""
    from reportlab.pdfgen import canvas

    enc = tmp_path / "enc.pdf"
    c = canvas.Canvas(str(enc), encrypt="pw")
    c.drawString(100, 700, "secret")
    c.showPage()
    c.save()
    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan))
    for _ in range(3):
        c.rect(50, 50, 400, 600, fill=1)
        c.showPage()
    c.save()
    for engine in PDF_ENGINES:
        with pytest.raises(errors.EncryptedPdfError):
            load(enc, pdf_engine=engine)
        with pytest.raises(errors.NoTextLayerError):
            load(scan, pdf_engine=engine)
