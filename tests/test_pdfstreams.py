"""ingest/pdfstreams.py: a Flate bomb is refused before a parser inflates it; real
contracts, images and ordinary streams are not."""
from __future__ import annotations

import zlib

import pytest

from keiyaku_lint.errors import TooLargeError
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest.pdfstreams import MAX_RATIO, RATIO_FLOOR, check_flate_streams

from conftest import SAMPLES
from test_hostile import CATALOG, PDF_FONT, PDF_TEXT, inflating_entry, make_pdf, one_page_pdf, pdf_page, pdf_stream

MIB = 1024 * 1024


def deflated(mib: int, filler: bytes = b" ") -> bytes:
    """zlib data that inflates to `mib` MiB of `filler`, written without building it."""
    chunk = filler * (MIB // len(filler))
    e = inflating_entry("", b"", chunk, mib, b"")
    adler = 1
    for _ in range(mib):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + e.data + adler.to_bytes(4, "big")


def write(tmp_path, data: bytes, name: str = "x.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_content_stream_bomb_is_refused_with_file_and_cause(tmp_path):
    path = write(tmp_path, one_page_pdf(content=pdf_stream(deflated(64), b" /Filter /FlateDecode")))
    with pytest.raises(TooLargeError) as err:
        check_flate_streams(path)
    line = err.value.one_line()
    assert path in line and "too-large" in line and f"{MAX_RATIO}:1" in line


def test_load_refuses_the_bomb_before_either_engine(tmp_path):
    path = write(tmp_path, one_page_pdf(content=pdf_stream(deflated(64), b" /Filter [/FlateDecode]")))
    for engine in ("auto", "pdfium", "pdfplumber"):
        with pytest.raises(TooLargeError):
            load(path, pdf_engine=engine)


def test_font_program_bomb_is_refused(tmp_path):
    font_file = pdf_stream(deflated(32), b" /Length1 999 /Filter /FlateDecode")
    pdf = make_pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", pdf_page(), pdf_stream(PDF_TEXT),
                    PDF_FONT, font_file])
    with pytest.raises(TooLargeError):
        check_flate_streams(write(tmp_path, pdf))


def test_threshold_is_the_size_not_the_ratio_alone(tmp_path):
    """Up to RATIO_FLOOR a stream may compress as well as deflate allows; past it, not."""
    below = RATIO_FLOOR // MIB
    check_flate_streams(write(tmp_path, one_page_pdf(content=pdf_stream(deflated(below), b" /Filter /FlateDecode")),
                              "below.pdf"))
    with pytest.raises(TooLargeError):
        check_flate_streams(write(tmp_path, one_page_pdf(
            content=pdf_stream(deflated(below + 1), b" /Filter /FlateDecode")), "above.pdf"))


def test_image_streams_are_not_inflated(tmp_path):
    """A blank scanned page compresses like a bomb; text extraction never decodes it."""
    image = pdf_stream(deflated(64, b"\xff"), b" /Type /XObject /Subtype /Image /Width 8192 /Height 8192 "
                                             b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode")
    pdf = make_pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", pdf_page(), pdf_stream(PDF_TEXT),
                    PDF_FONT, image])
    check_flate_streams(write(tmp_path, pdf))


@pytest.mark.parametrize("data", [b"not deflate at all" * 100, zlib.compress(PDF_TEXT * 50), b""])
def test_ordinary_and_broken_streams_pass(tmp_path, data):
    check_flate_streams(write(tmp_path, one_page_pdf(content=pdf_stream(data, b" /Filter /FlateDecode"))))


@pytest.mark.parametrize("name", ["seisou-itaku-keiyakusho-draft.pdf", "reference-annexes-clean.pdf"])
def test_real_contract_pdfs_pass(name):
    check_flate_streams(str(SAMPLES / name))


def test_a_highly_compressible_but_small_stream_passes(tmp_path):
    """A page of one repeated drawing operator: far above MAX_RATIO, but small."""
    ops = zlib.compress(b"0 0 m 10 10 l S\n" * 200_000)  # 3.2 MB at ~600:1
    check_flate_streams(write(tmp_path, one_page_pdf(content=pdf_stream(ops, b" /Filter /FlateDecode"))))
