"""Report: DocResults -> console, JSON (the eval contract), CSV rows, report files.

Formatting lives here only; the checker never prints. Report files (--csv, --summary,
--json) are written atomically: a temporary file in the same folder, fsync, os.replace,
so an interrupted run leaves the old file or none, never half a report. pandas is
imported only by the functions that write the tables (start-up stays fast).
"""
from __future__ import annotations

import difflib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Callable, Iterable

from . import __version__
from .audit import SEVERITY, DocResult, Finding
from .reference import Reference

STATUS_JA = {"ok": "問題なし", "altered": "変更", "weakened": "弱化", "missing": "欠落",
             "accepted": "承認済み", "error": "エラー"}
STATUS_STYLE = {"ok": "green", "altered": "yellow", "weakened": "bold red", "missing": "bold magenta",
                "accepted": "cyan", "error": "bold red"}

# Detail CSV columns, in a fixed order (Japanese headers by default, English keys with --lang en).
CSV_COLUMNS = [
    ("file", "ファイル"), ("clause_id", "条項ID"), ("title", "見出し"), ("status", "判定"),
    ("status_label", "判定（表示）"), ("rules", "ルールID"), ("message", "理由"), ("part", "部"),
    ("article", "条"), ("paragraph", "項"), ("page", "ページ"), ("similarity", "類似度"),
    ("reference_excerpt", "基準の文言"), ("draft_excerpt", "契約書の文言"),
    ("accepted_reason", "承認理由"),
]
SUMMARY_COLUMNS = [
    ("file", "ファイル"), ("ok", "問題なし"), ("altered", "変更"), ("weakened", "弱化"),
    ("missing", "欠落"), ("accepted", "承認済み"), ("extras", "追加条項"), ("worst", "最も重い判定"),
    ("worst_label", "最も重い判定（表示）"), ("error_code", "エラーコード"), ("error", "エラー"),
]


def display_path(text: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by Python as lone
    surrogates) become U+FFFD instead of breaking the output."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def status_label(status: str, lang: str) -> str:
    return STATUS_JA.get(status, status) if lang == "ja" else status


def clause_title(f: Finding) -> str:
    return f.clause.heading


def finding_json(f: Finding, lang: str) -> dict:
    loc = f.location.as_dict() if f.location else None
    return {
        "clause_id": f.clause_id,
        "status": f.status,
        "title": clause_title(f),
        "location": loc,
        "similarity": f.similarity,
        "reasons": [{"rule": r.rule, "code": r.code, "message": r.message(lang),
                     "reference_words": r.ref_words, "draft_words": r.draft_words} for r in f.reasons],
        "reference_text": f.clause.full_text,
        "found_text": f.found_text,
        **({"accepted_reason": f.accepted_reason} if f.accepted_reason else {}),
        **({"accepted_from": f.accepted_from} if getattr(f, "accepted_from", None) else {}),
    }


def document_json(doc: DocResult, lang: str = "ja") -> dict:
    return {
        "path": display_path(doc.path),
        "error": doc.error,
        **({"error_code": doc.error_code} if doc.error else {}),
        "findings": [finding_json(f, lang) for f in doc.findings],
        "extras": [{"location": e.location.as_dict(), "text": e.text, "overrides": e.overrides}
                   for e in doc.extras],
        "summary": {**doc.counts(), "worst": doc.worst},
    }


def to_json(results: Iterable[DocResult], ref: Reference, lang: str = "ja") -> dict:
    return {
        "tool": "keiyaku-lint",
        "version": __version__,
        "reference": {"id": ref.id, "title": ref.title},
        "documents": [document_json(d, lang) for d in results],
    }


# ------------------------------------------------------------------ CSV rows


def _excerpt(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _message(f: Finding, lang: str) -> str:
    msg = " / ".join(r.message(lang) for r in f.reasons)
    if f.status == "accepted":
        was = getattr(f, "accepted_from", "")
        label = (f"承認済み（{status_label(was, 'ja')}）" if was else "承認済み") if lang == "ja" \
            else (f"accepted ({was})" if was else "accepted")
        msg = f"{label}: {f.accepted_reason}" + (f" / {msg}" if msg else "")
    return msg


def error_row(doc: DocResult, lang: str = "ja") -> dict:
    return {"file": display_path(doc.path), "clause_id": "", "title": "", "status": "error",
            "status_label": status_label("error", lang), "rules": doc.error_code or "", "message": doc.error,
            "part": "", "article": "", "paragraph": "", "page": "", "similarity": "",
            "reference_excerpt": "", "draft_excerpt": "", "accepted_reason": ""}


def detail_rows(doc: DocResult, lang: str = "ja") -> list[dict]:
    """One row per reference clause (or one error row), keys as in CSV_COLUMNS."""
    if doc.error:
        return [error_row(doc, lang)]
    rows = []
    for f in doc.findings:
        loc = f.location
        rows.append({
            "file": display_path(doc.path), "clause_id": f.clause_id, "title": clause_title(f), "status": f.status,
            "status_label": status_label(f.status, lang),
            "rules": " ".join(r.code for r in f.reasons),
            "message": _message(f, lang),
            "part": loc.part if loc else "", "article": loc.article if loc else "",
            "paragraph": loc.paragraph if loc else "", "page": (loc.page or "") if loc else "",
            "similarity": f.similarity, "reference_excerpt": _excerpt(f.clause.full_text),
            "draft_excerpt": _excerpt(f.found_text), "accepted_reason": f.accepted_reason,
        })
    return rows


def summary_row(doc: DocResult, lang: str = "ja") -> dict:
    counts = doc.counts() if not doc.error else {s: 0 for s in ("ok", "altered", "weakened", "missing", "accepted")}
    return {"file": display_path(doc.path), **counts, "extras": len(doc.extras), "worst": doc.worst,
            "worst_label": status_label(doc.worst, lang),
            "error_code": (doc.error_code or "") if doc.error else "", "error": doc.error or ""}


def headers(columns: list[tuple[str, str]], lang: str) -> list[str]:
    return [en if lang == "en" else ja for en, ja in columns]


# ------------------------------------------------------------------ report files


def atomic_write(path: str | os.PathLike, write: Callable[[IO[str]], None], encoding: str = "utf-8") -> None:
    """Write a text file atomically: temp file in the same folder, fsync, os.replace.

    If `write` raises (or the run is interrupted), the temp file is removed and `path`
    is left as it was (absent, or the previous complete report).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, 0o666 & ~_umask())
        except OSError:  # pragma: no cover
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(path.parent or ".", os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # pragma: no cover - not every filesystem allows it
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path: str | os.PathLike) -> str | None:
    """Why a report cannot be written to `path` (None when it can): tried with a real temp file."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return "is a directory"
    if not folder.exists():
        return f"folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        return f"folder {folder} is not writable ({exc.strerror or exc})"
    if path.exists() and not os.access(path, os.W_OK) and not os.access(folder, os.W_OK):
        return "file is read-only"
    return None


def detail_frame(results: Iterable[DocResult], lang: str = "ja"):
    """pandas DataFrame of the detail report: one row per document × clause, one per error."""
    import pandas as pd

    rows = [row for doc in results for row in detail_rows(doc, lang)]
    keys = [k for k, _ in CSV_COLUMNS]
    frame = pd.DataFrame(rows, columns=keys)
    frame.columns = headers(CSV_COLUMNS, lang)
    return frame


def summary_frame(results: Iterable[DocResult], lang: str = "ja"):
    """pandas DataFrame of the summary report: one row per document."""
    import pandas as pd

    rows = [summary_row(doc, lang) for doc in results]
    frame = pd.DataFrame(rows, columns=[k for k, _ in SUMMARY_COLUMNS])
    frame.columns = headers(SUMMARY_COLUMNS, lang)
    return frame


def _write_frame(frame, fh: IO[str]) -> None:
    frame.to_csv(fh, index=False, lineterminator="\r\n")


def write_csv(path: str | os.PathLike, results: Iterable[DocResult], lang: str = "ja") -> int:
    """Detail CSV (UTF-8 with BOM, for Excel), written atomically; returns the row count."""
    frame = detail_frame(results, lang)
    atomic_write(path, lambda fh: _write_frame(frame, fh), encoding="utf-8-sig")
    return len(frame)


def write_summary(path: str | os.PathLike, results: Iterable[DocResult], lang: str = "ja") -> int:
    """Summary CSV (UTF-8 with BOM), written atomically; returns the row count."""
    frame = summary_frame(results, lang)
    atomic_write(path, lambda fh: _write_frame(frame, fh), encoding="utf-8-sig")
    return len(frame)


def write_json(path: str | os.PathLike, results: Iterable[DocResult], ref: Reference, lang: str = "ja") -> None:
    data = to_json(results, ref, lang)
    atomic_write(path, lambda fh: fh.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n"))


# ------------------------------------------------------------------ console


def inline_diff(ref: str, found: str) -> list[tuple[str, str]]:
    """(style, text) segments: deleted words red, inserted words green."""
    sm = difflib.SequenceMatcher(None, ref, found, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            seg = ref[i1:i2]
            out.append(("", seg if len(seg) <= 24 else seg[:10] + "…" + seg[-10:]))
        if op in ("delete", "replace"):
            out.append(("red strike", ref[i1:i2]))
        if op in ("insert", "replace"):
            out.append(("green underline", found[j1:j2]))
    return out


def print_console(results: list[DocResult], ref: Reference, lang: str = "ja", verbose: bool = False,
                  console=None) -> None:
    from rich.console import Console
    from rich.text import Text

    # Wrap only for a person at a terminal: a pipe or a file gets whole lines (an error
    # stays on one line, as documented).
    console = console or Console(soft_wrap=not sys.stdout.isatty())
    for doc in results:
        console.print(Text(display_path(doc.path), style="bold"))
        if doc.error:
            console.print(Text(f"  {status_label('error', lang)}: {display_path(doc.error)}", style="bold red"),
                          soft_wrap=True)
            continue
        counts = doc.counts()
        summary = "  " + "  ".join(f"{status_label(s, lang)} {counts[s]}" for s in
                                   ("missing", "weakened", "altered", "ok", "accepted") if counts.get(s) or s == "ok")
        summary += f"  ({ref.id}, {len(doc.findings)} {'条項' if lang == 'ja' else 'clauses'})"
        console.print(summary)
        order = sorted(doc.findings, key=lambda f: -SEVERITY[f.status])
        for f in order:
            if f.status == "ok" and not verbose:
                continue
            _print_finding(console, f, lang)
        for extra in doc.extras:
            if extra.overrides or verbose:
                tag = "追加条項" if lang == "ja" else "extra"
                target = f" → {extra.overrides}" if extra.overrides else ""
                console.print(Text(f"  [{tag}{target}] {extra.location.part} {extra.location.article} "
                                   f"第{extra.location.paragraph}項: {_excerpt(extra.text, 70)}", style="yellow"))


def _where(f: Finding, lang: str) -> str:
    if not f.location:
        return "（該当なし）" if lang == "ja" else "(not found)"
    loc = f.location
    para = f"第{loc.paragraph}項" if lang == "ja" else f"para {loc.paragraph}"
    page = f" p.{loc.page}" if loc.page else ""
    return f"{loc.part} {loc.article} {para}{page}"


def _print_finding(console, f: Finding, lang: str) -> None:
    from rich.text import Text

    head = Text("  ")
    head.append(f"{status_label(f.status, lang):<4}", style=STATUS_STYLE.get(f.status, ""))
    head.append(f" {f.clause_id} （{f.clause.heading}）  {_where(f, lang)}")
    console.print(head)
    for r in f.reasons:
        console.print(Text(f"      {r.code} {r.message(lang)}"))
    if f.accepted_reason:
        console.print(Text(f"      {f.accepted_reason}", style="cyan"))
    if f.status in ("altered", "weakened") and f.found_text:
        line = Text("      ")
        for style, seg in inline_diff(" ".join(f.clause.full_text.split()), " ".join(f.found_text.split())):
            line.append(seg, style=style)
        console.print(line)
