"""Command line: `keiyaku-lint PATH...`, `keiyaku-lint inspect FILE`, `keiyaku-lint rules`,
`keiyaku-lint references`.

Heavy modules (pandas, pdfplumber, Sudachi) are imported only by the commands that use
them, so `--help` and `--version` start fast.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

SUBCOMMANDS = ("inspect", "rules", "references")


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"keiyaku-lint {__version__}")
        raise typer.Exit(0)


audit_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@audit_app.command(help="Audit contracts (PDF, DOCX, TXT, MD) against a reference set of model clauses.\n\n"
                        "Other commands: keiyaku-lint inspect FILE | rules | references")
def audit(
    paths: List[Path] = typer.Argument(..., help="Files or folders to audit."),
    fmt: Fmt = typer.Option(Fmt.console, "--format", "-f", help="Output format."),
    lang: Lang = typer.Option(Lang.ja, "--lang", help="Language of labels and messages."),
    reference: Optional[str] = typer.Option(None, "--reference", "-r", help="Reference file or bundled id."),
    fail_on: FailOn = typer.Option(FailOn.weakened, "--fail-on", help="Exit 1 when a clause is at or above this."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show ok clauses and every extra."),
    pdf_engine: str = typer.Option("pdfplumber", "--pdf-engine", help="pdfplumber or pdfium."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    from .audit import SEVERITY, audit_file
    from .errors import KeiyakuLintError
    from .reference import load_reference

    try:
        ref = load_reference(reference)
    except KeiyakuLintError as exc:
        typer.echo(exc.one_line(), err=True)
        raise typer.Exit(2)
    files = _expand(paths)
    if not files:
        typer.echo("keiyaku-lint: no PDF, DOCX, TXT or MD file found in the given paths", err=True)
        raise typer.Exit(2)
    results = [audit_file(str(f), ref, pdf_engine) for f in files]
    _emit(results, ref, fmt, lang, verbose)
    if all(r.error for r in results):
        raise typer.Exit(2)
    threshold = None if fail_on == FailOn.never else SEVERITY[fail_on.value]
    worst = max(SEVERITY[r.worst] for r in results if not r.error)
    raise typer.Exit(1 if threshold is not None and worst >= threshold else 0)


SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown", ".doc"}


def _expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            out.append(p)  # a named file is always tried: a bad one becomes an error row
    return out


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


inspect_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@inspect_app.command(help="Print how a file was read: parts, 第N条 (見出し), paragraphs, items, pages.")
def inspect(path: Path = typer.Argument(...), pdf_engine: str = typer.Option("pdfplumber", "--pdf-engine")) -> None:
    from .errors import KeiyakuLintError
    from .ingest import load
    from .structure import parse_lines, render_tree

    try:
        source = load(path) if pdf_engine == "pdfplumber" else load(path, pdf_engine=pdf_engine)
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
    argv = list(sys.argv[1:] if argv is None else argv)
    apps = {"inspect": inspect_app, "rules": rules_app, "references": refs_app}
    if argv and argv[0] in apps:
        apps[argv[0]](args=argv[1:], prog_name=f"keiyaku-lint {argv[0]}")
    else:
        audit_app(args=argv, prog_name="keiyaku-lint")


if __name__ == "__main__":
    main()
