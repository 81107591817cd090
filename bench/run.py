#!/usr/bin/env python3
"""keiyaku-lint benchmark: how fast is an audit next to just reading the file?

    python bench/run.py            # full run (~10 min on 2 cores)
    python bench/run.py --quick    # fewer repeats, a 60-document folder (~3 min)
    python bench/run.py --out FILE # where to write the JSON (default bench/results.json)

Not a test: it prints a table and writes the figures as JSON. Everything it reads it
makes itself in a temporary folder, from samples/ (and ../shared/corpus/dev when present):

- the 18-page sample PDF (samples/seisou-itaku-keiyakusho-draft.pdf), a 54-page PDF (that
  one three times, joined with pypdfium2), the sample DOCX, a small TXT (the first lines
  of the sample TXT), and a folder of 200 documents (copies of the corpus and samples,
  every format).

What it measures, each as the median of several repeats (wall time; CPU time too, since
other work on the machine inflates wall time but not much the CPU time):

1. per document, as whole processes (interpreter start + imports + work):
   `keiyaku-lint FILE` end to end vs a raw pdfplumber text extraction script vs a raw
   pypdfium2 extraction script (python-docx for the DOCX), printed as ratios;
2. cold start: `keiyaku-lint --version`, and auditing the small TXT;
3. batch: documents per second over the folder with `--jobs 1` and `--jobs 2`, and the
   scaling ratio (the median of the ratios of paired, interleaved runs) (needs the batch CLI; without `--jobs` it falls back to a sequential
   in-process loop and says so);
4. growth: the 54-page document's time over the 18-page document's (whole process, and
   the in-process audit alone, which is what shows a super-linear step);
5. peak memory (VmHWM / ru_maxrss) of the single process of `--jobs 1` and of each worker
   of `--jobs 2`;
6. warm: in one process, the audit's cost per document in a `--jobs 1` batch of 30 copies
   of the 18-page PDF vs pypdfium2-only text extraction of the same 30 files, and where
   the audit's time goes (ingest, structure, alignment, judging) per document;
7. the PDF engines in-process: pdfplumber vs pdfium reading the 18-page PDF.

The acceptance targets of issue 5 are checked at the end (cold ≤ 1.0 s, --version
< 0.3 s, warm ≤ 2.5×, --jobs 2 ≥ 1.8× --jobs 1, 54/18 ≤ 3.3, ≤ 400 MB per worker).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PDF18 = SAMPLES / "seisou-itaku-keiyakusho-draft.pdf"
DOCX = SAMPLES / "seisou-itaku-keiyakusho-draft.docx"
TXT = SAMPLES / "seisou-itaku-keiyakusho-draft.txt"
PY = sys.executable
# Byte-code as an installed package has it (pip compiles on install): kept in a cache of
# our own, so PYTHONDONTWRITEBYTECODE (set on CI) does not make every run compile the
# sources again, and the work tree gets no __pycache__.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "keiyaku-bench-pycache")

TARGETS = {
    "cold_pdf18_s": ("<=", 1.0, "cold audit of the 18-page PDF, whole process (s)"),
    "version_s": ("<", 0.3, "keiyaku-lint --version (s)"),
    "warm_ratio": ("<=", 2.5, "warm audit per doc / pypdfium2 extraction per doc"),
    "jobs_scaling": (">=", 1.8, "--jobs 2 throughput / --jobs 1 throughput"),
    "growth_54_18": ("<=", 3.3, "54-page time / 18-page time (whole process)"),
    "peak_worker_mb": ("<=", 400.0, "peak memory per worker (MB)"),
}

RAW_PDFPLUMBER = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_text()
        page.close()
"""
RAW_PDFIUM = """
import sys, pypdfium2 as pdfium
pdf = pdfium.PdfDocument(sys.argv[1])
for i in range(len(pdf)):
    page = pdf[i]
    textpage = page.get_textpage()
    textpage.get_text_range()
    textpage.close()
    page.close()
pdf.close()
"""
RAW_DOCX = """
import sys, docx
doc = docx.Document(sys.argv[1])
[p.text for p in doc.paragraphs]
"""

# Run in a fresh interpreter: the warm figures (imports and the reference loaded first,
# not counted), and the in-process breakdown. Prints one JSON line.
WARM = r"""
import json, sys, time
files = json.loads(sys.argv[1]); repeats = int(sys.argv[2])
import pypdfium2 as pdfium
from keiyaku_lint.reference import load_reference
from keiyaku_lint.batch import run_batch
from keiyaku_lint.ingest import load
from keiyaku_lint.structure import parse_lines
from keiyaku_lint import audit as A, align as AL, japanese
ref = load_reference(None)
japanese.warm_up()

def extract(path):
    pdf = pdfium.PdfDocument(path)
    for i in range(len(pdf)):
        page = pdf[i]; tp = page.get_textpage(); tp.get_text_range(); tp.close(); page.close()
    pdf.close()

def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c

out = {"audit": [], "audit_cpu": [], "extract": [], "extract_cpu": []}
run_batch(files[:1], ref, jobs=1, timeout=None, progress=False)  # first-file effects out
for _ in range(repeats):
    w, c = timed(lambda: run_batch(files, ref, jobs=1, timeout=None, progress=False))
    out["audit"].append(w / len(files)); out["audit_cpu"].append(c / len(files))
    w, c = timed(lambda: [extract(f) for f in files])
    out["extract"].append(w / len(files)); out["extract_cpu"].append(c / len(files))

# Where an audit's time goes (one document, in-process, warm), per stage.
stages = {"ingest": [], "structure": [], "align": [], "judge+extras": []}
real_align = A.align
def probe(path):
    t0 = time.process_time(); src = load(path)
    t1 = time.process_time(); tree = parse_lines(src.lines, path)
    t2 = time.process_time()
    spent = {}
    def align(*a, **k):
        s = time.process_time(); r = real_align(*a, **k); spent["align"] = time.process_time() - s; return r
    A.align = align
    try:
        A.audit_tree(tree, ref)
    finally:
        A.align = real_align
    t3 = time.process_time()
    stages["ingest"].append(t1 - t0); stages["structure"].append(t2 - t1)
    stages["align"].append(spent["align"]); stages["judge+extras"].append(t3 - t2 - spent["align"])
for _ in range(max(3, repeats)):
    probe(files[0])
out["stages"] = {k: sorted(v)[len(v) // 2] for k, v in stages.items()}

# Growth and engines, in-process (no start-up): audit of each document, pdf engines.
def audit_time(path, n):
    ts = []
    for _ in range(n):
        w = time.process_time(); A.audit_tree(parse_lines(load(path).lines, path), ref); ts.append(time.process_time() - w)
    return sorted(ts)[len(ts) // 2]
extra = json.loads(sys.argv[3])
out["inproc_audit_cpu"] = {k: audit_time(p, max(3, repeats)) for k, p in extra.items()}
def engine_time(engine, n):
    ts = []
    for _ in range(n):
        w = time.process_time(); load(files[0], pdf_engine=engine); ts.append(time.process_time() - w)
    return sorted(ts)[len(ts) // 2]
out["engine_ingest_cpu"] = {e: engine_time(e, 3 if e == "pdfplumber" else max(3, repeats))
                            for e in ("pdfium", "pdfplumber")}
print(json.dumps(out))
"""

# The sequential fallback when the CLI has no --jobs yet.
SEQUENTIAL = r"""
import json, sys, time
from keiyaku_lint.reference import load_reference
from keiyaku_lint.audit import audit_file
ref = load_reference(None)
files = json.loads(sys.argv[1])
for f in files:
    audit_file(f, ref)
"""


# --------------------------------------------------------------------------- helpers


def cli_cmd() -> list[str]:
    """keiyaku-lint of this interpreter (not a shim on PATH, which adds its own start-up)."""
    script = Path(PY).parent / "keiyaku-lint"
    if script.is_file():
        return [PY, str(script)]
    return [PY, "-c", "import sys; from keiyaku_lint.cli import main; sys.exit(main())"]


class PeakWatcher:
    """Polls VmHWM of a process and all its descendants (Linux /proc) until stopped."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, int] = {}  # pid -> VmHWM in kB
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _children(self, pid: int) -> list[int]:
        out = []
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    out += [int(x) for x in fh.read().split()]
        except OSError:
            pass
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            todo = [self.pid]
            while todo:
                pid = todo.pop()
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        for line in fh:
                            if line.startswith("VmHWM:"):
                                self.peaks[pid] = max(self.peaks.get(pid, 0), int(line.split()[1]))
                                break
                except OSError:
                    continue
                todo += self._children(pid)
            self._stop.wait(self.interval)


def run(cmd: list[str], watch: bool = False, ok=(0, 1)) -> dict:
    """Run a whole process; wall and CPU (user+sys of it and its children) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    peaks: dict[int, int] = {}
    if watch and Path("/proc").is_dir():
        with PeakWatcher(proc.pid) as w:
            _, err = proc.communicate()
        peaks = dict(w.peaks)
    else:
        _, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "pid": proc.pid, "peaks_kb": peaks, "maxrss_kb": after.ru_maxrss}


def run_together(cmds: list[list[str]]) -> dict:
    """Start the processes at once; wall until the last ends, CPU of all of them."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV) for c in cmds]
    codes = [p.wait() for p in procs]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if any(c not in (0, 1) for c in codes):
        raise RuntimeError(f"exit codes {codes} for {cmds}")
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}


def median_run(cmd: list[str], repeats: int, warmup: int = 1, **kw) -> dict:
    for _ in range(warmup):  # page cache, .pyc files
        run(cmd, **kw)
    runs = [run(cmd, **kw) for _ in range(repeats)]
    return {"wall": statistics.median(r["wall"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs),
            "wall_min": min(r["wall"] for r in runs),
            "wall_all": [round(r["wall"], 4) for r in runs],
            "runs": runs}


def make_inputs(tmp: Path, n_docs: int) -> dict:
    import pypdfium2 as pdfium

    inputs = {"pdf18": tmp / "contract-18p.pdf", "pdf54": tmp / "contract-54p.pdf",
              "docx": tmp / "contract.docx", "txt_small": tmp / "small.txt", "folder": tmp / "folder",
              "warm": tmp / "warm"}
    shutil.copy(PDF18, inputs["pdf18"])
    shutil.copy(DOCX, inputs["docx"])
    src = pdfium.PdfDocument(str(PDF18))
    dst = pdfium.PdfDocument.new()
    for _ in range(3):
        dst.import_pages(src)
    dst.save(str(inputs["pdf54"]))
    pages = (len(src), len(dst))
    dst.close()
    src.close()
    lines = TXT.read_text(encoding="utf-8").splitlines()
    inputs["txt_small"].write_text("\n".join(lines[:60]) + "\n", encoding="utf-8")

    pool = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx", ".txt", ".md"))
    shared = ROOT.parent / "shared" / "corpus" / "dev"
    if shared.is_dir():
        labels = json.loads((shared / "labels.json").read_text(encoding="utf-8"))
        bad = {d["file"] for d in labels["documents"] if d.get("expect_error")}
        pool += sorted(p for p in shared.iterdir() if p.suffix in (".pdf", ".docx", ".txt", ".md") and p.name not in bad)
    inputs["folder"].mkdir()
    kinds: dict[str, int] = {}
    for i in range(n_docs):
        p = pool[i % len(pool)]
        shutil.copy(p, inputs["folder"] / f"{i:03d}-{p.name}")
        kinds[p.suffix] = kinds.get(p.suffix, 0) + 1
    inputs["warm"].mkdir()
    for i in range(30):
        shutil.copy(PDF18, inputs["warm"] / f"copy{i:02d}.pdf")
    inputs["meta"] = {"pages": {"pdf18": pages[0], "pdf54": pages[1]}, "folder_docs": n_docs,
                      "folder_kinds": kinds, "pool": len(pool), "corpus": shared.is_dir()}
    return inputs


def cli_has(flag: str) -> bool:
    out = subprocess.run(cli_cmd() + ["--help"], capture_output=True, text=True, cwd=ROOT, env=ENV).stdout
    return flag in out


def check(name: str, value: float | None) -> str:
    op, limit, _ = TARGETS[name]
    if value is None:
        return "n/a"
    ok = value <= limit if op == "<=" else value < limit if op == "<" else value >= limit
    return "ok" if ok else "MISSED"


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, a 60-document folder")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = ap.parse_args()
    reps = 3 if args.quick else 5
    batch_reps = 1 if args.quick else 5
    n_docs = 60 if args.quick else 200
    cli = cli_cmd()
    res: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "quick": args.quick,
                 "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "platform": platform.platform(), "load_before": os.getloadavg()},
                 "repeats": reps}
    tmp = Path(tempfile.mkdtemp(prefix="keiyaku-bench-"))
    try:
        inputs = make_inputs(tmp, n_docs)
        res["inputs"] = inputs["meta"]
        base = cli + ["--no-config"] if cli_has("--no-config") else cli
        step = lambda msg: print(f"· {msg}", file=sys.stderr, flush=True)  # noqa: E731

        # 1. per document, whole process
        per_doc = {}
        for key in ("pdf18", "pdf54", "docx"):
            path = str(inputs[key])
            step(f"per document: {key}")
            row = {"keiyaku_lint": median_run(base + [path], reps, watch=True)}
            if key == "docx":
                row["raw_docx"] = median_run([PY, "-c", RAW_DOCX, path], reps)
            else:
                row["raw_pdfium"] = median_run([PY, "-c", RAW_PDFIUM, path], reps)
                row["raw_pdfplumber"] = median_run([PY, "-c", RAW_PDFPLUMBER, path], 1 if key == "pdf54" else min(reps, 3))
            per_doc[key] = row
        res["per_document"] = per_doc

        # 2. cold start
        step("cold start")
        res["cold"] = {"version": median_run(base + ["--version"], reps, ok=(0,)),
                       "txt_small": median_run(base + [str(inputs["txt_small"])], reps),
                       "python_bare": median_run([PY, "-c", "pass"], reps, ok=(0,))}

        # 3 + 5. batch and peak memory
        step(f"batch of {n_docs} documents")
        folder = str(inputs["folder"])
        if cli_has("--jobs"):
            quiet = ["--quiet"] if cli_has("--quiet") else []
            batch = {"cli": True}
            cmd = lambda jobs: base + quiet + ["--jobs", str(jobs), "--timeout", "0", folder]  # noqa: E731
            # Peak memory from one watched run of each (the watcher polls /proc and would
            # take CPU from the timed runs).
            batch["memory_runs"] = {"jobs1": run(cmd(1), watch=True), "jobs2": run(cmd(2), watch=True)}
            # Timed runs in interleaved triples: this VM's speed drifts by ±15 % from minute
            # to minute, which would bias separate series. Each triple is --jobs 1, --jobs 2,
            # and the machine's own ceiling: two --jobs 1 runs of the whole folder at once
            # (2 × the work, no pool, each process paying its own start), whose throughput
            # over one run's is what two cores give this code at that moment.
            triples = [(run(cmd(1)), run(cmd(2)), run_together([cmd(1), cmd(1)])) for _ in range(batch_reps)]
            for k, jobs in ((0, 1), (1, 2)):
                runs = [t[k] for t in triples]
                r = {"wall": statistics.median(x["wall"] for x in runs), "cpu": statistics.median(x["cpu"] for x in runs),
                     "wall_min": min(x["wall"] for x in runs), "wall_all": [round(x["wall"], 4) for x in runs]}
                r["docs_per_s"] = n_docs / r["wall"]
                r["docs_per_cpu_s"] = n_docs / r["cpu"]
                batch[f"jobs{jobs}"] = r
            batch["pair_ratios"] = [round(a["wall"] / b["wall"], 3) for a, b, _ in triples]
            batch["ceiling_ratios"] = [round(2 * a["wall"] / c["wall"], 3) for a, _, c in triples]
            batch["scaling"] = statistics.median(a["wall"] / b["wall"] for a, b, _ in triples)
            batch["ceiling"] = statistics.median(2 * a["wall"] / c["wall"] for a, _, c in triples)
            # What the pool makes of the machine, triple by triple (drift cancels within a triple).
            batch["of_ceiling"] = statistics.median(c["wall"] / (2 * b["wall"]) for _, b, c in triples)
        else:
            files = json.dumps(sorted(str(p) for p in inputs["folder"].iterdir()))
            r = median_run([PY, "-c", SEQUENTIAL, files], batch_reps, warmup=0, watch=True)
            r["docs_per_s"] = n_docs / r["wall"]
            batch = {"cli": False, "note": "batch CLI (--jobs) pending: sequential in-process loop", "jobs1": r}
            batch["scaling"] = None
        res["batch"] = batch

        # 6 + 7. warm, stages, growth in-process, engines
        step("warm: 30 copies of the 18-page PDF in one process")
        warm_files = json.dumps(sorted(str(p) for p in inputs["warm"].iterdir()))
        extra = json.dumps({"pdf18": str(inputs["pdf18"]), "pdf54": str(inputs["pdf54"])})
        proc = subprocess.run([PY, "-c", WARM, warm_files, str(reps), extra], capture_output=True, text=True,
                              cwd=ROOT, env=ENV)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-3000:])
        warm = json.loads(proc.stdout.strip().splitlines()[-1])
        for k in ("audit", "audit_cpu", "extract", "extract_cpu"):
            warm[k + "_median"] = statistics.median(warm[k])
        warm["ratio"] = warm["audit_median"] / warm["extract_median"]
        warm["ratio_cpu"] = warm["audit_cpu_median"] / warm["extract_cpu_median"]
        res["warm"] = warm
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["machine"]["load_after"] = os.getloadavg()

    # derived figures and targets
    p18, p54 = res["per_document"]["pdf18"], res["per_document"]["pdf54"]
    mem = res["batch"].get("memory_runs") or {"jobs1": res["batch"]["jobs1"]["runs"][0]}
    peak_kb = [max(mem["jobs1"]["peaks_kb"].values(), default=mem["jobs1"]["maxrss_kb"])]
    worker_kb = []
    if "jobs2" in mem:
        r = mem["jobs2"]
        worker_kb.append(max((kb for pid, kb in r["peaks_kb"].items() if pid != r["pid"]), default=r["maxrss_kb"]))
    figures = {
        "cold_pdf18_s": p18["keiyaku_lint"]["wall"],
        "version_s": res["cold"]["version"]["wall"],
        "warm_ratio": res["warm"]["ratio"],
        "jobs_scaling": res["batch"]["scaling"],
        "growth_54_18": p54["keiyaku_lint"]["wall"] / p18["keiyaku_lint"]["wall"],
        "peak_worker_mb": max(worker_kb + peak_kb) / 1024,
    }
    res["figures"] = figures
    res["figures_best"] = {  # best of the repeats: what the machine does when nothing else runs
        "cold_pdf18_s": p18["keiyaku_lint"]["wall_min"],
        "version_s": res["cold"]["version"]["wall_min"],
        "warm_ratio": min(res["warm"]["audit"]) / min(res["warm"]["extract"]),
        "growth_54_18": p54["keiyaku_lint"]["wall_min"] / p18["keiyaku_lint"]["wall_min"],
    }
    res["targets"] = {k: {"limit": f"{TARGETS[k][0]} {TARGETS[k][1]}", "value": v, "result": check(k, v),
                          "best": res["figures_best"].get(k), "what": TARGETS[k][2]}
                      for k, v in figures.items()}
    res["peak_mb"] = {"jobs1_process": max(peak_kb) / 1024,
                      "jobs2_worker": max(worker_kb) / 1024 if worker_kb else None}
    for group in list(res["per_document"].values()) + [res["cold"], res["batch"]]:
        for r in group.values():  # keep the JSON small: drop the per-run details
            if isinstance(r, dict):
                r.pop("runs", None)

    print_table(res)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


def print_table(res: dict) -> None:
    f = lambda s: f"{s:7.3f}"  # noqa: E731
    print(f"\nkeiyaku-lint benchmark — {res['machine']['cpus']} CPUs, Python {res['machine']['python']}, "
          f"load {res['machine']['load_before'][0]:.1f} → {res['machine']['load_after'][0]:.1f}"
          f"{' (quick)' if res['quick'] else ''}; medians of {res['repeats']}, seconds (wall / cpu)")
    load = max(res["machine"]["load_before"][0], res["machine"]["load_after"][0])
    if load > 0.5 * (res["machine"]["cpus"] or 1):
        print(f"NOTE: the machine was busy (load {load:.1f} on {res['machine']['cpus']} CPUs): wall times are "
              "inflated and --jobs scaling is not measurable; compare the CPU figures.")
    print("\nper document, whole process     keiyaku-lint       raw pypdfium2      raw pdfplumber     "
          "lint/pdfium  lint/plumber")
    for key, label in (("pdf18", "18-page PDF"), ("pdf54", "54-page PDF"), ("docx", "DOCX")):
        row = res["per_document"][key]
        lint = row["keiyaku_lint"]
        if key == "docx":
            raw = row["raw_docx"]
            print(f"  {label:<28} {f(lint['wall'])} / {f(lint['cpu'])}  {f(raw['wall'])} / {f(raw['cpu'])}"
                  f"  (python-docx)      {lint['wall'] / raw['wall']:6.2f}×")
            continue
        a, b = row["raw_pdfium"], row["raw_pdfplumber"]
        print(f"  {label:<28} {f(lint['wall'])} / {f(lint['cpu'])}  {f(a['wall'])} / {f(a['cpu'])}  "
              f"{f(b['wall'])} / {f(b['cpu'])}  {lint['wall'] / a['wall']:8.2f}×  {lint['wall'] / b['wall']:8.2f}×")
    c = res["cold"]
    print(f"\ncold start: --version {f(c['version']['wall'])} s, small TXT audit {f(c['txt_small']['wall'])} s "
          f"(bare python {f(c['python_bare']['wall'])} s)")
    b = res["batch"]
    if b.get("cli"):
        print(f"batch ({res['inputs']['folder_docs']} docs): --jobs 1 {b['jobs1']['docs_per_s']:.2f} docs/s, "
              f"--jobs 2 {b['jobs2']['docs_per_s']:.2f} docs/s, scaling {b['scaling']:.2f}× "
              f"(runs {', '.join(f'{x:.2f}' for x in b.get('pair_ratios', []))}); the machine's ceiling, "
              f"two --jobs 1 runs at once: {b['ceiling']:.2f}× ({', '.join(f'{x:.2f}' for x in b['ceiling_ratios'])}); "
              f"--jobs 2 reaches {b['of_ceiling']:.2f} of it "
              f"(cpu {b['jobs1']['cpu']:.1f} s vs {b['jobs2']['cpu']:.1f} s: "
              f"{b['jobs2']['cpu'] / b['jobs1']['cpu']:.2f}× the work with two workers)")
    else:
        print(f"batch: {b['note']}: {b['jobs1']['docs_per_s']:.2f} docs/s")
    w = res["warm"]
    print(f"warm (30 × 18-page PDF, one process): audit {w['audit_median'] * 1000:.1f} ms/doc, "
          f"pypdfium2 extraction {w['extract_median'] * 1000:.1f} ms/doc → {w['ratio']:.2f}× "
          f"(cpu {w['ratio_cpu']:.2f}×)")
    st = w["stages"]
    print("  one audit, cpu ms: " + ", ".join(f"{k} {v * 1000:.1f}" for k, v in st.items()))
    ip = w["inproc_audit_cpu"]
    print(f"growth 54/18: whole process {res['figures']['growth_54_18']:.2f}×, in-process audit "
          f"{ip['pdf54'] / ip['pdf18']:.2f}× ({ip['pdf18'] * 1000:.0f} → {ip['pdf54'] * 1000:.0f} ms cpu)")
    e = w["engine_ingest_cpu"]
    print(f"engines, reading the 18-page PDF in-process: pdfium {e['pdfium'] * 1000:.0f} ms, "
          f"pdfplumber {e['pdfplumber'] * 1000:.0f} ms ({e['pdfplumber'] / e['pdfium']:.1f}×)")
    pm = res["peak_mb"]
    print(f"peak memory: --jobs 1 process {pm['jobs1_process']:.0f} MB"
          + (f", --jobs 2 worker {pm['jobs2_worker']:.0f} MB" if pm["jobs2_worker"] else ""))
    print("\ntargets (issue 5)                                       limit    median      best")
    for k, t in res["targets"].items():
        v = "—" if t["value"] is None else f"{t['value']:.3f}"
        best = "" if t["best"] is None else f"{t['best']:.3f}"
        print(f"  {t['what']:<52} {t['limit']:>7}  {v:>8}  {best:>8}  {t['result']}")


if __name__ == "__main__":
    sys.exit(main())
