#!/usr/bin/env python3
"""Batch acceptance run: a 200-document archive folder, audited with --jobs 2 and --jobs 1.

    python scripts/bench_batch.py [--shared ../shared] [--jobs 2 1] [--keep DIR] [--html-png]

Builds the folder from shared/corpus/dev (all 42 files — 37 contracts and the 5 files the
tool must refuse — copied four times, then the first 32 once more: 200 documents, 20 of
them errors) plus non-contract files (.png, .xlsx, .csv, .json, .pptx) in sub-folders, and
runs the real CLI on it once per --jobs value, writing every report. Checks, with pandas,
that the detail CSV has 45 rows per readable document plus one per error, the summary one
row per document (in input order), and that the Japanese survives utf-8-sig. Prints the
wall times side by side (no timing assertions anywhere: machines differ).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def find_shared(given: str | None) -> Path:
    cands = [Path(given)] if given else []
    if os.environ.get("KEIYAKU_SHARED"):
        cands.append(Path(os.environ["KEIYAKU_SHARED"]))
    cands += [HERE.parents[1] / "shared", Path("/work/shared")]
    for c in cands:
        if (c / "corpus" / "dev").is_dir():
            return c
    sys.exit("bench_batch: shared/corpus/dev not found (use --shared or KEIYAKU_SHARED)")


def build_archive(dev: Path, dest: Path, n_docs: int = 200) -> dict:
    labels = json.loads((dev / "labels.json").read_text(encoding="utf-8"))["documents"]
    files = sorted(d["file"] for d in labels)
    errors = {d["file"] for d in labels if d.get("expect_error")}
    made, n_err, copy = [], 0, 0
    while len(made) < n_docs:
        folder = dest / f"{2019 + copy}年度" / ("契約書" if copy % 2 else "scan")
        folder.mkdir(parents=True, exist_ok=True)
        for name in files:
            if len(made) == n_docs:
                break
            target = folder / name
            shutil.copyfile(dev / name, target)
            made.append(target)
            n_err += name in errors
        copy += 1
    junk = {"表紙.png": b"\x89PNG\r\n\x1a\n" + bytes(200), "予算.xlsx": b"PK\x03\x04" + bytes(200),
            "一覧.csv": "ファイル,担当\n".encode("utf-8"), "meta.json": b"{}", "説明会.pptx": b"PK\x03\x04" + bytes(50)}
    for i, (name, data) in enumerate(junk.items()):
        (dest / f"{2019 + i % copy}年度" / name).write_bytes(data)
    return {"documents": len(made), "errors": n_err, "readable": len(made) - n_err, "non_contract": len(junk)}


def run(folder: Path, out: Path, jobs: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "keiyaku_lint.cli", str(folder), "--jobs", str(jobs), "-q", "--no-config",
           "--csv", str(out / "detail.csv"), "--summary", str(out / "summary.csv"),
           "--html", str(out / "report.html"), "--json", str(out / "report.json")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)  # the CLI and its workers
    return {"jobs": jobs, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "exit": proc.returncode,
            "stderr": proc.stderr.strip()}


def check(out: Path, expect: dict) -> dict:
    import pandas as pd

    detail = pd.read_csv(out / "detail.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    n_err = int((summary["最も重い判定"] == "error").sum())
    want_rows = 45 * expect["readable"] + expect["errors"]
    from keiyaku_lint.reference import load_reference

    headings = {c.id: c.heading for c in load_reference().clauses}
    rows = detail[detail["判定"] != "error"]
    japanese_ok = bool((rows["見出し"] == rows["条項ID"].map(headings)).all())
    return {
        "detail_rows": len(detail), "detail_rows_expected": want_rows, "detail_ok": len(detail) == want_rows,
        "summary_rows": len(summary), "summary_ok": len(summary) == expect["documents"],
        "error_rows": n_err, "errors_ok": n_err == expect["errors"],
        "statuses": detail["判定"].value_counts().to_dict(), "japanese_round_trip": japanese_ok,
        "html_bytes": (out / "report.html").stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", help="the shared/ folder (default: KEIYAKU_SHARED, ../shared, /work/shared)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[2, 1], help="--jobs values to time (default: 2 1)")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="build and keep everything in this folder")
    ap.add_argument("--html-png", action="store_true", help="also screenshot the first run's HTML report")
    ap.add_argument("--json-out", type=Path, help="write the figures to this JSON file")
    args = ap.parse_args(argv)
    dev = find_shared(args.shared) / "corpus" / "dev"
    work = args.keep or Path(tempfile.mkdtemp(prefix="keiyaku-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    try:
        archive = work / "archive"
        expect = build_archive(dev, archive, args.docs)
        print(f"archive: {archive}  {expect}")
        figures = {"archive": expect, "cpus": os.cpu_count(), "runs": []}
        for jobs in args.jobs:
            out = work / f"reports-j{jobs}"
            load = os.getloadavg()[0]
            res = run(archive, out, jobs)
            res["load_before"] = load
            res.update(check(out, expect))
            figures["runs"].append(res)
            print(f"--jobs {jobs}: {res['wall_s']:.1f} s wall, {res['cpu_s']:.1f} s CPU, exit {res['exit']}, detail {res['detail_rows']} rows "
                  f"(expected {res['detail_rows_expected']}), summary {res['summary_rows']} rows, "
                  f"errors {res['error_rows']}, Japanese round-trip {res['japanese_round_trip']}")
            print(f"   load average before: {res['load_before']:.1f} on {os.cpu_count()} CPUs; "
                  f"stderr: {res['stderr']}")
        if args.html_png:
            shot = subprocess.run([sys.executable, str(HERE / "screenshot_html.py"),
                                   str(work / f"reports-j{args.jobs[0]}" / "report.html")],
                                  capture_output=True, text=True)
            figures["screenshot"] = shot.stdout.strip() or shot.stderr.strip()
            print(f"screenshot: {figures['screenshot']}")
        if len(figures["runs"]) > 1:
            print("wall time: " + "  ".join(f"--jobs {r['jobs']}: {r['wall_s']:.1f} s" for r in figures["runs"]))
        if args.json_out:
            args.json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
        ok = all(r["detail_ok"] and r["summary_ok"] and r["errors_ok"] and r["japanese_round_trip"]
                 and r["exit"] in (0, 1) for r in figures["runs"])
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
