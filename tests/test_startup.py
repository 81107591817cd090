"""Start-up stays light: `--help` and `--version` import none of the heavy modules
(pandas ~0.5 s, numpy ~0.2 s, pdfplumber/pdfminer, Sudachi, rapidfuzz, pypdfium2,
python-docx/lxml). Checked in a fresh interpreter through sys.modules, not by timing
(timings belong to bench/run.py)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "pdfplumber", "pdfminer", "sudachipy", "sudachidict_core", "rapidfuzz",
         "pypdfium2", "pypdfium2_raw", "docx", "lxml")

PROBE = r"""
import io, json, sys
from contextlib import redirect_stdout
import keiyaku_lint.cli as cli
after_import = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
out = io.StringIO()
code = None
with redirect_stdout(out):
    try:
        cli.main(ARGV)
    except SystemExit as exc:
        code = exc.code
after_run = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print(json.dumps({"import": after_import, "run": after_run, "code": code, "out": out.getvalue()}))
"""


def _probe(argv: list[str]) -> dict:
    code = PROBE.replace("HEAVY", repr(HEAVY)).replace("ARGV", repr(argv))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_importing_the_cli_imports_nothing_heavy():
    assert _probe(["--version"])["import"] == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["inspect", "--help"]], ids=" ".join)
def test_help_and_version_import_nothing_heavy(argv):
    res = _probe(argv)
    assert res["code"] in (0, None)
    assert res["run"] == [], f"{' '.join(argv)} imported {res['run']}"
    assert res["out"].strip()


def test_version_prints_the_version():
    from keiyaku_lint import __version__

    assert _probe(["--version"])["out"].strip() == f"keiyaku-lint {__version__}"


def test_ingest_package_imports_no_pdf_or_docx_library():
    """ingest.load picks the loader after sniffing: importing ingest loads none of them."""
    code = ("import json, sys; import keiyaku_lint.ingest; "
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_option_parsing_imports_no_pydantic(tmp_path):
    """typer 0.29 parses every option through pydantic (+0.25 s per run, README
    "Performance"); pyproject caps typer below it. An audit with options must not import it."""
    txt = tmp_path / "small.txt"
    txt.write_text("第1条　乙は、甲の承諾を得なければならない。\n", encoding="utf-8")
    code = PROBE.replace("HEAVY", repr(("pydantic", "pydantic_core"))).replace(
        "ARGV", repr(["--no-config", "--format", "json", "--jobs", "1", "--fail-on", "never", str(txt)]))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["code"] in (0, None) and json.loads(res["out"])["documents"], res
    assert res["run"] == [], f"option parsing imported {res['run']}"
