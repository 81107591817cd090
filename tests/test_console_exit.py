"""The console script (`cli.run`) leaves without tearing the interpreter down: its output,
reports and exit code must be exactly those of `cli.main`, and a tracer or profiler (which
writes its data at exit) keeps the normal exit."""
from __future__ import annotations

import csv
import subprocess
import sys

from conftest import SAMPLES

SAMPLE = SAMPLES / "seisou-itaku-keiyakusho-draft.txt"


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, encoding="utf-8",
                          stdin=subprocess.DEVNULL, timeout=120)


def _cli(entry: str, *args: str) -> subprocess.CompletedProcess:
    return _python(f"import sys; from keiyaku_lint.cli import {entry}; sys.argv[0] = 'keiyaku-lint'; {entry}()",
                   *args)


def test_run_gives_the_output_and_exit_code_of_main(tmp_path):
    fast = _cli("run", str(SAMPLE), "--no-config", "--verbose", "--csv", str(tmp_path / "fast.csv"))
    slow = _cli("main", str(SAMPLE), "--no-config", "--verbose", "--csv", str(tmp_path / "slow.csv"))
    assert fast.returncode == slow.returncode == 1  # weakened findings
    assert fast.stdout == slow.stdout and "弱化 6" in fast.stdout
    # the report was complete and closed before the process left
    fast_rows = (tmp_path / "fast.csv").read_bytes()
    assert fast_rows == (tmp_path / "slow.csv").read_bytes()
    rows = list(csv.reader(fast_rows.decode("utf-8-sig").splitlines()))
    assert len(rows) == 1 + 45


def test_run_exit_codes_for_usage_errors_and_messages():
    assert _cli("run", "--no-such-option").returncode == _cli("main", "--no-such-option").returncode == 2
    boom = _python("import keiyaku_lint.cli as c\n"
                   "def main(): raise SystemExit('boom: a message')\n"
                   "c.main = main; c.run()")
    assert boom.returncode == 1 and boom.stderr.strip() == "boom: a message"


def test_run_skips_interpreter_teardown_unless_traced():
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('teardown ran'))\n"
            "if sys.argv[1] == 'traced': sys.settrace(lambda *a: None)\n"
            "from keiyaku_lint.cli import run; sys.argv[1:] = ['--version']; run()")
    plain, traced = _python(code, "plain"), _python(code, "traced")
    assert plain.returncode == traced.returncode == 0
    assert "teardown ran" not in plain.stdout
    assert "teardown ran" in traced.stdout
    assert plain.stdout.strip() == traced.stdout.replace("teardown ran", "").strip() != ""


def test_console_script_entry_point_is_run():
    from importlib.metadata import entry_points

    (ep,) = [e for e in entry_points(group="console_scripts") if e.name == "keiyaku-lint"]
    assert ep.value == "keiyaku_lint.cli:run"
