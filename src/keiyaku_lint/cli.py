"""Command line: `keiyaku-lint PATH...`, `keiyaku-lint inspect FILE`, `keiyaku-lint rules`,
`keiyaku-lint references`.

Heavy modules (pandas, pdfplumber, Sudachi) are imported only by the commands that use
them, so `--help` and `--version` start fast.

Exit status of an audit: 0 nothing at or above --fail-on; 1 something is; 2 usage error,
bad configuration / reference / output path, or every input unreadable; 130 interrupted.
"""
from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

SUBCOMMANDS = ("inspect", "rules", "references")
DEFAULT_TIMEOUT = 300.0
EXIT_INTERRUPTED = 130


class Fmt(str, Enum):
    console = "console"
    json = "json"
    csv = "csv"


class Lang(str, Enum):
    ja = "ja"
    en = "en"


class FailOn(str, Enum):
    altered = "altered"
    weakened = "weakened"
    missing = "missing"
    never = "never"


class PdfEngine(str, Enum):
    auto = "auto"
    pdfplumber = "pdfplumber"
    pdfium = "pdfium"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"keiyaku-lint {__version__}")
        raise typer.Exit(0)


def _fail(msg: str, prefix: bool = True) -> None:
    """A usage-type error: one line on stderr, exit 2. KeiyakuLintError lines name their file
    already ("path: code: what"), so they go out without the prefix."""
    msg = " ".join(msg.split())
    typer.echo(f"keiyaku-lint: {msg}" if prefix else msg, err=True)
    raise typer.Exit(2)


audit_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


@audit_app.command(help="Audit contracts (PDF, DOCX, TXT, MD) against a reference set of model clauses.\n\n"
                        "Folders are searched recursively. Exit status: 0 nothing at or above --fail-on, "
                        "1 something is, 2 usage error or every input unreadable, 130 interrupted.\n\n"
                        "Settings come from keiyaku-lint.toml or [tool.keiyaku-lint] in pyproject.toml "
                        "(searched upward from the current folder); flags win.\n\n"
                        "Other commands: keiyaku-lint inspect FILE | rules | references")
def audit(
    paths: List[Path] = typer.Argument(..., help="Files or folders to audit."),
    fmt: Fmt = typer.Option(Fmt.console, "--format", "-f", help="What to print on stdout."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of labels, headers, messages [default: ja]."),
    reference: Optional[str] = typer.Option(None, "--reference", "-r", help="Reference file or bundled id."),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on",
                                             help="Exit 1 when a clause is at or above this [default: weakened]."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show ok clauses and every extra."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on stdout (reports and exit code only)."),
    pdf_engine: PdfEngine = typer.Option(PdfEngine.auto, "--pdf-engine",
                                          help="PDF text engine: auto (pypdfium2, pdfplumber if it fails), pdfplumber, pdfium."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Worker processes [default: number of CPUs]; 1 = no pool."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.0,
                                            help=f"Seconds per file before it becomes an error row "
                                                 f"[default: {DEFAULT_TIMEOUT:g}]; 0 = no limit."),
    glob: Optional[List[str]] = typer.Option(None, "--glob", "-g",
                                             help="Only take files in folders whose name or relative path "
                                                  "matches (repeatable)."),
    csv_out: Optional[Path] = typer.Option(None, "--csv", help="Write the detail CSV (document × clause)."),
    summary_out: Optional[Path] = typer.Option(None, "--summary", help="Write the summary CSV (one row a document)."),
    html_out: Optional[Path] = typer.Option(None, "--html", help="Write an HTML report with redlines."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the JSON report to a file."),
    config: Optional[Path] = typer.Option(None, "--config", help="Read settings from this file only."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore configuration files."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    args = dict(locals())
    args.pop("version")
    try:
        _audit(**args)
    except KeyboardInterrupt:  # before or after the batch (the batch handles its own)
        typer.echo("keiyaku-lint: interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)


def _audit(paths, fmt, lang, reference, fail_on, verbose, quiet, pdf_engine, jobs, timeout, glob, csv_out,
           summary_out, html_out, json_out, config, no_config) -> None:
    from .config import ConfigError, apply_accepted, check_accepted, load_config

    if config is not None and no_config:
        _fail("--config and --no-config cannot be used together")
    try:
        cfg = load_config(config, search=not no_config)
    except ConfigError as exc:
        _fail(exc.one_line(), prefix=False)

    lang_v = lang.value if lang is not None else (cfg.lang or "ja")
    fail_v = fail_on.value if fail_on is not None else (cfg.fail_on or "weakened")
    jobs_v = jobs if jobs is not None else cfg.jobs
    timeout_v = timeout if timeout is not None else (cfg.timeout if cfg.timeout is not None else DEFAULT_TIMEOUT)
    globs = tuple(glob) if glob else cfg.glob
    outputs = {
        "--csv": _pick(csv_out, cfg.csv), "--summary": _pick(summary_out, cfg.summary),
        "--html": _pick(html_out, cfg.html), "--json": _pick(json_out, cfg.json),
    }
    _check_outputs(outputs)

    from .errors import KeiyakuLintError
    from .reference import load_reference

    try:
        ref = load_reference(reference if reference is not None else cfg.reference)
        check_accepted(cfg, ref.clause_ids)
    except KeiyakuLintError as exc:
        _fail(exc.one_line(), prefix=False)

    from .batch import collect, run_batch

    inputs = collect(paths, globs)
    _say_skipped(inputs, globs)
    if not inputs.files:
        _fail("no PDF, DOCX, TXT or MD file found in the given paths")

    batch = run_batch(inputs.files, ref, jobs=jobs_v, timeout=timeout_v or None, pdf_engine=pdf_engine.value)
    results = batch.finished
    apply_accepted(results, cfg.accepted)
    if not quiet:
        _emit(results, ref, fmt, Lang(lang_v), verbose)
    _write_reports(outputs, results, ref, lang_v)
    if batch.interrupted:
        typer.echo(f"keiyaku-lint: interrupted — {len(results)} of {len(inputs.files)} files audited; "
                   "the reports cover the finished ones", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(exit_code(results, fail_v))


def exit_code(results, fail_on: str) -> int:
    """0 / 1 / 2 like a linter: 2 when every input was unreadable, 1 when a finding is at or
    above `fail_on` (accepted deviations never count), else 0."""
    from .audit import SEVERITY

    if not results or all(r.error for r in results):
        return 2
    if fail_on == "never":
        return 0
    worst = max(SEVERITY[r.worst] for r in results if not r.error)
    return 1 if worst >= SEVERITY[fail_on] else 0


def _pick(flag: Optional[Path], configured: Optional[str]) -> Optional[Path]:
    if flag is not None:
        return flag
    return Path(configured) if configured else None


def _check_outputs(outputs: dict) -> None:
    """Every report path must be writable BEFORE any work starts, and no two the same."""
    from .report import check_writable

    seen: dict[str, str] = {}
    for flag, path in outputs.items():
        if path is None:
            continue
        key = os.path.realpath(path)
        if key in seen:
            _fail(f"{flag} and {seen[key]} name the same file {path}")
        seen[key] = flag
        why = check_writable(path)
        if why:
            _fail(f"cannot write the {flag} report {path}: {why}")


def _say_skipped(inputs, globs) -> None:
    if inputs.skipped:
        n = inputs.skipped
        eg = ", ".join(inputs.skipped_examples) + ("…" if n > len(inputs.skipped_examples) else "")
        typer.echo(f"keiyaku-lint: skipped {n} file{'s' if n != 1 else ''} that {'are' if n != 1 else 'is'} "
                   f"not PDF, DOCX, TXT or MD ({eg})", err=True)
    if inputs.filtered:
        n = inputs.filtered
        typer.echo(f"keiyaku-lint: skipped {n} file{'s' if n != 1 else ''} not matching --glob "
                   f"{' '.join(globs)}", err=True)


def _write_reports(outputs: dict, results, ref, lang: str) -> None:
    from . import report

    written = []
    if outputs["--json"] is not None:
        report.write_json(outputs["--json"], results, ref, lang)
        written.append(str(outputs["--json"]))
    if outputs["--csv"] is not None:
        n = report.write_csv(outputs["--csv"], results, lang)
        written.append(f"{outputs['--csv']} ({n} rows)")
    if outputs["--summary"] is not None:
        n = report.write_summary(outputs["--summary"], results, lang)
        written.append(f"{outputs['--summary']} ({n} rows)")
    if outputs["--html"] is not None:
        from .html import write_html

        write_html(outputs["--html"], results, ref, lang)
        written.append(str(outputs["--html"]))
    if written:
        typer.echo("keiyaku-lint: wrote " + ", ".join(written), err=True)


def _emit(results, ref, fmt: Fmt, lang: Lang, verbose: bool) -> None:
    from . import report

    if fmt == Fmt.json:
        sys.stdout.write(json.dumps(report.to_json(results, ref, lang.value), ensure_ascii=False, indent=1) + "\n")
    elif fmt == Fmt.csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(report.headers(report.CSV_COLUMNS, lang.value))
        for doc in results:
            for row in report.detail_rows(doc, lang.value):
                writer.writerow([row[k] for k, _ in report.CSV_COLUMNS])
    else:
        report.print_console(results, ref, lang.value, verbose)
    sys.stdout.flush()


inspect_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


@inspect_app.command(help="Print how a file was read: parts, 第N条 (見出し), paragraphs, items, pages.")
def inspect(path: Path = typer.Argument(...),
            pdf_engine: PdfEngine = typer.Option(PdfEngine.auto, "--pdf-engine")) -> None:
    from .ingest import load
    from .errors import KeiyakuLintError
    from .structure import parse_lines, render_tree

    try:
        source = load(path, pdf_engine=pdf_engine.value)
    except KeiyakuLintError as exc:
        typer.echo(exc.one_line(), err=True)
        raise typer.Exit(2)
    typer.echo(render_tree(parse_lines(source.lines, str(path))))


rules_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@rules_app.command(help="List the rule catalogue.")
def rules(markdown: bool = typer.Option(False, "--markdown", help="Print docs/rules.md.")) -> None:
    from .rules.catalog import RULES, rules_markdown

    if markdown:
        typer.echo(rules_markdown())
        return
    for r in RULES:
        typer.echo(f"{r.code}  {r.name:<24} {r.effect:<10} {r.summary_ja} / {r.summary_en}")


refs_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@refs_app.command(help="List the bundled reference sets.")
def references() -> None:
    from .reference import bundled_references

    for rid, title, count, path in bundled_references():
        typer.echo(f"{rid}  {count} clauses  {title}")


def main(argv: list[str] | None = None) -> None:
    import logging

    # Parsers (pdfminer) log warnings that quote document content; with no handler
    # Python's last resort would print them on stderr. Contract text stays out of logs.
    logging.getLogger().addHandler(logging.NullHandler())
    argv = list(sys.argv[1:] if argv is None else argv)
    apps = {"inspect": inspect_app, "rules": rules_app, "references": refs_app}
    try:
        if argv and argv[0] in apps:
            apps[argv[0]](args=argv[1:], prog_name=f"keiyaku-lint {argv[0]}")
        else:
            audit_app(args=argv, prog_name="keiyaku-lint")
    except KeyboardInterrupt:
        typer.echo("keiyaku-lint: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)


def run() -> None:
    """The console script: `main`, then leave without tearing the interpreter down.

    Freeing every object of an audit process at exit (python-docx's and numpy's modules,
    the tokeniser's caches, the results) takes 40–60 ms after one file and 0.1–0.25 s
    after a --jobs 1 batch, and serves nothing: the reports are written and closed and the
    workers stopped before `main` returns. Under a tracer or a profiler (coverage,
    cProfile), which write their data at exit, the normal exit is kept."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): print it, like Python does
        print(code, file=sys.stderr)
        code = 1
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away (| head), or closed
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
