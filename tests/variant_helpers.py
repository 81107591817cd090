"""Shared by the variant test sets (tests/test_variants*.py): the clean reference copy and
the check every set makes — one edit, then the edited clause's status and silence elsewhere."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from keiyaku_lint.audit import DocResult, audit_file, audit_tree
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_text

ROOT = Path(__file__).resolve().parents[1]
CLEAN = (ROOT / "samples" / "reference-annexes-clean.txt").read_text(encoding="utf-8")
REF = load_reference()


def audit_text(text: str, name: str = "variant.txt") -> DocResult:
    return audit_tree(parse_text(text, name), REF)


def audit_via_file(text: str, path: Path) -> DocResult:
    """Write `text` to `path` and audit the file (ingest included: its suffix decides how
    it is read)."""
    path.write_text(text, encoding="utf-8")
    result = audit_file(str(path), REF)
    assert result.error is None, result.error
    return result


def check_variant(cid: str, old: str, new: str, expected: str,
                  layout: Callable[[str], str] = lambda text: text, via: Path | None = None) -> DocResult:
    """Replace `old` (found exactly once in the clean copy) by `new`, lay the text out,
    audit it (through the file `via` when given): `cid` must get `expected` and every other
    clause must stay ok."""
    assert CLEAN.count(old) == 1, f"the clean copy must contain the edited words once: {old}"
    text = layout(CLEAN.replace(old, new))
    result = audit_via_file(text, via) if via is not None else audit_text(text)
    got = {f.clause_id: f for f in result.findings}
    assert got[cid].status == expected, [r.message() for r in got[cid].reasons]
    assert {k: f.status for k, f in got.items() if k != cid and f.status != "ok"} == {}
    return result


def not_ok(result: DocResult) -> dict[str, list[str]]:
    return {f.clause_id: [r.message() for r in f.reasons] for f in result.findings if f.status != "ok"}
