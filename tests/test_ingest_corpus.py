"""Every dev / dev-hand corpus file loads (or is refused with the right error), with its
article headers at the start of lines, in sequence, and no page furniture left."""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from conftest import find_shared

from keiyaku_lint import errors
from keiyaku_lint.ingest import load
from keiyaku_lint.ingest.clean import is_page_number
from keiyaku_lint.ingest.pdf import load_pdf


SHARED = find_shared()
pytestmark = pytest.mark.skipif(SHARED is None, reason="shared/ corpus not available")

EXPECTED_ERRORS = {
    "d90-encrypted.pdf": errors.EncryptedPdfError,
    "d91-empty.md": errors.EmptyFileError,
    "d92-broken.docx": errors.BrokenDocxError,
    "d93-scanned.pdf": errors.NoTextLayerError,
    "d94-legacy.doc": errors.LegacyDocError,
}


def _documents() -> list[tuple[str, str, bool]]:
    if SHARED is None:
        return []
    docs = []
    for corpus in ("dev", "dev-hand"):
        labels = json.loads((SHARED / "corpus" / corpus / "labels.json").read_text(encoding="utf-8"))
        docs += [(corpus, d["file"], bool(d.get("expect_error"))) for d in labels["documents"]]
    return docs


DOCUMENTS = _documents()
LOADABLE = [(c, f) for c, f, err in DOCUMENTS if not err]


@functools.lru_cache(maxsize=None)
def _load(corpus: str, name: str):
    return load(SHARED / "corpus" / corpus / name)


def test_labels_cover_the_expected_error_files():
    assert {f for _, f, err in DOCUMENTS if err} == set(EXPECTED_ERRORS)


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_expect_error_files_raise_the_right_error(name):
    with pytest.raises(EXPECTED_ERRORS[name]) as info:
        load(SHARED / "corpus" / "dev" / name)
    assert name in str(info.value)


_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
_KANJI = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _number(text: str) -> int:
    if text[0] in "0123456789０１２３４５６７８９":
        return int(text.translate(_TO_ASCII))
    tens, _, ones = text.rpartition("十")
    return (_KANJI.get(tens, 1) * 10 if "十" in text else 0) + _KANJI.get(ones, 0)


def _article_runs(lines) -> list[list[int]]:
    """Article numbers (第N条 or 別記-style 第N) in document order, split where 1 restarts."""
    runs: list[list[int]] = []
    for line in lines:
        m = re.match(r"第([0-9０-９〇一二三四五六七八九十]+)(?:条|　)", line.text)
        if m:
            n = _number(m.group(1))
            if n == 1 or not runs:
                runs.append([])
            runs[-1].append(n)
    return runs


@pytest.mark.parametrize("corpus,name", LOADABLE)
def test_corpus_document_loads_with_articles_in_sequence(corpus, name):
    result = _load(corpus, name)
    assert result.kind == Path(name).suffix.lstrip(".")
    runs = _article_runs(result.lines)
    # body articles, then the annex's (dev-hand 05: one chapter-numbered run; 06: annex in 「１．」)
    assert 1 <= len(runs) <= 2 and sum(map(len, runs)) >= 15
    assert all(run == list(range(1, len(run) + 1)) for run in runs)
    numbers = [ln.lineno for ln in result.lines]
    if result.kind in ("txt", "md"):  # the file line each starts on: rising, within the file
        assert numbers == sorted(set(numbers)) and numbers[0] >= 1
        file_lines = (SHARED / "corpus" / corpus / name).read_bytes().count(b"\n") + 1
        assert numbers[-1] <= file_lines
    else:
        assert numbers == list(range(1, len(result.lines) + 1))
    assert all(ln.text and ln.text == ln.text.strip(" \u3000") for ln in result.lines)


@pytest.mark.parametrize("corpus,name", LOADABLE)
def test_corpus_document_has_no_page_furniture(corpus, name):
    result = _load(corpus, name)
    assert not [ln.text for ln in result.lines if is_page_number(ln.text)]
    title = result.lines[0].text
    assert [ln.text for ln in result.lines].count(title) == 1  # running header not repeated


@pytest.mark.parametrize("corpus,name", [(c, f) for c, f in LOADABLE if f.endswith(".pdf")])
def test_corpus_pdf_pages_and_wrapping(corpus, name):
    result = _load(corpus, name)
    pages = [ln.page for ln in result.lines]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == result.meta["pages"]
    # rebuilt paragraphs: an article line holds its whole first paragraph up to a 。
    articles = [ln.text for ln in result.lines if re.match(r"第[0-9０-９]+条　", ln.text)]
    assert sum(t.endswith(("。", "）", "ること", "もの")) for t in articles) >= 0.9 * len(articles)


@pytest.mark.parametrize("corpus,name", [(c, f) for c, f in LOADABLE if f.endswith(".pdf")])
def test_corpus_pdfium_engine_matches_pdfplumber(corpus, name):
    plumber = _load(corpus, name)
    pdfium = load_pdf(SHARED / "corpus" / corpus / name, engine="pdfium")
    assert [(ln.text, ln.page) for ln in pdfium.lines] == [(ln.text, ln.page) for ln in plumber.lines]


def test_hand_pdf_keeps_title_and_drops_running_header():
    lines = [ln.text for ln in _load("dev-hand", "01-bouhan-camera-hoshu.pdf").lines]
    assert lines[0] == "防犯カメラ設備保守点検業務委託契約書"
    assert lines.count("防犯カメラ設備保守点検業務委託契約書") == 1
    # a paragraph broken over lines and rebuilt, with its numbering marker first
    assert "第7条　乙は、本業務の全部又は一部を第三者に再委託することはできないものとする。ただし、" \
           "本業務の履行のため合理的に必要な最小限の範囲で、事前に甲と協議し、その承諾を得た場合においては、" \
           "この限りでない。" in lines


def test_spaced_title_pdf():
    assert _load("dev", "d30-kyuyo.pdf").lines[0].text == "給与計算業務委託契約書"


def test_hard_wrapped_txt_footers_inside_paragraphs_dropped():
    lines = [ln.text for ln in _load("dev-hand", "09-senkyo-poster-keijijou.txt").lines]
    assert not any(re.fullmatch(r"－\s*\d+\s*－", t) for t in lines)
    # wrapped at 38 characters: the loader rejoins each paragraph, across the footers too
    assert len(lines) < 150
    assert any(t.startswith("第１条") and t.endswith("。") and len(t) > 80 for t in lines)


def test_cp932_txt_decoded():
    result = _load("dev", "d27-kyuyo.txt")
    assert result.meta["encoding"] == "cp932"
    assert any(ln.text.startswith("第十条") for ln in result.lines)
