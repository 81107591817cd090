"""Offline and confidential: contracts never leave the machine, nothing is left behind,
no contract text on stderr.

The CLI runs in a subprocess over the clean and draft samples (TXT, DOCX, PDF), once in
process (--jobs 1) and once with worker processes (--jobs 2), with:

* network sockets blocked: a `sitecustomize` on PYTHONPATH (so that the spawned workers
  get it too — a `python -c` wrapper around cli.main would guard only the parent) makes
  AF_INET/AF_INET6 sockets, create_connection and DNS look-ups raise, and logs every
  attempt; the audit must pass and the log stay empty;
* a private TMPDIR (the shared /tmp sees other runs come and go) that must be empty again
  afterwards, and an empty working folder that must hold only the requested reports;
* stderr checked for contract text: only the CLI's own "keiyaku-lint: …" lines.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_hostile import CATALOG, PDF_FONT, make_pdf, pdf_page, pdf_stream

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
DOCS = [SAMPLES / f"{stem}.{ext}" for stem in ("reference-annexes-clean", "seisou-itaku-keiyakusho-draft")
        for ext in ("txt", "docx", "pdf")]

NET_GUARD = textwrap.dedent('''\
    # Test hook (tests/test_offline.py): no network for any interpreter of the run.
    import os
    _log = os.environ.get("KL_NET_LOG")
    if _log:
        import socket

        def _record(what):
            with open(_log, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {what}\\n")

        _Real = socket.socket

        class _Guarded(_Real):
            def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
                fam = socket.AF_INET if family == -1 else family
                if fileno is None and fam in (socket.AF_INET, socket.AF_INET6):
                    _record(f"socket({fam!r})")
                    raise OSError(101, "network blocked by the test")
                super().__init__(family, type, proto, fileno)

        def _blocked(name):
            def refuse(*args, **kwargs):
                _record(f"{name}{args!r}")
                raise OSError(101, f"network blocked by the test ({name})")
            return refuse

        socket.socket = _Guarded
        for _name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname",
                      "gethostbyname_ex", "gethostbyaddr", "getnameinfo"):
            setattr(socket, _name, _blocked(_name))
    ''')


def guarded_env(tmp: Path) -> tuple[dict, Path, Path]:
    hook = tmp / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(NET_GUARD, encoding="utf-8")
    tmpdir = tmp / "tmpdir"
    tmpdir.mkdir(exist_ok=True)
    log = tmp / "network.log"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", "KL_NET_LOG": str(log),
           "TMPDIR": str(tmpdir), "TEMP": str(tmpdir), "TMP": str(tmpdir),
           "PYTHONPATH": os.pathsep.join([str(hook)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    return env, log, tmpdir


def test_the_network_guard_works(tmp_path):
    env, log, _ = guarded_env(tmp_path)
    code = ("import urllib.request\n"
            "try:\n    urllib.request.urlopen('http://192.0.2.1/', timeout=2)\nexcept OSError as e:\n"
            "    print('blocked', e)\n"
            "import multiprocessing\na, b = multiprocessing.Pipe()\na.send(1)\nprint('pipe', b.recv())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "blocked" in proc.stdout and "pipe 1" in proc.stdout, proc.stderr
    assert log.read_text(encoding="utf-8").strip()  # the attempt was seen


@pytest.fixture(scope="module", params=["1", "2"], ids=["jobs1", "jobs2"])
def offline_run(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"offline-j{request.param}")
    env, log, tmpdir = guarded_env(tmp)
    work = tmp / "work"
    work.mkdir()
    reports = ["detail.csv", "summary.csv", "report.html", "report.json"]
    proc = subprocess.run(
        [sys.executable, "-m", "keiyaku_lint.cli", *map(str, DOCS), "--format", "json", "--no-config",
         "--jobs", request.param, "--timeout", "120", "--csv", "detail.csv", "--summary", "summary.csv",
         "--html", "report.html", "--json", "report.json"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=work, timeout=300, stdin=subprocess.DEVNULL)
    return {"proc": proc, "log": log, "tmpdir": tmpdir, "work": work, "reports": reports}


def test_audit_passes_with_the_network_blocked(offline_run):
    proc = offline_run["proc"]
    assert proc.returncode == 1, proc.stderr[-2000:]  # the draft has weakened / missing clauses
    docs = json.loads(proc.stdout)["documents"]
    assert [d["path"] for d in docs] == [str(p) for p in DOCS]
    for d in docs:
        assert d["error"] is None and len(d["findings"]) == 45, d["path"]
        if "reference-annexes-clean" in d["path"]:
            assert {f["status"] for f in d["findings"]} == {"ok"}, d["path"]
    assert not offline_run["log"].exists(), offline_run["log"].read_text(encoding="utf-8")


def test_no_temporary_file_outlives_the_run(offline_run):
    assert sorted(os.listdir(offline_run["tmpdir"])) == []
    assert sorted(os.listdir(offline_run["work"])) == sorted(offline_run["reports"])


def test_html_report_loads_nothing_from_outside(offline_run):
    html = (offline_run["work"] / "report.html").read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)|url\(\s*["']?([^"')]+)|@import\s+["']?([^"';]+)""", html)
    outside = [r for group in refs for r in group if r and not r.startswith(("#", "data:"))]
    assert not outside, outside[:5]


def _fragments(text: str, width: int = 10) -> set[str]:
    """Pieces of contract text long enough to be recognisable."""
    out = set()
    for piece in re.split(r"[。\n]", text):
        piece = piece.strip(" \u3000\t")
        if len(piece) >= width and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", piece):
            out.add(piece[:width * 2])
    return out


def test_no_contract_text_on_stderr(offline_run):
    err = offline_run["proc"].stderr
    for line in err.splitlines():
        assert line.startswith("keiyaku-lint: "), line[:200]
    text = "".join((SAMPLES / f"{s}.txt").read_text(encoding="utf-8")
                   for s in ("reference-annexes-clean", "seisou-itaku-keiyakusho-draft"))
    leaked = [f for f in _fragments(text) if f in err]
    assert not leaked, leaked[:3]


def leaky_pdf() -> bytes:
    """A PDF pdfium refuses (its page tree lists itself) and pdfplumber reads, with a colour
    operator whose operand is a text string: pdfminer logs the operands."""
    content = (b"BT /F1 12 Tf 72 720 Td (Article 1 The contractor shall keep every secret.) Tj ET\n"
               b"BT /F1 12 Tf 72 700 Td (KEIYAKU-SECRET-CLAUSE-0042) 0 0 rg (Article 2 Return all data.) Tj ET")
    return make_pdf([CATALOG, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", pdf_page(),
                     pdf_stream(content), PDF_FONT])


def test_parser_warnings_do_not_leak_contract_text(tmp_path):
    pdf = tmp_path / "leaky.pdf"
    pdf.write_bytes(leaky_pdf())
    env, _, _ = guarded_env(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "keiyaku_lint.cli", str(pdf), "--format", "json", "--no-config",
                           "--jobs", "1"], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert json.loads(proc.stdout)["documents"][0]["error"] is None  # pdfplumber did read it
    assert "KEIYAKU-SECRET-CLAUSE-0042" not in proc.stderr, proc.stderr[:500]
