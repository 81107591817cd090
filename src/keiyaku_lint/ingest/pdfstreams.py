"""Refuse a PDF whose compressed streams inflate absurdly (a "Flate bomb") before a
parser inflates them.

pdfium and pdfminer inflate every content stream, font and CMap in full, in memory: a
1 MB file holding a 1 GiB content stream took 14 s and 2 GB with pdfium, 33 s and 2 GB
with pdfplumber. Deflate tops out near 1032:1; the streams of a real contract (page
text, fonts, CMaps) compress 2–20:1. So a stream is *sampled*: its first SAMPLE bytes
of output. Only a stream that yields them at more than FOLLOW_RATIO:1 is inflated
further, and it is refused once it has produced RATIO_FLOOR bytes at more than
MAX_RATIO:1 (the rule ingest/docx.py applies to a zip part). Streams shorter than
MIN_BOMB_INPUT (8 KB) are not sampled: deflate cannot turn them into RATIO_FLOOR bytes.
The 18-page sample's check costs ~0.8 ms.

Images are skipped: text extraction never decodes them, and a scanned page's bitmap may
compress very well. The scan is lexical (``<< … >> stream``), not a PDF parser: a
stream it misreads is at worst not sampled.
"""
from __future__ import annotations

import mmap
import re
import zlib

from ..errors import TooLargeError

SAMPLE = 8 * 1024  # output bytes inflated from every stream
FOLLOW_RATIO = 100  # output : input in the sample beyond which a stream is followed
MAX_RATIO = 500  # output : input of a bomb ...
RATIO_FLOOR = 8 * 1024 * 1024  # ... once it has yielded this much
DICT_LOOKBACK = 4096  # bytes before "stream" searched for the stream's dictionary
# Deflate yields at most ~1032 bytes per input byte: a shorter stream cannot reach the floor.
MIN_BOMB_INPUT = RATIO_FLOOR // 1032

_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_FLATE = re.compile(rb"/Filter\s*(?:\[\s*)?/FlateDecode")


def check_flate_streams(path: str) -> None:
    """Raise TooLargeError when a Flate stream of the PDF at `path` is a bomb."""
    with open(path, "rb") as fh:
        try:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file: nothing to check
            return
    with data:
        view = memoryview(data)
        try:
            for m in _STREAM.finditer(data):
                start = m.end()
                end = data.find(b"endstream", start)
                if 0 <= end - start < MIN_BOMB_INPUT or not _inflatable(data, m.start()):
                    continue
                ratio_bytes = _bomb_output(view[start:end if end >= 0 else len(data)])
                if ratio_bytes:
                    raise TooLargeError(path, f"a compressed stream at byte {start} inflates more than "
                                              f"{MAX_RATIO}:1 past {ratio_bytes // (1024 * 1024)} MB — Flate bomb?")
        finally:
            view.release()


def _inflatable(data: mmap.mmap, dict_end: int) -> bool:
    """The dictionary just before `dict_end` declares FlateDecode first and is not an image's."""
    obj = data.rfind(b"obj", max(0, dict_end - DICT_LOOKBACK), dict_end)
    head = data[obj if obj >= 0 else max(0, dict_end - DICT_LOOKBACK):dict_end]
    return bool(_FLATE.search(head)) and not _IMAGE.search(head)


def _bomb_output(stream: memoryview) -> int:
    """Bytes of output at which `stream` proved a bomb, or 0."""
    inflater = zlib.decompressobj()
    produced = 0
    pending = stream
    limit = SAMPLE
    try:
        while True:
            out = inflater.decompress(pending, limit - produced)
            produced += len(out)
            consumed = len(stream) - len(inflater.unconsumed_tail)
            if produced < limit or inflater.eof:
                return 0  # the stream ended, or stopped short of the limit
            if limit >= RATIO_FLOOR:
                return produced if produced > MAX_RATIO * consumed else 0
            if produced <= FOLLOW_RATIO * consumed:
                return 0
            limit = RATIO_FLOOR  # suspicious: follow it
            pending = inflater.unconsumed_tail
    except zlib.error:
        return 0  # not deflate data after all (or encrypted): the parsers will say
