"""Helpers shared by the CLI / batch / report / HTML / config tests (no tests here).

Documents: the clean sample (all 45 clauses verbatim) and two variants made from it —
one with the last paragraph deleted (特記事項第17条第2項 → missing) and one with a duty
softened (特記事項第5条 してはならない → しないよう努めるものとする → weakened). Corpus
documents are only used for counts, formats and the expected error files, never for
their statuses (the judge is tuned concurrently).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import find_shared

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "samples" / "reference-annexes-clean.txt"
STATUSES = {"ok", "altered", "weakened", "missing", "accepted"}




SHARED = find_shared()
DEV = SHARED / "corpus" / "dev" if SHARED else None
needs_corpus = pytest.mark.skipif(SHARED is None, reason="shared/ corpus not available (set KEIYAKU_SHARED)")

# A small, varied copy of the dev corpus: 4 readable documents (docx, pdf, txt, md), 2 that
# must be refused, 2 files that are not contracts at all.
SMALL_READABLE = ["d01-insatsu.docx", "d02-anketo.pdf", "d03-honyaku.txt", "d05-insatsu.md"]
SMALL_ERRORS = {"d91-empty.md": "empty", "d92-broken.docx": "broken-docx"}


def make_small_corpus(root: Path) -> Path:
    """root/contracts/{a few docs, sub/…, scan.png, budget.xlsx}; returns the folder."""
    folder = root / "contracts"
    (folder / "sub").mkdir(parents=True)
    for i, name in enumerate(SMALL_READABLE + list(SMALL_ERRORS)):
        dest = folder / "sub" if i % 2 else folder
        shutil.copyfile(DEV / name, dest / name)
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    return folder


def make_variants(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = CLEAN.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[-1].startswith("２　甲は、委託契約期間中少なくとも１年に１回"), "sample changed: update the test"
    out = {"clean": folder / "clean.txt", "missing": folder / "missing.txt", "weak": folder / "weak.txt"}
    out["clean"].write_text(text, encoding="utf-8")
    out["missing"].write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    old = "又は複製してはならない。"
    assert old in text
    out["weak"].write_text(text.replace(old, "又は複製しないよう努めるものとする。"), encoding="utf-8")
    return out


def run_cli(*args: str | os.PathLike, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """keiyaku-lint in a subprocess (as users run it)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "keiyaku_lint.cli", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def call_cli(capsys, *args: str | os.PathLike) -> tuple[int, str, str]:
    """keiyaku-lint in this process (fast: the dictionary stays loaded); (exit code, stdout, stderr)."""
    from keiyaku_lint.cli import main

    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    out, err = capsys.readouterr()
    return code, out, err
