"""End to end on real documents: the samples (every format) and the dev corpora.

- a clean copy of the reference annexes reports 45 ok in TXT, MD, DOCX and PDF,
  through the installed `keiyaku-lint` command and its JSON (the eval contract);
- the 清掃 draft parses into the same tree from PDF, DOCX and MD (issue 2's figures) and
  gets the same statuses in every format;
- issue 3's acceptance findings on the 清掃 draft;
- every dev / dev-hand document audits without error, with hand-checked tree shapes
  for a few of them, and every expect_error document gives one line naming the file;
- the command-line behaviour the README promises (exit codes, folder, CSV, --lang en,
  inspect, rules, references).
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from keiyaku_lint.audit import audit_file
from keiyaku_lint.ingest import load
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import DocTree, parse_lines

from conftest import SAMPLES, find_shared

CLEAN = "reference-annexes-clean"
SEISOU = "seisou-itaku-keiyakusho-draft"
STATUSES = {"ok", "altered", "weakened", "missing"}


# ------------------------------------------------------------------ helpers


def _cli_command() -> list[str]:
    """The installed console script (beside this interpreter, else on PATH)."""
    exe = Path(sys.executable).with_name("keiyaku-lint")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("keiyaku-lint")
    if found:
        return [found]
    return [sys.executable, "-c", "from keiyaku_lint.cli import run; run()"]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(_cli_command() + list(args), capture_output=True, text=True, encoding="utf-8",
                          cwd=cwd or SAMPLES.parent, env=env, stdin=subprocess.DEVNULL, timeout=300)


def cli_json(*args: str) -> tuple[int, dict]:
    proc = run_cli(*args, "--format", "json")
    assert proc.stdout.strip(), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@functools.lru_cache(maxsize=None)
def reference():
    return load_reference()


@functools.lru_cache(maxsize=None)
def audited(path: str):
    return audit_file(path, reference())


@functools.lru_cache(maxsize=None)
def tree_of(path: str) -> DocTree:
    return parse_lines(load(path).lines, path)


def statuses(result) -> dict[str, str]:
    return {f.clause_id: f.status for f in result.findings}


def parts_with_articles(tree: DocTree):
    return [p for p in tree.parts if p.articles]


def para_counts(part) -> list[int]:
    return [len(a.paragraphs) for a in part.articles]


def sample(stem: str, ext: str) -> str:
    return str(SAMPLES / f"{stem}.{ext}")


# ------------------------------------------------------------------ clean reference copy


@pytest.mark.parametrize("ext", ["txt", "md", "docx", "pdf"])
def test_clean_reference_copy_is_45_ok_through_the_cli(ext):
    code, out = cli_json(f"samples/{CLEAN}.{ext}")
    assert out["tool"] == "keiyaku-lint"
    assert out["reference"]["id"] == "oita-police-2023"
    (doc,) = out["documents"]
    assert doc["error"] is None
    assert len(doc["findings"]) == 45
    assert len({f["clause_id"] for f in doc["findings"]}) == 45
    bad = [(f["clause_id"], f["status"], [r["message"] for r in f["reasons"]])
           for f in doc["findings"] if f["status"] != "ok"]
    assert bad == []
    assert code == 0


# ------------------------------------------------------------------ the 清掃 draft: tree


SEISOU_FORMATS = ["pdf", "docx", "md", "txt"]


def _seisou_parts(ext: str):
    tree = tree_of(sample(SEISOU, ext))
    body = tree.parts[0]
    annexes = [p for p in tree.parts if p.kind == "annex" and "特記事項" in p.title]
    assert len(annexes) == 1, [(p.kind, p.label, p.title) for p in tree.parts]
    return body, annexes[0]


@pytest.mark.parametrize("ext", SEISOU_FORMATS)
def test_seisou_tree_figures(ext):
    """Issue 2: a body of 25 articles (第3条 has 8 paragraphs) and a 特記事項 of 17
    articles (第6条 8 paragraphs, 第7条 7, 第17条 3)."""
    body, annex = _seisou_parts(ext)
    assert body.kind == "body"
    assert [a.number for a in body.articles] == list(range(1, 26))
    assert len(body.articles[2].paragraphs) == 8
    assert body.articles[2].heading == "再委託の禁止等"
    assert [a.number for a in annex.articles] == list(range(1, 18))
    counts = para_counts(annex)
    assert (counts[5], counts[6], counts[16]) == (8, 7, 3)
    assert counts == [1, 1, 1, 1, 1, 8, 7, 1, 3, 2, 1, 1, 1, 2, 1, 3, 3]
    # 第6条第8項 keeps its six items and the three sub-items of (3)
    p8 = annex.articles[5].paragraphs[7]
    assert len(p8.items) == 6 and len(p8.items[2].items) == 3
    # the notes after 第17条 (注1, 2 本特記事項は…) are not clause text
    last = annex.articles[16]
    assert not any("差し支えない" in p.full_text for p in last.paragraphs)
    assert len(last.paragraphs[2].items) == 6


def _shape_and_text(ext: str):
    tree = tree_of(sample(SEISOU, ext))
    shape = [(p.kind, [(a.number, a.heading, [len(x.items) for x in a.paragraphs]) for a in p.articles])
             for p in tree.parts]
    texts = [re.sub(r"\s", "", unicodedata.normalize("NFKC", para.full_text))
             for _, art, para in tree.paragraphs() if art is not None]
    return shape, texts


@pytest.mark.parametrize("ext", ["docx", "md", "txt"])
def test_seisou_same_tree_in_every_format(ext):
    assert _shape_and_text(ext) == _shape_and_text("pdf")


def test_seisou_pdf_tree_has_pages():
    body, annex = _seisou_parts("pdf")
    assert body.articles[0].page == 1
    pages = [a.page for a in annex.articles]
    assert all(pages) and pages == sorted(pages) and pages[0] >= body.articles[-1].page


# ------------------------------------------------------------------ the 清掃 draft: audit


@pytest.mark.parametrize("ext", ["docx", "md", "txt"])
def test_seisou_same_statuses_in_every_format(ext):
    assert statuses(audited(sample(SEISOU, ext))) == statuses(audited(sample(SEISOU, "pdf")))


@pytest.fixture(scope="module", params=["pdf", "docx"])
def seisou(request):
    result = audited(sample(SEISOU, request.param))
    assert result.error is None
    return {f.clause_id: f for f in result.findings}, result


def _reason_text(finding) -> str:
    return " ".join(f"{r.rule} {r.ref_words} {r.draft_words} {r.message('ja')}" for r in finding.reasons)


def test_seisou_tokki_1_1_weakened_by_youi_ni(seisou):
    """容易に inserted into the definition of personal information narrows it."""
    by_id, _ = seisou
    f = by_id["tokki-1-1"]
    assert f.status == "weakened"
    assert any("容易" in (r.draft_words + r.message("ja")) and r.effect == "weaken" for r in f.reasons), \
        _reason_text(f)
    assert f.location.article == "第1条" and "特記事項" in f.location.part


def test_seisou_tokki_17_2_weakened(seisou):
    by_id, _ = seisou
    f = by_id["tokki-17-2"]
    assert f.status == "weakened"
    assert f.location.article == "第17条" and f.location.paragraph == 2


def test_seisou_kisai_3_1_weakened(seisou):
    """記載例3 第1項: the ban on subcontracting narrowed to the whole or the main part."""
    by_id, _ = seisou
    f = by_id["kisai-3-1"]
    assert f.status == "weakened"
    assert f.location.part == "本文" and f.location.article == "第3条" and f.location.paragraph == 1


def test_seisou_kisai_3_1_weakened_for_the_right_reason(seisou):
    by_id, _ = seisou
    f = by_id["kisai-3-1"]
    assert any(r.effect == "weaken" and re.search(r"一部|主たる", r.ref_words + r.draft_words)
               for r in f.reasons), _reason_text(f)


def test_seisou_extra_tokki_7_6_lets_otsu_keep_information(seisou):
    _, result = seisou
    extras = [e for e in result.extras
              if e.location.article == "第7条" and e.location.paragraph == 6 and "特記事項" in e.location.part]
    assert len(extras) == 1, [(e.location.part, e.location.article, e.location.paragraph) for e in result.extras]
    assert "保有" in extras[0].text


def test_seisou_extra_tokki_17_3_overrides_the_audit(seisou):
    """The new 第17条第3項 lets written reports replace the on-site audit of 第2項."""
    by_id, result = seisou
    extras = [e for e in result.extras if e.location.article == "第17条" and e.location.paragraph == 3]
    assert len(extras) == 1
    assert extras[0].overrides == "tokki-17-2"
    assert any(r.rule == "override.added" for r in by_id["tokki-17-2"].reasons)


@pytest.mark.parametrize("clause_id", [
    "tokki-6-1",   # 毀損 → き損
    "tokki-12-1",  # のっとり → 則り
    "tokki-6-8",   # １年以上 → 1年間以上, 講ずる, half-width digits
    "tokki-14-1",  # a comma added in item (1)
    "tokki-2-1", "tokki-3-1", "tokki-4-1", "tokki-5-1", "tokki-6-2", "tokki-6-3", "tokki-6-5", "tokki-6-6",
    "tokki-7-3", "tokki-7-4", "tokki-8-1", "tokki-9-2", "tokki-9-3", "tokki-10-1", "tokki-10-2",
    "tokki-11-1", "tokki-13-1", "tokki-14-2", "tokki-15-1", "tokki-16-1", "tokki-16-2", "tokki-16-3",
    "tokki-17-1", "kisai-1-1", "kisai-1-2", "kisai-4-3",
])
def test_seisou_orthographic_only_clauses_are_ok(seisou, clause_id):
    by_id, _ = seisou
    f = by_id[clause_id]
    assert f.status == "ok", _reason_text(f)


def test_seisou_dropped_na_is_not_a_content_deletion(seisou):
    by_id, _ = seisou
    assert not any(r.rule == "content.deleted" and r.ref_words == "な" for r in by_id["tokki-6-7"].reasons)


def test_seisou_kisai_4_1_found_in_the_termination_article(seisou):
    """記載例4 第1項's two grounds sit as items 五 and 六 of the draft's 第20条: present, not missing."""
    by_id, _ = seisou
    f = by_id["kisai-4-1"]
    assert f.status in ("altered", "weakened")
    assert f.location.article == "第20条"


def test_seisou_json_through_the_cli():
    code, out = cli_json(f"samples/{SEISOU}.pdf")
    (doc,) = out["documents"]
    assert code == 1  # findings at or above the default --fail-on weakened
    assert doc["error"] is None and len(doc["findings"]) == 45
    f = {x["clause_id"]: x for x in doc["findings"]}
    for key in ("clause_id", "status", "title", "location", "similarity", "reasons", "reference_text",
                "found_text"):
        assert key in f["tokki-1-1"]
    assert f["tokki-1-1"]["location"]["page"] >= 1
    assert f["tokki-1-1"]["location"]["article"] == "第1条"
    assert {r["rule"] for r in f["tokki-1-1"]["reasons"]} & {"scope.narrowed", "content.deleted"}
    assert all(x["status"] in STATUSES for x in doc["findings"])
    assert any("保有" in e["text"] for e in doc["extras"])


# ------------------------------------------------------------------ corpora


def _corpus_docs() -> list[tuple[str, str, bool]]:
    shared = find_shared()
    if shared is None:
        return []
    out = []
    for corpus in ("dev", "dev-hand"):
        labels = json.loads((shared / "corpus" / corpus / "labels.json").read_text(encoding="utf-8"))
        out += [(corpus, d["file"], bool(d.get("expect_error"))) for d in labels["documents"]]
    return out


CORPUS = _corpus_docs()
READABLE = [(c, f) for c, f, err in CORPUS if not err]
ERRORS = [(c, f) for c, f, err in CORPUS if err]


@pytest.mark.parametrize("corpus, name", READABLE)
def test_corpus_document_audits_without_error(shared_dir, corpus, name):
    result = audited(str(shared_dir / "corpus" / corpus / name))
    assert result.error is None
    assert [f.clause_id for f in result.findings] == [c.id for c in reference().clauses]
    assert all(f.status in STATUSES for f in result.findings)
    assert all(f.location is not None for f in result.findings if f.status != "missing")


@pytest.mark.parametrize("corpus, name", READABLE)
def test_corpus_document_has_a_17ish_article_tokki(shared_dir, corpus, name):
    """Every document holds the 特記事項 as one run of 15–18 articles (some drafts delete or
    add one or two) — in an annex, or inside the body (dev-hand 05's 第２章)."""
    tree = tree_of(str(shared_dir / "corpus" / corpus / name))
    annexes = [p for p in tree.parts if p.kind == "annex" and p.articles]
    if annexes:
        assert len(annexes) == 1
        assert 15 <= len(annexes[0].articles) <= 18
    else:
        assert len(tree.parts[0].articles) >= 30


# Article and paragraph counts checked by hand against the files (article headings and
# paragraph numbers read off the text; 0 = that part is absent).
#   body: paragraphs per article of the contract body; tokki: of the 特記事項.
HAND_CHECKED = {
    ("dev", "d07-anketo.txt"): ("12112121131131", "111118611321112132"),  # extra 第9条 作業記録の保存
    ("dev", "d17-insatsu.pdf"): ("121131312121", "1111186132111132"),  # 第15条 and 14-2, kisai-4-3 deleted
    ("dev", "d01-insatsu.docx"): ("121131312131", "11111861321112132"),
    ("dev", "d23-bunsho.pdf"): ("122121131131", "11111961321121312"),  # overriding 6-9, an extra article
    ("dev-hand", "02-ishitsubutsu-system-unyou.txt"): ("211121312232111", "11111861321112132"),  # 別記 第１
    ("dev-hand", "06-chushajo-kanri.txt"): ("211121312232111", "11111861321112132"),  # 別紙 １．（１）
    ("dev-hand", "09-senkyo-poster-keijijou.txt"): ("212121212232111", "11111851321112132"),  # wrapped at 38
    ("dev-hand", "10-fukushi-kyufukin-shikyu.pdf"): ("211121312232111", "11111861421112132"),  # 別記, 9-2 added
    ("dev-hand", "04-saigai-bichikuhin-kanri.docx"): ("2112121312242111", "1111186131112132"),  # 第10条 deleted
}


def _digits(counts: list[int]) -> str:
    return "".join(str(n) for n in counts)


@pytest.mark.parametrize("corpus, name", sorted(HAND_CHECKED))
def test_corpus_tree_shape_checked_by_hand(shared_dir, corpus, name):
    body_shape, tokki_shape = HAND_CHECKED[corpus, name]
    tree = tree_of(str(shared_dir / "corpus" / corpus / name))
    parts = parts_with_articles(tree)
    assert [p.kind for p in parts] == ["body", "annex"]
    assert _digits(para_counts(parts[0])) == body_shape
    assert _digits(para_counts(parts[1])) == tokki_shape


def test_corpus_chapter_layout_holds_the_tokki_in_the_body(shared_dir):
    """dev-hand 05: the 特記事項 is 第２章 of the body, 第14条〜第30条."""
    tree = tree_of(str(shared_dir / "corpus" / "dev-hand" / "05-kenritsu-taiikukan-unei.md"))
    parts = parts_with_articles(tree)
    assert len(parts) == 1
    arts = parts[0].articles
    assert [a.number for a in arts] == list(range(1, len(arts) + 1))
    tokki = [a for a in arts if 14 <= a.number <= 30]
    assert _digits([len(a.paragraphs) for a in tokki]) == "11111861321112132"
    assert all(a.chapter and "第２章" in a.chapter for a in tokki)


@pytest.mark.parametrize("corpus, name", ERRORS)
def test_expect_error_document_gives_one_line_naming_the_file(shared_dir, corpus, name):
    result = audited(str(shared_dir / "corpus" / corpus / name))
    assert result.error and result.findings == []
    assert "\n" not in result.error
    assert name in result.error
    assert result.error_code


def test_expect_error_documents_through_the_cli_json(shared_dir):
    files = [str(shared_dir / "corpus" / c / n) for c, n in ERRORS]
    assert files
    code, out = cli_json(*files)
    assert code == 2  # every input unreadable
    assert len(out["documents"]) == len(files)
    for doc in out["documents"]:
        assert doc["findings"] == []
        assert "\n" not in doc["error"] and Path(doc["path"]).name in doc["error"]


def test_expect_error_console_line_is_one_line(shared_dir):
    path = shared_dir / "corpus" / "dev" / "d90-encrypted.pdf"
    proc = run_cli(str(path))
    assert proc.returncode == 2
    lines = (proc.stdout + proc.stderr).splitlines()
    assert any(str(path) in line and "encrypted-pdf" in line and "password" in line for line in lines), lines


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Quick start"):]
    block = section[section.index("```sh") + 5:]
    commands = [line for line in block[:block.index("```")].splitlines() if line.strip()]
    assert commands == ["python3 -m pip install . && keiyaku-lint samples/seisou-itaku-keiyakusho-draft.pdf",
                        "python3 -m pip install '.[test]' && python3 -m pytest"]
    ci = (SAMPLES.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in [line.strip() for line in ci.splitlines()]
    assert "set -euo pipefail" in ci


def test_readme_quotes_the_real_error_messages(shared_dir):
    """README, "What happens with bad input", quotes the messages of d90–d94 verbatim."""
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    quoted = dict(re.findall(r"^\| `[a-z-]+` \| `(d9\d-[^:]+): ([^`]+)` \|$", readme, flags=re.M))
    assert len(quoted) == 5
    for name, message in quoted.items():
        result = audited(str(shared_dir / "corpus" / "dev" / name))
        assert result.error == f"{shared_dir / 'corpus' / 'dev' / name}: {message}"


def test_error_file_does_not_stop_the_others(shared_dir):
    bad = str(shared_dir / "corpus" / "dev" / "d91-empty.md")
    code, out = cli_json(bad, f"samples/{CLEAN}.md")
    assert [bool(d["error"]) for d in out["documents"]] == [True, False]
    assert len(out["documents"][1]["findings"]) == 45
    assert code == 0  # the readable file is clean


# ------------------------------------------------------------------ the command line as the README shows it


def test_cli_folder_and_csv():
    proc = run_cli("samples", "--format", "csv")
    rows = proc.stdout.splitlines()
    assert rows[0].startswith("ファイル,条項ID")
    files = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx", ".txt", ".md"))
    assert len(rows) == 1 + 45 * len(files)
    assert proc.returncode == 1


def test_cli_csv_english_headers():
    proc = run_cli(f"samples/{CLEAN}.txt", "--format", "csv", "--lang", "en")
    assert proc.stdout.splitlines()[0].startswith("file,clause_id,title,status")
    assert proc.returncode == 0


def test_cli_console_japanese_and_english():
    ja = run_cli(f"samples/{SEISOU}.md")
    assert ja.returncode == 1
    assert "弱化" in ja.stdout and "tokki-1-1" in ja.stdout
    assert "tokki-6-1 " not in ja.stdout  # ok clauses folded
    en = run_cli(f"samples/{SEISOU}.md", "--lang", "en", "-v")
    assert "weakened" in en.stdout and "tokki-6-1" in en.stdout


def test_cli_fail_on_never_exits_0():
    assert run_cli(f"samples/{SEISOU}.md", "--fail-on", "never").returncode == 0


def test_cli_inspect_rules_references():
    out = run_cli("inspect", f"samples/{SEISOU}.pdf")
    assert out.returncode == 0
    assert "[本文]  (25 articles)" in out.stdout
    assert "第3条 （再委託の禁止等）  (8 項)" in out.stdout
    assert "(17 articles)" in out.stdout
    rules = run_cli("rules")
    assert rules.returncode == 0 and "modality.softened" in rules.stdout
    refs = run_cli("references")
    assert refs.returncode == 0 and "oita-police-2023" in refs.stdout and "45" in refs.stdout


def test_docs_rules_md_covers_the_catalogue():
    """docs/rules.md is `keiyaku-lint rules --markdown > docs/rules.md`: one section per rule
    of the catalogue (regenerate it when a rule is added or removed)."""
    from keiyaku_lint.rules.catalog import RULES

    docs = (SAMPLES.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    documented = re.findall(r"^## (KL\d+) `([a-z.]+)`", docs, flags=re.M)
    assert documented == [(r.code, r.name) for r in RULES]
    out = run_cli("rules", "--markdown")
    assert out.returncode == 0 and out.stdout.startswith("# keiyaku-lint rules")
