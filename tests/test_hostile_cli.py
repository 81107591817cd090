"""Hostile inputs through the command line, and batch accounting.

`keiyaku-lint FILES --format json` in a subprocess, as users run it, over a mix of
hostile files, a file whose worker process dies, and a PDF that hangs its parser
(pdfplumber engine):

* stdout holds the JSON report and nothing else; stderr has no traceback;
* every input appears exactly once — in the JSON and in the summary CSV — as a result
  or as a one-line error naming it (a hang becomes a `timeout` row, a dead worker a
  `worker-crashed` row), in input order;
* exit 2 when every input is unreadable;
* a missing or read-only report folder is refused before any file is audited (in-process,
  with the audit function replaced by a recorder).

A worker death is simulated with a `sitecustomize` module put on PYTHONPATH for the
subprocess: every interpreter of the run (the CLI and its spawned workers) wraps
`keiyaku_lint.batch.audit_file` to log the paths it audits and to `os._exit` on a
chosen file name. That is the only hook used; nothing in the package is patched.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from test_hostile import (DOCUMENTED, HOSTILE_PDFS, LAUGHS, SAMPLES, flip_bits, make_docx, para, sample, word_xml,
                          xxe, zip_bomb)

BATCH_CODES = {"timeout", "worker-crashed"}  # rows the batch adds; "internal-error" would be a bug
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

SITECUSTOMIZE = textwrap.dedent('''\
    # Test hook (tests/test_hostile_cli.py): log audited paths, die on a chosen file.
    import os
    _log = os.environ.get("KL_TEST_AUDIT_LOG")
    _die = os.environ.get("KL_TEST_DIE_ON")
    if _log or _die:
        import keiyaku_lint.batch as _batch

        _real = _batch.audit_file

        def audit_file(path, *args, **kwargs):
            if _log:
                with open(_log, "a", encoding="utf-8", errors="surrogateescape") as fh:
                    fh.write(os.path.basename(path).replace("\\n", " ") + "\\n")
            if _die and _die in os.path.basename(path):
                os._exit(70)  # the worker dies without a word
            return _real(path, *args, **kwargs)

        _batch.audit_file = audit_file
    ''')


def run_cli(args, tmp: Path, env_extra: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """keiyaku-lint in a subprocess with the test hook on PYTHONPATH; bytes out (not decoded)."""
    hook = tmp / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200",
           "PYTHONPATH": os.pathsep.join([str(hook)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "keiyaku_lint.cli", *map(os.fsencode, args)],
                          capture_output=True, cwd=tmp, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def hostile_folder(root: Path) -> list[Path]:
    """A representative file of each kind, in a fixed order."""
    pdf, docx_ = sample("pdf"), sample("docx")
    files = [
        # first: it holds one worker for the whole --timeout while the other does the rest
        _write(root / "pdf-loops-forever.pdf", HOSTILE_PDFS["object-is-ref-to-itself"]()),
        _write(root / "clean-reference.txt", (SAMPLES / "reference-annexes-clean.txt").read_bytes()),
        _write(root / "truncated-half.pdf", pdf[: len(pdf) // 2]),
        _write(root / "truncated-99pct.docx", docx_[: len(docx_) * 99 // 100]),
        _write(root / "flipped.pdf", flip_bits(pdf, 7, 10)),
        _write(root / "flipped.docx", flip_bits(docx_, 7, 10)),
        _write(root / "zip-bomb.docx", zip_bomb(300)),
        _write(root / "billion-laughs.docx", make_docx({"word/document.xml": word_xml(para("&lol9;"), LAUGHS)})),
        _write(root / "xxe.docx", make_docx({"word/document.xml": word_xml(para("&xxe;"),
                                                                           xxe("file:///etc/passwd"))})),
        _write(root / "pdf-count-2147483647.pdf", HOSTILE_PDFS["count-2147483647"]()),
        _write(root / "empty.pdf", b""),
        _write(root / "word-worker-dies.docx", docx_),  # the hook kills the worker on this one
        _write(root / "清掃業務委託契約書（案）.docx", docx_),
        _write(root / "  spaced  name .pdf", pdf),
        _write(root / ("n" * 196 + ".md"), sample("md")),
        _write(root / "line\nbreak.txt", sample("txt")),
        root / "missing.pdf",
    ]
    broken = root / "broken-link.docx"
    broken.symlink_to(root / "gone.docx")
    files.insert(12, broken)
    return files


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli-hostile")
    files = hostile_folder(tmp / "in")
    log = tmp / "audited.log"
    out = tmp / "out"
    out.mkdir()
    start = time.monotonic()
    # --pdf-engine pdfplumber: the engine that can loop forever (the default refuses the looping
    # file at once), so that the per-file timeout of the worker pool is exercised on a real parser
    proc = run_cli([*files, "--format", "json", "--no-config", "--jobs", "2", "--timeout", "10",
                    "--pdf-engine", "pdfplumber", "--summary", out / "summary.csv", "--csv", out / "detail.csv"], tmp,
                   {"KL_TEST_AUDIT_LOG": str(log), "KL_TEST_DIE_ON": "worker-dies"})
    return {"proc": proc, "files": files, "took": time.monotonic() - start, "out": out, "log": log}


def test_stdout_is_only_the_json_report(hostile_run):
    proc = hostile_run["proc"]
    stdout = proc.stdout.decode("utf-8")  # valid UTF-8
    data = json.loads(stdout)  # one JSON document, nothing before or after it
    assert stdout.strip().startswith("{") and stdout.strip().endswith("}")
    assert len(data["documents"]) == len(hostile_run["files"])


def test_no_traceback_on_stderr(hostile_run):
    err = hostile_run["proc"].stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "Error:" not in err.replace("keiyaku-lint:", ""), err[-3000:]


def test_every_input_appears_exactly_once_in_input_order(hostile_run):
    proc, files = hostile_run["proc"], hostile_run["files"]
    docs = json.loads(proc.stdout)["documents"]
    assert [d["path"] for d in docs] == [str(f) for f in files]
    with open(hostile_run["out"] / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == [str(f) for f in files]  # header + one row per input


def test_each_error_is_one_documented_line_naming_its_file(hostile_run):
    docs = json.loads(hostile_run["proc"].stdout)["documents"]
    for d in docs:
        if d["error"] is None:
            assert d["findings"], d["path"]
            continue
        assert "\n" not in d["error"], d["error"]
        assert d["error_code"] in DOCUMENTED | BATCH_CODES, d["error"]
        assert d["error"].startswith(" ".join(d["path"].split()) + ": " + d["error_code"] + ": "), d["error"]


def test_expected_outcomes(hostile_run):
    codes = {Path(d["path"]).name: d.get("error_code") for d in json.loads(hostile_run["proc"].stdout)["documents"]}
    assert codes["clean-reference.txt"] is None
    assert codes["zip-bomb.docx"] == "too-large"
    assert codes["billion-laughs.docx"] == "broken-docx" and codes["xxe.docx"] == "broken-docx"
    assert codes["empty.pdf"] == "empty" and codes["missing.pdf"] == "unreadable"
    assert codes["broken-link.docx"] == "unreadable"
    assert codes["清掃業務委託契約書（案）.docx"] is None and codes["  spaced  name .pdf"] is None
    assert codes["line\nbreak.txt"] is None and codes["n" * 196 + ".md"] is None
    # refused at once by the default engine (pdfium cannot parse it; pdfplumber, which would
    # loop on it, is not tried), else stopped by the per-file timeout
    assert codes["pdf-loops-forever.pdf"] in ("corrupt-pdf", "timeout")
    # a worker that dies takes only its own file with it
    assert codes["word-worker-dies.docx"] == "worker-crashed"
    assert hostile_run["took"] < 120


def test_the_dead_worker_was_replaced_and_the_run_went_on(hostile_run):
    """The files after the one that killed its worker were audited (by a new worker)."""
    docs = json.loads(hostile_run["proc"].stdout)["documents"]
    names = [Path(d["path"]).name for d in docs]
    after = names[names.index("word-worker-dies.docx") + 1:]
    assert any(d["error"] is None for d in docs if Path(d["path"]).name in after)
    audited = hostile_run["log"].read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    assert "word-worker-dies.docx" in audited  # the hook really ran in a worker


def test_exit_status_with_some_readable_input(hostile_run):
    assert hostile_run["proc"].returncode in (0, 1), hostile_run["proc"].stderr[-2000:]


def test_exit_2_when_every_input_is_unreadable(tmp_path):
    files = [_write(tmp_path / "in" / "empty.docx", b""), tmp_path / "in" / "missing.pdf",
             _write(tmp_path / "in" / "bomb.docx", zip_bomb(300)),
             _write(tmp_path / "in" / "half.pdf", sample("pdf")[:5000])]
    proc = run_cli([*files, "--format", "json", "--no-config", "--jobs", "1"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    docs = json.loads(proc.stdout)["documents"]
    assert [d.get("error_code") for d in docs] == ["empty", "unreadable", "too-large", "corrupt-pdf"]
    assert all("\n" not in d["error"] for d in docs)
    assert b"Traceback" not in proc.stderr


@pytest.mark.skipif(IS_ROOT, reason="root reads any file: see test_hostile.py permission-000 (loads as nobody)")
def test_unreadable_permissions_through_the_cli(tmp_path):
    locked = _write(tmp_path / "in" / "locked.pdf", sample("pdf"))
    locked.chmod(0)
    try:
        proc = run_cli([locked, "--format", "json", "--no-config", "--jobs", "1"], tmp_path)
    finally:
        locked.chmod(0o600)
    assert proc.returncode == 2
    (doc,) = json.loads(proc.stdout)["documents"]
    assert doc["error_code"] == "unreadable" and "Permission denied" in doc["error"]


def test_non_utf8_file_name_through_the_cli(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"\xff\xfe\x8c-contract.txt")
    with open(raw, "wb") as fh:
        fh.write(sample("txt"))
    proc = run_cli([folder, "--format", "json", "--no-config", "--jobs", "1"], tmp_path)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")[-1500:]
    (doc,) = json.loads(proc.stdout.decode("utf-8"))["documents"]
    assert doc["error"] is None


# --------------------------------------------------------------------------- report folders


def _unwritable_folder(tmp: Path) -> Path:
    if IS_ROOT:
        return Path("/proc/self")  # root may write anywhere but here: procfs refuses new files
    folder = tmp / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("flag", ["--summary", "--csv", "--json", "--html"])
@pytest.mark.parametrize("where", ["missing-folder", "read-only-folder", "file-as-folder"])
def test_bad_report_folder_fails_before_any_work(tmp_path, capsys, monkeypatch, flag, where):
    """In-process (fast): the audit function is replaced by one that records its calls."""
    from keiyaku_lint import batch
    from keiyaku_lint.cli import main

    inputs = [_write(tmp_path / "in" / "a.txt", (SAMPLES / "reference-annexes-clean.txt").read_bytes()),
              _write(tmp_path / "in" / "b.pdf", sample("pdf"))]
    if where == "missing-folder":
        target = tmp_path / "no" / "such" / "folder" / "report.out"
    elif where == "read-only-folder":
        target = _unwritable_folder(tmp_path) / "report.out"
    else:
        _write(tmp_path / "plain-file", b"x")
        target = tmp_path / "plain-file" / "report.out"
    audited = []
    monkeypatch.setattr(batch, "audit_file", lambda path, *a, **k: audited.append(path))
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    try:
        main([*map(str, inputs), "--no-config", "--jobs", "1", flag, str(target)])
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        if where == "read-only-folder" and not IS_ROOT:
            (tmp_path / "readonly").chmod(0o755)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("keiyaku-lint: ") and flag in err and str(target) in err, err
    assert not audited, "a file was audited before the report folder was checked"
    assert not target.exists()


# --------------------------------------------------------------------------- in-process timeout


def test_single_file_timeout_stops_a_parser_loop(tmp_path):
    pdf = _write(tmp_path / "in" / "loop.pdf", HOSTILE_PDFS["object-is-ref-to-itself"]())
    start = time.monotonic()
    try:
        # pdfplumber explicitly: the default engine refuses this file at once (pdfium cannot parse it)
        proc = run_cli([pdf, "--format", "json", "--no-config", "--timeout", "2", "--pdf-engine", "pdfplumber"],
                       tmp_path, timeout=12)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {time.monotonic() - start:.0f} s with --timeout 2")
    (doc,) = json.loads(proc.stdout)["documents"]
    assert doc["error_code"] == "timeout"


def test_console_error_line_is_not_wrapped(tmp_path, capsys, monkeypatch):
    from keiyaku_lint.cli import main

    monkeypatch.delenv("COLUMNS", raising=False)
    missing = tmp_path / ("a-rather-long-folder-name-" * 3) / "missing-contract.pdf"
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main([str(missing), "--no-config", "--jobs", "1"])
    out = capsys.readouterr().out
    assert any(str(missing) in line and "No such file or directory" in line for line in out.splitlines()), out
