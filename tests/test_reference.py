"""The bundled reference (reference/oita-police-2023.json) against the seed text.

The seed-text checks do NOT reuse scripts/build_reference.py: they locate every
clause in the seed with all whitespace removed and check what lies between
consecutive clauses (a paragraph number, or 見出し + article number, or a
drafting note), so a clause cut short, run on into the next, or swallowing a
note fails here even if the builder has the same bug.

Shared material is found at KEIYAKU_SHARED or <repo>/../shared; tests that need
it skip when it is absent.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import find_shared

from keiyaku_lint.errors import ReferenceFormatError
from keiyaku_lint.reference import (
    RefClause,
    Reference,
    bundled_references,
    load_reference,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = find_shared() or REPO.parent / "shared"
SEED = SHARED / "seeds" / "itaku-kijun-oita-police-2023.txt"
REF_JSON = REPO / "reference" / "oita-police-2023.json"
SAMPLES = REPO / "samples"

needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"shared seed not found at {SEED}")

# eval/README.md: paragraph counts per article
TOKKI_COUNTS = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 8, 7: 6, 8: 1, 9: 3, 10: 2,
                11: 1, 12: 1, 13: 1, 14: 2, 15: 1, 16: 3, 17: 2}
KISAI_COUNTS = {1: 2, 2: 1, 3: 3, 4: 3}
EXPECTED_IDS = [f"tokki-{a}-{p}" for a, n in TOKKI_COUNTS.items() for p in range(1, n + 1)] + [
    f"kisai-{a}-{p}" for a, n in KISAI_COUNTS.items() for p in range(1, n + 1)
]

TOKKI_HEADINGS = {
    1: "基本的事項", 2: "秘密の保持", 3: "個人情報の取得の範囲と手段", 4: "目的外利用及び提供の制限",
    5: "複写又は複製の禁止", 6: "安全管理措置", 7: "返却及び廃棄", 8: "責任体制の整備",
    9: "業務責任者及び業務従事者の監督", 10: "派遣労働者", 11: "教育の実施", 12: "意見聴取",
    13: "知的財産権", 14: "対象外", 15: "契約内容の遵守状況の報告", 16: "事故発生時の対応",
    17: "監査、調査等",
}
KISAI_HEADINGS = {1: "機密保持", 2: "個人情報保護", 3: "再委託の制限", 4: "契約解除及び損害賠償"}

FW = str.maketrans("0123456789", "０１２３４５６７８９")


def nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def clause_flat(c: RefClause) -> str:
    """Clause text + item labels and texts, whitespace removed (as printed in the seed)."""
    return nows(c.text + "".join(it.label + it.text for it in c.walk_items()))


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


@pytest.fixture(scope="module")
def seed_flat() -> str:
    if not SEED.exists():
        pytest.skip(f"shared seed not found at {SEED}")
    return nows(SEED.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- ids, counts, headings


def test_ids_exactly_as_eval_readme(ref):
    assert ref.clause_ids == EXPECTED_IDS
    assert len(ref.clauses) == 45
    assert sum(1 for c in ref.clauses if c.part == "tokki") == 36
    assert sum(1 for c in ref.clauses if c.part == "kisai") == 9


def test_ids_match_fields(ref):
    for c in ref.clauses:
        assert c.id == f"{c.part}-{c.article}-{c.paragraph}"


def test_paragraph_counts(ref):
    for part, counts in (("tokki", TOKKI_COUNTS), ("kisai", KISAI_COUNTS)):
        got = {}
        for c in ref.clauses_in(part):
            got[c.article] = got.get(c.article, 0) + 1
        assert got == counts, part


def test_headings(ref):
    for c in ref.clauses:
        want = (TOKKI_HEADINGS if c.part == "tokki" else KISAI_HEADINGS)[c.article]
        assert c.heading == want, c.id


@needs_seed
def test_eval_readme_agrees():
    """The id table of eval/README.md is what these tests hard-code."""
    readme = (SHARED / "eval" / "README.md").read_text(encoding="utf-8")
    assert "| `tokki-A-P` |" in readme and "| 36 |" in readme and "| 9 |" in readme
    assert "第6条: 8; 第7条: 6" in readme


def test_metadata(ref):
    assert ref.id == "oita-police-2023"
    assert ref.title == "機密情報及び個人情報の取扱いを伴う業務の委託基準"
    assert ref.issuer == "大分県警察"
    assert ref.effective_date_iso == "2023-04-01"
    assert ref.parties == {"甲": "委託者", "乙": "受託者"}
    assert [(p.id, p.label, p.location) for p in ref.parts] == [
        ("kisai", "別添1", "body"), ("tokki", "別添2", "annex")]
    assert ref.part("tokki").title == "機密保持及び個人情報保護に関する特記事項"
    assert ref.part("kisai").title == "契約書への記載例"


def test_items_structure(ref):
    c = ref.clause("tokki-6-8")
    assert [i.label for i in c.items] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
    assert [i.label for i in c.items[2].items] == ["ア", "イ", "ウ"]
    assert c.items[2].items[1].text.startswith("情報システムへのアクセスの状況を記録し、その記録を１年以上保存")
    assert [i.label for i in ref.clause("tokki-14-1").items] == ["(1)", "(2)", "(3)", "(4)", "(5)"]
    assert [i.label for i in ref.clause("kisai-1-1").items] == ["(1)", "(2)"]
    assert [i.label for i in ref.clause("kisai-4-1").items] == ["一", "二"]
    with_items = {c.id for c in ref.clauses if c.items}
    assert with_items == {"tokki-6-8", "tokki-14-1", "kisai-1-1", "kisai-4-1"}


def test_full_text(ref):
    c = ref.clause("tokki-6-8")
    lines = c.full_text.split("\n")
    assert lines[0] == c.text
    assert lines[1].startswith("(1) 金庫、")
    assert lines[4].startswith("ア 認証機能")
    assert lines[7].startswith("(4) 保管・管理")
    assert len(lines) == 1 + 6 + 3
    assert ref.clause("tokki-2-1").full_text == ref.clause("tokki-2-1").text


def test_text_has_no_numbers_or_headings(ref):
    for c in ref.clauses:
        assert not re.match(r"^(第[○０-９0-9]+条|[０-９0-9]+\s|（)", c.text), c.id
        assert c.heading not in c.text[:len(c.heading) + 2] or c.id == "tokki-9-1", c.id
        assert c.text == c.text.strip() and "\n" not in c.text, c.id
        for it in c.walk_items():
            assert it.text and it.text == it.text.strip() and "\n" not in it.text, c.id


def test_no_notes_inside_clauses(ref):
    for c in ref.clauses:
        for marker in ("本条は", "※注", "注１", "注1", "本特記事項は、委託業務の実態", "けん"):
            assert marker not in c.full_text, (c.id, marker)


def test_notes(ref):
    by = [(n.part, n.article, n.after, n.text[:4]) for n in ref.notes]
    assert ("tokki", 3, "tokki-3-1", "※注 乙") in by
    assert ("tokki", None, "tokki-17-2", "注１ 「") in by
    assert ("tokki", None, "tokki-17-2", "２ 本特") in by
    commentary = [n for n in ref.notes if n.part == "kisai"]
    assert {n.article for n in commentary} == {1, 2, 3, 4}
    assert all(n.after == f"kisai-{n.article}-{KISAI_COUNTS[n.article]}" for n in commentary)
    assert commentary[0].text.startswith("本条は、機密資料の取扱いに関する条項であり")
    # the ruby line けん (above 牽制) is gone, the sentence joined
    assert "受託者への牽制となるところであるが、厳格に" in commentary[0].text
    assert "場合で、万が一、" in commentary[0].text


def test_characters_kept_exactly(ref):
    """No NFKC in the data: full-width digits, 漏えい, ASCII item labels stay as printed."""
    assert "第１項の機密情報" in ref.clause("tokki-6-3").text
    assert "１年に１回" in ref.clause("tokki-17-2").text
    assert "漏えい、毀損及び滅失" in ref.clause("tokki-6-1").text
    assert "第２条に準ずる" in ref.clause("tokki-10-1").text


# ---------------------------------------------------------------- against the seed text


def _article_marker(part: str, article: int) -> str:
    if part == "kisai":
        return re.escape(str(article).translate(FW)) + re.escape(f"（{KISAI_HEADINGS[article]}）") + "第○条"
    num = f"(?:{article}|{str(article).translate(FW)})"
    return re.escape(f"（{TOKKI_HEADINGS[article]}）") + f"第{num}条"


# Drafting notes that may sit between two clauses (whitespace removed).
NOTE_RE = r"(?:本条は、.*|※注.*)"


@needs_seed
def test_every_clause_is_its_seed_span(ref, seed_flat):
    """Each clause = the seed text between its paragraph marker and the next
    paragraph marker / article / note, whitespace-normalised."""
    kisai_start = seed_flat.index("別添１契約書への記載例") + len("別添１契約書への記載例")
    tokki_start = seed_flat.index("別添２機密保持及び個人情報保護に関する特記事項") + len(
        "別添２機密保持及び個人情報保護に関する特記事項")
    # document order: kisai (別添1) then tokki (別添2)
    ordered = ref.clauses_in("kisai") + ref.clauses_in("tokki")
    pos = kisai_start
    prev: RefClause | None = None
    for c in ordered:
        body = clause_flat(c)
        if c.part == "tokki" and (prev is None or prev.part == "kisai"):
            # 記載例4's commentary runs up to 別添２
            gap_end = tokki_start
            assert re.fullmatch(NOTE_RE + "別添２機密保持及び個人情報保護に関する特記事項",
                                seed_flat[pos:gap_end]), "between 記載例 and 特記事項"
            pos = gap_end
        start = seed_flat.find(body, pos)
        assert start >= 0, f"{c.id}: text not found in the seed after the previous clause"
        gap = seed_flat[pos:start]
        if c.paragraph > 1:
            assert gap == str(c.paragraph).translate(FW), f"{c.id}: unexpected text before it: {gap!r}"
        else:
            m = re.fullmatch(f"({NOTE_RE})?" + _article_marker(c.part, c.article), gap)
            assert m, f"{c.id}: unexpected text before it: {gap[:80]!r}"
        pos = start + len(body)
        prev = c
    assert seed_flat[pos:].startswith("注１「甲」は委託者"), "after tokki-17-2"


@needs_seed
def test_notes_are_in_the_seed(ref, seed_flat):
    # the seed prints the ruby of 牽制 (けん) as a line of its own, inside a sentence
    seed_flat = seed_flat.replace("場合で、けん万が一", "場合で、万が一")
    for n in ref.notes:
        assert nows(n.text) in seed_flat, n.text[:20]
    # and they cover all the commentary: 記載例 text = clauses + notes + markers
    kisai = seed_flat[seed_flat.index("別添１契約書への記載例"):seed_flat.index("別添２機密保持")]
    rest = kisai
    for x in [clause_flat(c) for c in ref.clauses_in("kisai")] + [nows(n.text) for n in ref.notes if n.part == "kisai"]:
        rest = rest.replace(x, "|", 1)
    rest = re.sub(r"（[^）]+）第○条", "", rest)
    assert re.fullmatch(r"別添１契約書への記載例[|１-４]*", rest), rest


@needs_seed
def test_builder_output_is_current(tmp_path):
    """reference/oita-police-2023.json is exactly what scripts/build_reference.py writes."""
    out = tmp_path / "ref.json"
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_reference.py"),
                    "--seed", str(SEED), "--out", str(out)], check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == REF_JSON.read_text(encoding="utf-8")


# ---------------------------------------------------------------- loading and validation


def test_bundled_references():
    rows = bundled_references()
    assert ("oita-police-2023", "機密情報及び個人情報の取扱いを伴う業務の委託基準", 45) in [r[:3] for r in rows]
    for _id, _title, _n, path in rows:
        assert path.endswith(".json")


def test_load_by_path_and_id(ref):
    assert load_reference(str(REF_JSON)) == ref
    assert load_reference(REF_JSON) == ref
    assert load_reference("oita-police-2023") == ref


def test_frozen(ref):
    with pytest.raises(Exception):
        ref.clauses[0].text = "x"  # type: ignore[misc]


def _write(tmp_path, data, name="bad.json") -> str:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(p)


def _good() -> dict:
    return json.loads(REF_JSON.read_text(encoding="utf-8"))


def _mutate(fn):
    d = _good()
    fn(d)
    return d


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["clauses"][3].pop("text"), "clauses[3].text: missing"),
    (lambda d: d["clauses"][3].__setitem__("text", 5), "clauses[3].text: expected string, got integer"),
    (lambda d: d["clauses"][0].__setitem__("article", "1"), "clauses[0].article: expected integer, got string"),
    (lambda d: d["clauses"][0].__setitem__("paragraph", True), "clauses[0].paragraph: expected integer, got boolean"),
    (lambda d: d["clauses"][7].__setitem__("id", "tokki-1-1"), "clauses[7].id: duplicate 'tokki-1-1'"),
    (lambda d: d["clauses"][2].__setitem__("part", "honbun"), "clauses[2].part: unknown part 'honbun'"),
    (lambda d: d["clauses"][12]["items"][2]["items"][1].pop("label"),
     "clauses[12].items[2].items[1].label: missing"),
    (lambda d: d["clauses"][12].__setitem__("items", {}), "clauses[12].items: expected array, got object"),
    (lambda d: d["clauses"].__setitem__(4, []), "clauses[4]: expected object, got array"),
    (lambda d: d.pop("clauses"), "clauses: missing"),
    (lambda d: d.__setitem__("clauses", []), "clauses: empty"),
    (lambda d: d.pop("title"), "title: missing"),
    (lambda d: d.__setitem__("schema", 2), "schema: unsupported version 2"),
    (lambda d: d["notes"][0].__setitem__("after", "tokki-99-1"), "notes[0].after: unknown clause id 'tokki-99-1'"),
    (lambda d: d["parts"][1].pop("id"), "parts[1].id: missing"),
])
def test_malformed_reference_names_the_field(tmp_path, mutate, field):
    path = _write(tmp_path, _mutate(mutate))
    with pytest.raises(ReferenceFormatError) as ei:
        load_reference(path)
    msg = str(ei.value)
    assert field in msg
    assert msg.startswith(path + ": bad-reference: ")
    assert "\n" not in msg


def test_clause_index_in_message_is_the_right_one():
    """Sanity of the parametrised indices above: clauses[12] is tokki-6-8 (nested items)."""
    assert _good()["clauses"][12]["id"] == "tokki-6-8"


@pytest.mark.parametrize("text, detail", [
    ('{"schema": 1,\n  "id": "x",\n  "title": }', "invalid JSON at line 3, column"),
    ("", "invalid JSON at line 1, column 1"),
    ("[1, 2]", "expected object, got array"),
])
def test_bad_json(tmp_path, text, detail):
    with pytest.raises(ReferenceFormatError) as ei:
        load_reference(_write(tmp_path, text))
    assert detail in str(ei.value)


def test_missing_file_and_unknown_id(tmp_path):
    with pytest.raises(ReferenceFormatError, match="file not found"):
        load_reference(str(tmp_path / "nope.json"))
    with pytest.raises(ReferenceFormatError, match="no such bundled reference"):
        load_reference("no-such-reference")


# ---------------------------------------------------------------- packaging


def _can_build_offline() -> bool:
    """setuptools >= 70.1 has bdist_wheel built in; older ones need the wheel package."""
    try:
        import setuptools
    except ImportError:
        return False
    try:
        import wheel  # noqa: F401
        return True
    except ImportError:
        pass
    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1)


@pytest.mark.slow
def test_wheel_ships_reference_json(tmp_path):
    """Build a wheel from a copy of the repo (the shared worktree stays clean)."""
    src = tmp_path / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "samples", "tests"))
    if not (src / "README.md").exists():
        (src / "README.md").write_text("keiyaku-lint\n", encoding="utf-8")
    out = tmp_path / "w"
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(src)]
    if _can_build_offline():
        cmd.insert(4, "--no-build-isolation")  # use the installed setuptools: no network
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    wheels = list(out.glob("keiyaku_lint-*.whl"))
    assert wheels
    with zipfile.ZipFile(wheels[0]) as z:
        names = z.namelist()
        assert "keiyaku_lint/refdata/oita-police-2023.json" in names
        assert "keiyaku_lint/refdata/__init__.py" in names
        assert "keiyaku_lint/reference.py" in names
        data = json.loads(z.read("keiyaku_lint/refdata/oita-police-2023.json").decode("utf-8"))
    assert len(data["clauses"]) == 45


# ---------------------------------------------------------------- committed samples (scripts/make_samples.py)

SAMPLE_FILES = [
    "seisou-itaku-keiyakusho-draft.txt", "seisou-itaku-keiyakusho-draft.md",
    "seisou-itaku-keiyakusho-draft.docx", "seisou-itaku-keiyakusho-draft.pdf",
    "reference-annexes-clean.txt", "reference-annexes-clean.md",
    "reference-annexes-clean.docx", "reference-annexes-clean.pdf",
]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_committed(name):
    p = SAMPLES / name
    assert p.exists(), f"{p} missing: run scripts/make_samples.py"
    head = p.read_bytes()[:4]
    if name.endswith(".pdf"):
        assert head == b"%PDF"
    elif name.endswith(".docx"):
        assert head == b"PK\x03\x04"


def _missing_clauses(ref: Reference, text: str) -> list[str]:
    flat = nows(text)
    return [c.id for c in ref.clauses if clause_flat(c) not in flat]


@pytest.mark.parametrize("name", ["reference-annexes-clean.txt", "reference-annexes-clean.md"])
def test_clean_sample_text_has_every_clause(ref, name):
    text = (SAMPLES / name).read_text(encoding="utf-8")
    assert _missing_clauses(ref, text) == []
    for marker in ("本条は", "※注", "注１"):
        assert marker not in text


def test_clean_sample_docx_has_every_clause(ref):
    import docx

    d = docx.Document(str(SAMPLES / "reference-annexes-clean.docx"))
    assert _missing_clauses(ref, "\n".join(p.text for p in d.paragraphs)) == []


def test_clean_sample_pdf_has_every_clause(ref):
    """Text layer of the committed PDF (pypdfium2; LibreOffice is not needed to test)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SAMPLES / "reference-annexes-clean.pdf"))
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            w, h = page.get_size()
            assert (round(w), round(h)) == (595, 842), "A4"
            tp = page.get_textpage()
            lines = tp.get_text_range().splitlines()
            tp.close()
            page.close()
            # drop the running header and the page number footer
            pages.append("\n".join(ln for ln in lines if ln.strip() != "業務委託契約書"
                                   and not re.fullmatch(r"\s*－\s*\d+\s*－\s*", ln)))
    finally:
        pdf.close()
    assert _missing_clauses(ref, "\n".join(pages)) == []


def _docx_layout(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        document = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
        names = z.namelist()
    return {"document": document, "styles": styles, "names": names}


@pytest.mark.parametrize("name", ["seisou-itaku-keiyakusho-draft.docx", "reference-annexes-clean.docx"])
def test_sample_docx_is_a4_japanese(name):
    lay = _docx_layout(SAMPLES / name)
    # A4 in twentieths of a point: 11906 x 16838
    assert re.search(r'<w:pgSz w:w="1190[56]" w:h="1683[78]"', lay["document"])
    assert 'w:eastAsia="IPAMincho"' in lay["styles"]
    assert 'w:pageBreakBefore' in lay["document"]
    assert any(n.startswith("word/footer") for n in lay["names"])
    assert any(n.startswith("word/header") for n in lay["names"])


def test_seisou_docx_structure():
    import docx

    d = docx.Document(str(SAMPLES / "seisou-itaku-keiyakusho-draft.docx"))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "清 掃 業 務 委 託 契 約 書 (案)"
    assert "（総則）" in texts
    assert any(t.startswith("第1条\u3000乙は、別添の清掃業務委託共通仕様書") for t in texts)
    assert any(t.startswith("2\u3000前項の仕様書に明示されていない") for t in texts)
    assert "機密保持及び個人情報保護に関する特記事項" in texts
    # markdown is layout, not text
    assert not any(t.startswith(("#", "- ", "**")) or "**" in t for t in texts)
    # the line the conversion broke mid-word (実/施) is one paragraph again
    assert any("秩序ある業務の実施に努めなければならない。" in t for t in texts)
    # 別表 is a real table; the 様式 have tables too
    assert len(d.tables) >= 5
    assert d.tables[0].cell(2, 0).text == "令和8年6月分"
    footer = d.sections[0].footer._element.xml
    assert "PAGE" in footer


@needs_seed
def test_seisou_samples_match_the_seed():
    seed = (SHARED / "seeds" / "seisou-itaku-keiyakusho-draft.txt").read_bytes()
    assert (SAMPLES / "seisou-itaku-keiyakusho-draft.txt").read_bytes() == seed
    assert (SAMPLES / "seisou-itaku-keiyakusho-draft.md").read_bytes() == seed


@needs_seed
def test_seisou_docx_keeps_every_character():
    """DOCX text (paragraphs and table cells, document order) == seed minus markdown marks,
    whitespace-normalised."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = _docx_layout(SAMPLES / "seisou-itaku-keiyakusho-draft.docx")["document"]
    from xml.etree import ElementTree as ET

    root = ET.fromstring(body)
    got = nows("".join(t.text or "" for t in root.iter(f"{w}t")))
    seed = (SHARED / "seeds" / "seisou-itaku-keiyakusho-draft.txt").read_text(encoding="utf-8")
    seed = re.sub(r"(?m)^#{2,4} ", "", seed).replace("**", "")
    seed = re.sub(r"(?m)^- ", "", seed).replace("\n--\n", "\n")
    assert got == nows(seed)
