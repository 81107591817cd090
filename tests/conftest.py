"""Shared fixtures.

`shared_dir`: the project's shared/ folder (evaluation contract, dev corpora), which is
not part of the repository. Looked up in this order:

1. the environment variable KEIYAKU_SHARED (used exclusively when set);
2. ``shared/`` beside the repository (``../shared`` from the repo root, as CI lays it out);
3. ``/work/shared``.

Tests that need it are skipped when none of these exists.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


def find_shared() -> Path | None:
    env = os.environ.get("KEIYAKU_SHARED")
    if env:
        cands = [Path(env)]
    else:
        cands = [Path(__file__).resolve().parents[2] / "shared", Path("/work/shared")]
    for cand in cands:
        if (cand / "corpus").is_dir():
            return cand
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    shared = find_shared()
    if shared is None:
        pytest.skip("shared/ (corpus, eval contract) not available: set KEIYAKU_SHARED")
    return shared


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES
