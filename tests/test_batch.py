"""Batch runs over folders: inputs, worker pool, order, counts, timeouts, crashes, interruption."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from keiyaku_lint import batch
from keiyaku_lint.audit import DocResult
from keiyaku_lint.reference import load_reference
from test_cli_common import (DEV, SMALL_ERRORS, SMALL_READABLE, STATUSES, call_cli, make_small_corpus,
                             make_variants, needs_corpus, run_cli)

REF = load_reference()
HEADINGS = {c.id: c.heading for c in REF.clauses}


# --------------------------------------------------------------------------- inputs


def test_collect_walks_folders_and_counts_what_it_skips(tmp_path):
    root = tmp_path / "in"
    for rel in ["b.pdf", "a.docx", "sub/c.TXT", "sub/deeper/d.md", "sub/e.doc", "x.png", "sub/y.xlsx",
                ".hidden.txt", ".git/config.txt", "~$a.docx", "notes.markdown"]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    single = tmp_path / "single.rtf"
    single.write_text("x", encoding="utf-8")
    got = batch.collect([root, single, root / "a.docx"])
    rel = [f.relative_to(tmp_path).as_posix() for f in got.files]
    assert rel == ["in/a.docx", "in/b.pdf", "in/notes.markdown", "in/sub/c.TXT", "in/sub/e.doc",
                   "in/sub/deeper/d.md", "single.rtf"]  # a named file is always tried; no duplicates
    assert got.skipped == 2 and set(got.skipped_examples) == {"x.png", "y.xlsx"}
    assert got.filtered == 0
    only = batch.collect([root], ["*.pdf", "sub/deeper/*"])
    assert [f.name for f in only.files] == ["b.pdf", "d.md"]
    assert only.filtered == 4 and only.skipped == 2


def test_collect_drops_a_file_reached_twice_and_does_not_enter_linked_folders(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.pdf").write_text("x", encoding="utf-8")
    (root / "sub" / "b.txt").write_text("x", encoding="utf-8")
    (root / "link-to-a.pdf").symlink_to(root / "a.pdf")  # the same file under another name
    (root / "linked").symlink_to(root / "sub", target_is_directory=True)  # os.walk does not follow it
    via_link = tmp_path / "alias"
    via_link.symlink_to(root, target_is_directory=True)
    got = batch.collect([root, via_link / "sub" / "b.txt", via_link])
    assert [f.relative_to(tmp_path).as_posix() for f in got.files] == ["in/a.pdf", "in/sub/b.txt"]
    assert got.skipped == 0


# --------------------------------------------------------------------------- the small corpus


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small corpus, run once through the CLI with --jobs 2 and every report."""
    if DEV is None:
        pytest.skip("shared/ corpus not available")
    root = tmp_path_factory.mktemp("small")
    folder = make_small_corpus(root)
    out = root / "reports"
    out.mkdir()
    proc = run_cli(folder, "--jobs", "2", "--no-config", "-f", "json", "--csv", out / "detail.csv",
                   "--summary", out / "summary.csv", "--html", out / "report.html", "--json", out / "report.json",
                   cwd=root)
    return {"folder": folder, "out": out, "proc": proc}


@needs_corpus
def test_small_corpus_runs_and_exits_like_a_linter(small):
    proc = small["proc"]
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    worst = {d["summary"]["worst"] for d in data["documents"] if not d["error"]}
    assert proc.returncode == (1 if worst & {"weakened", "missing"} else 0)
    assert "skipped 2 files that are not PDF, DOCX, TXT or MD" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@needs_corpus
def test_small_corpus_detail_csv(small):
    detail = pd.read_csv(small["out"] / "detail.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    n_docs = len(SMALL_READABLE) + len(SMALL_ERRORS)
    assert len(detail) == 45 * len(SMALL_READABLE) + len(SMALL_ERRORS)
    assert list(detail.columns) == ["ファイル", "条項ID", "見出し", "判定", "判定（表示）", "ルールID", "理由", "部",
                                    "条", "項", "ページ", "類似度", "基準の文言", "契約書の文言", "承認理由"]
    assert detail["ファイル"].nunique() == n_docs
    ok_rows = detail[detail["判定"] != "error"]
    assert set(ok_rows["判定"]) <= STATUSES
    # Japanese round-trips unchanged through the BOM'd CSV
    assert all(HEADINGS[cid] == title for cid, title in zip(ok_rows["条項ID"], ok_rows["見出し"]))
    assert "機密保持及び個人情報保護に関する特記事項" in " ".join(ok_rows["部"])
    for name in SMALL_READABLE:
        rows = detail[detail["ファイル"].str.endswith("/" + name)]
        assert list(rows["条項ID"]) == list(HEADINGS)  # 45, in reference order
    errors = detail[detail["判定"] == "error"]
    for name, code in SMALL_ERRORS.items():
        (row,) = errors[errors["ファイル"].str.endswith("/" + name)].to_dict("records")
        assert row["ルールID"] == code and name in row["理由"] and row["条項ID"] == ""
    raw = (small["out"] / "detail.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel


@needs_corpus
def test_small_corpus_summary_csv_in_input_order(small):
    summary = pd.read_csv(small["out"] / "summary.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    expected = [str(f) for f in batch.collect([small["folder"]]).files]
    assert list(summary["ファイル"]) == expected  # input order, not completion order
    assert list(summary.columns)[:9] == ["ファイル", "問題なし", "変更", "弱化", "欠落", "承認済み", "追加条項",
                                         "最も重い判定", "最も重い判定（表示）"]
    for _, row in summary.iterrows():
        counts = sum(int(row[c]) for c in ("問題なし", "変更", "弱化", "欠落", "承認済み"))
        if row["最も重い判定"] == "error":
            assert counts == 0 and row["エラー"] and row["エラーコード"] in SMALL_ERRORS.values()
        else:
            assert counts == 45 and row["エラー"] == ""


@needs_corpus
def test_small_corpus_json_file_and_stdout_agree(small):
    from_file = json.loads((small["out"] / "report.json").read_text(encoding="utf-8"))
    assert from_file == json.loads(small["proc"].stdout)
    docs = from_file["documents"]
    assert len(docs) == 6
    assert sum(1 for d in docs if d["error"]) == 2
    assert all(len(d["findings"]) == 45 for d in docs if not d["error"])


@needs_corpus
def test_small_corpus_html(small):
    page = (small["out"] / "report.html").read_text(encoding="utf-8")
    assert page.count('<section id="doc-') == 6
    assert "d91-empty.md" in page and "契約書監査報告" in page


@needs_corpus
def test_jobs_1_and_jobs_2_give_the_same_rows(small, tmp_path):
    out = tmp_path / "one.csv"
    proc = run_cli(small["folder"], "--jobs", "1", "--no-config", "-q", "--csv", out, cwd=small["folder"].parent)
    assert proc.returncode in (0, 1), proc.stderr
    one = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    two = pd.read_csv(small["out"] / "detail.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(one, two)


@needs_corpus
def test_english_headers(capsys, tmp_path):
    out, summ = tmp_path / "d.csv", tmp_path / "s.csv"
    code, _, _ = call_cli(capsys, DEV / "d03-honyaku.txt", DEV / "d91-empty.md", "--lang", "en", "-q",
                          "--no-config", "--csv", out, "--summary", summ)
    assert code in (0, 1)
    detail = pd.read_csv(out, encoding="utf-8-sig")
    assert list(detail.columns) == ["file", "clause_id", "title", "status", "status_label", "rules", "message", "part",
                                    "article", "paragraph", "page", "similarity", "reference_excerpt",
                                    "draft_excerpt", "accepted_reason"]
    assert len(detail) == 46
    summary = pd.read_csv(summ, encoding="utf-8-sig")
    assert list(summary.columns) == ["file", "ok", "altered", "weakened", "missing", "accepted", "extras", "worst",
                                     "worst_label", "error_code", "error"]
    assert list(summary["worst"])[1] == "error"


# --------------------------------------------------------------------------- timeouts and crashes


@needs_corpus
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_tiny_timeout_turns_files_into_timeout_rows(tmp_path, jobs):
    files = [DEV / "d02-anketo.pdf", DEV / "d08-insatsu.pdf", DEV / "d12-honyaku.pdf"]
    out = tmp_path / "detail.csv"
    start = time.monotonic()
    proc = run_cli(*files, "--timeout", "0.001", "--jobs", jobs, "--no-config", "-f", "json", "--csv", out)
    assert time.monotonic() - start < 60
    assert proc.returncode == 2, proc.stderr  # every input unreadable
    docs = json.loads(proc.stdout)["documents"]
    assert [d["path"] for d in docs] == [str(f) for f in files]
    for d in docs:
        assert d["error_code"] == "timeout" and d["path"] in d["error"] and "\n" not in d["error"]
    detail = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(detail["判定"]) == ["error"] * 3 and list(detail["ルールID"]) == ["timeout"] * 3


# Worker loops for the pool tests (module level so that spawned workers can import them).
def _fake_worker(conn, ref, pdf_engine):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send(("ready",))
    while True:
        msg = conn.recv()
        if msg is None:
            return
        idx, path = msg
        if "crash" in path:
            os.kill(os.getpid(), signal.SIGKILL)
        if "hang" in path:
            time.sleep(3600)
        if "boom" in path:
            raise RuntimeError("worker loop itself failed")
        time.sleep(0.05)
        conn.send(("done", idx, DocResult(path)))


def test_pool_survives_crashes_and_hangs_and_keeps_input_order():
    paths = ["a.txt", "crash-1.txt", "b.txt", "hang.txt", "c.txt", "crash-2.txt", "boom.txt", "d.txt"]
    got: dict[int, DocResult] = {}
    start = time.monotonic()
    batch._Pool(2, None, "pdfplumber", 3.0, target=_fake_worker).run(paths, lambda i, r: got.__setitem__(i, r))
    assert time.monotonic() - start < 60
    assert sorted(got) == list(range(len(paths)))
    codes = [got[i].error_code for i in range(len(paths))]
    assert codes == [None, "worker-crashed", None, "timeout", None, "worker-crashed", "worker-crashed", None]
    assert "killed by signal 9" in got[1].error and got[1].error.startswith("crash-1.txt: worker-crashed")
    assert [got[i].path for i in range(len(paths))] == paths


def _slow_worker(conn, ref, pdf_engine):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send(("ready",))
    while (msg := conn.recv()) is not None:
        idx, path = msg
        time.sleep(0.8)
        conn.send(("done", idx, DocResult(path)))


def test_a_queued_file_gets_its_whole_timeout_after_the_one_before_it():
    # One worker holds two files at a time; each takes 0.8 s against a 1.2 s timeout. If the
    # clock of the queued file started when it was sent, the second file would time out.
    got: dict[int, DocResult] = {}
    batch._Pool(1, None, "pdfplumber", 1.2, target=_slow_worker).run(["a", "b", "c"], got.__setitem__)
    assert [got[i].error_code for i in range(3)] == [None, None, None]


def test_files_queued_behind_a_crash_are_audited_by_the_replacement_worker():
    got: dict[int, DocResult] = {}
    paths = ["crash-first.txt", "a.txt", "b.txt", "c.txt"]

    def give_up(signum, frame):
        raise TimeoutError("the pool never finished: files were lost with the crashed worker")

    old = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        batch._Pool(1, None, "pdfplumber", 5.0, target=_fake_worker).run(paths, got.__setitem__)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert [got[i].error_code for i in range(4)] == ["worker-crashed", None, None, None]
    assert [got[i].path for i in range(4)] == paths


def test_files_are_handed_out_largest_first(tmp_path):
    sizes = {"small.txt": 10, "big.pdf": 5000, "missing.md": None, "mid.docx": 300, "mid2.txt": 300}
    paths = []
    for name, size in sizes.items():
        if size is not None:
            (tmp_path / name).write_bytes(b"x" * size)
        paths.append(str(tmp_path / name))
    order = [Path(paths[i]).name for i in batch._largest_first(paths)]
    assert order == ["big.pdf", "mid.docx", "mid2.txt", "small.txt", "missing.md"]


def _dies_at_start(conn, ref, pdf_engine):
    os._exit(3)


def test_pool_that_cannot_start_hands_back_every_file():
    got: dict[int, DocResult] = {}
    with pytest.raises(batch._PoolFailed) as exc:
        batch._Pool(2, None, "pdfplumber", 5.0, target=_dies_at_start).run(["a", "b", "c"], got.__setitem__)
    assert exc.value.todo == [0, 1, 2] and got == {}
    assert "exit code 3" in str(exc.value)


def test_run_batch_falls_back_to_in_process_when_workers_cannot_start(monkeypatch, capsys):
    def broken_pool(self, paths, done):
        done(0, DocResult(paths[0]))
        raise batch._PoolFailed("cannot start worker processes (OSError: no)", [1, 2])

    monkeypatch.setattr(batch._Pool, "run", broken_pool)
    monkeypatch.setattr(batch, "audit_file", lambda path, ref, pdf_engine="pdfplumber": DocResult(path + "!"))
    res = batch.run_batch(["a", "b", "c"], REF, jobs=2, progress=False)
    assert [r.path for r in res.results] == ["a", "b!", "c!"]
    assert "remaining 2 files in this process" in capsys.readouterr().err


def test_worker_exceptions_become_one_line_error_rows(monkeypatch):
    def explode(path, ref, pdf_engine="pdfplumber"):
        raise ValueError("unexpected\nmulti-line failure")

    monkeypatch.setattr(batch, "audit_file", explode)
    res = batch.run_batch(["x.txt", "y.txt"], REF, jobs=1, progress=False)
    assert [r.error_code for r in res.results] == ["internal-error", "internal-error"]
    assert res.results[0].error == "x.txt: internal-error: Internal error while auditing this file " \
                                   "(ValueError: unexpected multi-line failure) — please report it with the file " \
                                   "if you can"


def test_in_process_timeout_guards_python_code(monkeypatch):
    def slow(path, ref, pdf_engine="pdfplumber"):
        if "slow" in path:
            time.sleep(30)
        return DocResult(path)

    monkeypatch.setattr(batch, "audit_file", slow)
    start = time.monotonic()
    res = batch.run_batch(["a.txt", "slow.txt", "b.txt"], REF, jobs=1, timeout=0.3, progress=False)
    assert time.monotonic() - start < 10
    assert [r.error_code for r in res.results] == [None, "timeout", None]


def test_keyboard_interrupt_in_process_returns_what_finished(monkeypatch):
    def audit(path, ref, pdf_engine="pdfplumber"):
        if path == "c.txt":
            raise KeyboardInterrupt
        return DocResult(path)

    monkeypatch.setattr(batch, "audit_file", audit)
    res = batch.run_batch(["a.txt", "b.txt", "c.txt", "d.txt"], REF, jobs=1, progress=False)
    assert res.interrupted
    assert [r.path if r else None for r in res.results] == ["a.txt", "b.txt", None, None]
    assert [r.path for r in res.finished] == ["a.txt", "b.txt"]


# --------------------------------------------------------------------------- interruption


@needs_corpus
def _wait_for_children(pid: int, limit: float = 30.0) -> None:
    """Until the process has started a child (it is inside the batch), as far as /proc tells."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            if children.read_text().split():
                return
        except OSError:
            time.sleep(1.0)  # no /proc: a fixed head start
            return
        time.sleep(0.05)


@needs_corpus
@pytest.mark.parametrize("delay", [0.2, 0.8])  # while the workers start; midway (~100 documents take ~2.5 s)
def test_sigint_leaves_no_report_or_a_complete_one(tmp_path, delay):
    """Ctrl-C midway through 100 documents: exit 130 promptly; each report is absent or complete."""
    folder = tmp_path / "archive"
    folder.mkdir()
    names = ["d02-anketo.pdf", "d08-insatsu.pdf", "d01-insatsu.docx", "d91-empty.md"]
    for k in range(25):
        for name in names:
            shutil.copyfile(DEV / name, folder / f"c{k:02d}-{name}")
    detail, summary = tmp_path / "detail.csv", tmp_path / "summary.csv"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "keiyaku_lint.cli", str(folder), "--jobs", "2", "-q", "--no-config",
                             "--csv", str(detail), "--summary", str(summary)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    _wait_for_children(proc.pid)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C on a terminal: the whole process group
    start = time.monotonic()
    out, err = proc.communicate(timeout=60)
    assert time.monotonic() - start < 15, "Ctrl-C must stop promptly"
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left
    if not detail.exists():
        assert not summary.exists()
        return
    rows = pd.read_csv(detail, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    summ = pd.read_csv(summary, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    n_err = int((summ["最も重い判定"] == "error").sum())
    assert len(summ) < 60
    assert len(rows) == 45 * (len(summ) - n_err) + n_err  # complete for every document it names
    assert set(rows["ファイル"]) == set(summ["ファイル"])
    every = [str(f) for f in batch.collect([folder]).files]
    assert list(summ["ファイル"]) == [f for f in every if f in set(summ["ファイル"])]  # input order


def test_interrupted_cli_run_writes_reports_of_what_finished(capsys, tmp_path, monkeypatch):
    docs = make_variants(tmp_path / "docs")
    real = batch.audit_file

    def audit(path, ref, pdf_engine="pdfplumber"):
        if path.endswith("weak.txt"):
            raise KeyboardInterrupt
        return real(path, ref, pdf_engine)

    monkeypatch.setattr(batch, "audit_file", audit)
    out = tmp_path / "d.csv"
    code, _, err = call_cli(capsys, docs["clean"], docs["missing"], docs["weak"], "--jobs", "1", "-q",
                            "--no-config", "--csv", out)
    assert code == 130 and "interrupted" in err and "2 of 3" in err
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert len(rows) == 90 and rows["ファイル"].nunique() == 2


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform")
def test_workers_get_a_cpu_each_only_when_there_are_enough_cpus():
    cpus = sorted(os.sched_getaffinity(0))
    procs = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) for _ in range(2)]
    try:
        batch._pin(procs[0].pid, len(cpus) - 1, len(cpus))  # as many workers as CPUs: pinned
        assert os.sched_getaffinity(procs[0].pid) == {cpus[-1]}
        batch._pin(procs[1].pid, 0, len(cpus) + 1)  # more workers than CPUs: left alone
        assert os.sched_getaffinity(procs[1].pid) == set(cpus)
    finally:
        for p in procs:
            p.kill()
            p.wait()


def _record_start_methods(monkeypatch) -> list[str]:
    methods: list[str] = []
    real = batch._Worker.__init__

    def spy(self, ctx, *args, **kwargs):
        methods.append(ctx.get_start_method())
        real(self, ctx, *args, **kwargs)

    monkeypatch.setattr(batch._Worker, "__init__", spy)
    return methods


def _no_other_threads() -> None:
    import threading

    for t in threading.enumerate():
        if t is not threading.main_thread():
            t.join(2)  # e.g. rich's refresh thread, told to stop by an earlier bar but not joined
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if others:  # left by an earlier test; the behaviour under test needs a single thread
        pytest.skip(f"other threads are running: {others}")


needs_fork = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="no fork on this platform")


@needs_fork
def test_workers_are_forked_before_the_progress_bar_starts(monkeypatch, tmp_path):
    # The bar runs a thread; the workers are started before it, so they can be forked
    # (~0.2 s) rather than spawned (~0.6 s, every import again).
    methods = _record_start_methods(monkeypatch)
    files = list(make_variants(tmp_path).values())
    _no_other_threads()
    res = batch.run_batch(files, REF, jobs=2, timeout=120, progress=True)
    assert methods == ["fork", "fork"]
    assert [r.path for r in res.results] == [str(f) for f in files]
    assert [r.worst for r in res.results] == ["ok", "missing", "weakened"]


@needs_fork
def test_a_worker_replaced_while_another_thread_runs_is_spawned(monkeypatch):
    methods = _record_start_methods(monkeypatch)
    _no_other_threads()
    pool = batch._Pool(1, None, "pdfplumber", 30.0, target=_fake_worker)
    pool.start()  # no other thread yet: forked
    stop = __import__("threading").Event()
    bar = __import__("threading").Thread(target=stop.wait, daemon=True)  # stands in for the progress bar
    bar.start()
    got: dict[int, DocResult] = {}
    try:
        pool.run(["crash-1.txt", "a.txt"], got.__setitem__)
    finally:
        stop.set()
        bar.join()
    assert methods == ["fork", "spawn"]
    assert [got[i].error_code for i in range(2)] == ["worker-crashed", None]


# ---- what a worker loads before it reports ready


def test_kinds_of_maps_extensions_to_loaders():
    from keiyaku_lint.ingest import KINDS, kinds_of

    assert kinds_of(["a.PDF", "b.pdf"]) == {"pdf"}
    assert kinds_of(["a.txt", "b.md", "c.markdown"]) == {"text"}
    assert kinds_of(["a.docx", "b.doc"]) == {"docx"}  # a .doc is refused before any loader
    assert kinds_of(["contract"]) == set(KINDS)  # no extension: sniffed, may be anything
    assert kinds_of(["a.pdf", "scan.jpeg"]) == set(KINDS)


def test_preload_of_pdf_only_does_not_import_python_docx():
    code = ("import sys; from keiyaku_lint.ingest import preload; preload({'pdf'}); "
            "print('docx' in sys.modules, 'pypdfium2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


def test_a_batch_of_pdfs_gives_its_workers_only_the_pdf_loader(monkeypatch):
    seen = {}

    class Pool:
        def __init__(self, size, ref, pdf_engine, timeout, target):
            seen["kinds"] = target.keywords["kinds"]
            raise OSError("stop here")

    monkeypatch.setattr(batch, "_Pool", Pool)
    with pytest.raises(OSError):
        batch.run_batch(["a.pdf", "b.PDF"], None, jobs=2, timeout=None, progress=False)
    assert seen["kinds"] == {"pdf"}


def test_idle_workers_are_all_asked_to_stop_before_any_is_awaited(monkeypatch):
    calls = []
    real_ask, real_stop = batch._Worker.ask_to_stop, batch._Worker.stop

    def ask(self):
        calls.append("ask")
        real_ask(self)

    def stop(self):
        calls.append("stop")
        real_stop(self)

    monkeypatch.setattr(batch._Worker, "ask_to_stop", ask)
    monkeypatch.setattr(batch._Worker, "stop", stop)
    got = {}
    pool = batch._Pool(2, None, "pdfplumber", 30.0, target=_fake_worker)
    pool.run(["a.txt", "b.txt", "c.txt"], got.__setitem__)
    assert sorted(got) == [0, 1, 2]
    assert calls == ["ask", "ask", "stop", "stop"]
    assert all(w.proc.exitcode == 0 for w in pool.workers)  # they left on their own, not killed
