"""Plain data passed between the pipeline stages.

ingest -> list[Line] -> structure -> DocTree -> align/judge -> Finding.
Nothing here imports another stage: every module may import this one.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One logical line of a source document (a DOCX paragraph, a PDF line, a text line)."""

    text: str
    page: int | None = None  # 1-based page; None where the format has no pages (TXT, MD, DOCX)
    lineno: int = 0  # TXT/MD: the file line it starts on; PDF/DOCX: its 1-based position among the lines ingest produced


@dataclass
class SourceDoc:
    path: str
    kind: str  # "pdf" | "docx" | "txt" | "md"
    lines: list[Line]
    meta: dict = field(default_factory=dict)
