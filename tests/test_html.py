"""HTML report: self-contained, escaped, redlines, both languages; a chromium screenshot (slow)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from keiyaku_lint import html as report_html
from keiyaku_lint.audit import DocResult, Extra, Location, audit_file
from keiyaku_lint.reference import load_reference
from test_cli_common import REPO, make_variants

REF = load_reference()


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[DocResult]:
    docs = make_variants(tmp_path_factory.mktemp("variants"))
    empty = docs["clean"].parent / "empty.md"
    empty.write_bytes(b"")
    return [audit_file(str(p), REF) for p in (docs["clean"], docs["weak"], docs["missing"], empty)]


def _kinds(segs, kind):
    return "".join(t for k, t in segs if k == kind)


def test_redline_marks_words_not_whole_sentences():
    ref = "乙は、甲の承諾を得なければならない。"
    draft = "乙は、甲に通知するよう努めるものとする。"
    left, right = report_html.redline(ref, draft)
    assert "".join(t for _, t in left) == ref and "".join(t for _, t in right) == draft
    assert _kinds(left, "eq").startswith("乙は、甲")
    assert "承諾" in _kinds(left, "del") and "努める" in _kinds(right, "ins")
    assert "乙は" not in _kinds(left, "del")


def test_redline_ignores_width_variants():
    left, right = report_html.redline("少なくとも１年に１回", "少なくとも1年に1回")
    assert {k for k, _ in left} == {"eq"} and {k for k, _ in right} == {"eq"}
    left, right = report_html.redline("１年に１回", "６月に１回")
    assert _kinds(left, "del") == "１年" or "年" in _kinds(left, "del")
    assert "６" in _kinds(right, "ins")


def test_page_is_self_contained(results):
    page = report_html.render(results, REF)
    low = page.lower()
    for banned in ("<script", "<link", "@import", "url(", "http://", "https://", "<iframe", "<img"):
        assert banned not in low, banned
    assert '"IPAexMincho"' in page and '"Noto Serif CJK JP"' in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and 'lang="ja"' in page


def test_summary_table_and_sections(results):
    page = report_html.render(results, REF)
    table = page[page.index('<table class="summary">'): page.index("</table>")]
    assert table.count("<tr>") == 1 + len(results)
    assert page.count('<section id="doc-') == len(results)
    assert "すべての条項が基準どおりです。" in page  # the clean document
    assert "empty: Empty file" in page  # the error row


def test_non_ok_clauses_are_redlined(results):
    page = report_html.render(results, REF)
    weak = page[page.index('<section id="doc-1">'): page.index('<section id="doc-2">')]
    assert weak.count('<div class="clause">') == sum(1 for f in results[1].findings if f.status != "ok")
    assert "tokki-5-1" in weak and "KL101" in weak
    assert re.search(r"<del>[^<]*てはならない[^<]*</del>", weak) or "<del>して" in weak
    assert re.search(r"<ins>[^<]*努め[^<]*</ins>", weak)
    missing = page[page.index('<section id="doc-2">'): page.index('<section id="doc-3">')]
    assert "tokki-17-2" in missing and "（契約書に該当する項がありません）" in missing


def test_english_page(results):
    page = report_html.render(results, REF, "en")
    assert 'lang="en"' in page and "Contract audit report" in page and "(no matching paragraph in the draft)" in page
    assert "weakened" in page


def test_everything_is_escaped():
    clause = REF.clauses[0]
    from keiyaku_lint.audit import Finding

    nasty = "<script>alert(1)</script>&"
    doc = DocResult(f"/tmp/{nasty}.txt", findings=[
        Finding(clause, "altered", Location("部<u>", "第1条", 1), 0.5, [], found_text=clause.text + nasty)])
    doc.findings += [Finding(c, "ok") for c in REF.clauses[1:]]
    doc.extras = [Extra(Location("x", "第1条", 2), f"前項の規定にかかわらず{nasty}", overrides=clause.id)]
    err = DocResult(f"/e/{nasty}.pdf", error=f"/e/{nasty}.pdf: corrupt-pdf: {nasty}", error_code="corrupt-pdf")
    page = report_html.render([doc, err], REF)
    assert "<script>" not in page and "<u>" not in page and "部&lt;u&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in page
    assert page.count("前項の規定にかかわらず") == 1  # the overriding extra is shown with its clause


def test_write_html_is_atomic_and_utf8(tmp_path, results):
    target = tmp_path / "r.html"
    report_html.write_html(target, results, REF)
    assert target.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed "
                    "(apt-get install -y chromium fonts-ipafont-mincho fonts-ipafont-gothic)")
def test_screenshot_in_headless_chromium(tmp_path, results):
    page = tmp_path / "report.html"
    report_html.write_html(page, results, REF)
    png = tmp_path / "report.png"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "screenshot_html.py"), str(page), "-o", str(png)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a blank page compresses to a few kB; text, tables and colours do not
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True).stdout
        assert fonts.strip(), "no Japanese font installed: the page would render as boxes"
