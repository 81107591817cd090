"""Reference sets of model clauses, loaded from JSON.

A reference file (``reference/*.json`` in the repository, shipped in the wheel as
the package ``keiyaku_lint.refdata``) holds one standard: its parts (記載例 /
特記事項), its clauses at paragraph (項) level with their items (号), and the
drafting notes that are NOT clause text. The file is produced by
``scripts/build_reference.py`` from the seed text; see that script for the format.

    >>> ref = load_reference()            # bundled oita-police-2023
    >>> ref.clause("tokki-6-8").full_text.splitlines()[1]
    '(1) 金庫、保管庫又は施錠若しくは入退室管理の可能な保管室に保管すること。'

Texts are kept exactly as in the source (full-width digits, 漏えい, …); any
normalisation is the matcher's business, not the data's.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from keiyaku_lint.errors import ReferenceFormatError

DEFAULT_REFERENCE_ID = "oita-police-2023"
SCHEMA_VERSION = 1
_PACKAGE = "keiyaku_lint.refdata"


@dataclass(frozen=True)
class RefItem:
    """One item (号) of a paragraph: label as printed ("(1)", "一", "ア") and its text."""

    label: str
    text: str
    items: tuple["RefItem", ...] = ()

    def walk(self) -> Iterator["RefItem"]:
        """This item, then its sub-items depth-first."""
        yield self
        for it in self.items:
            yield from it.walk()


@dataclass(frozen=True)
class RefClause:
    """One paragraph (項) of the reference: the unit that gets a status."""

    id: str  # "tokki-6-8", "kisai-1-2"
    part: str  # "tokki" | "kisai"
    article: int  # 第A条 / 記載例 N
    paragraph: int  # 第P項 (the unnumbered first paragraph is 1)
    heading: str  # 見出し without the brackets: "安全管理措置"
    text: str  # the paragraph's own sentences, without 条/項 numbers or 見出し
    items: tuple[RefItem, ...] = ()
    polarity: int = 1  # -1: the clause is an exclusion or a concession (see build_reference.py)
    role: str = ""

    def walk_items(self) -> Iterator[RefItem]:
        for it in self.items:
            yield from it.walk()

    @property
    def full_text(self) -> str:
        """The text, then every item depth-first as "label text", joined with newlines."""
        return "\n".join([self.text] + [f"{it.label} {it.text}" for it in self.walk_items()])


@dataclass(frozen=True)
class RefPart:
    id: str  # "kisai" | "tokki"
    title: str  # "契約書への記載例"
    label: str  # "別添1"
    location: str  # "body" (clauses go in the contract body) | "annex" (an attached 特記事項)


@dataclass(frozen=True)
class RefNote:
    """A drafting note (commentary, ※注, 注１): not clause text, never audited."""

    part: str
    article: int | None
    after: str  # id of the clause the note follows
    text: str


@dataclass(frozen=True)
class Reference:
    id: str
    title: str
    issuer: str
    source: str
    effective_date: str
    parties: dict[str, str]
    parts: tuple[RefPart, ...]
    clauses: tuple[RefClause, ...]
    notes: tuple[RefNote, ...] = ()
    effective_date_iso: str = ""
    path: str = field(default="", compare=False)

    def clause(self, clause_id: str) -> RefClause:
        """The clause with this id; KeyError if there is none."""
        return self._by_id[clause_id]

    @functools.cached_property
    def _by_id(self) -> dict[str, RefClause]:
        # A batch's parent looks up every finding's clause (45 per document) by id.
        return {c.id: c for c in self.clauses}

    @property
    def clause_ids(self) -> list[str]:
        return [c.id for c in self.clauses]

    def part(self, part_id: str) -> RefPart:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    def clauses_in(self, part_id: str) -> list[RefClause]:
        return [c for c in self.clauses if c.part == part_id]


# --------------------------------------------------------------------------- validation


class _Checker:
    """Reads a parsed JSON value field by field; every error names the field path."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, what: str) -> None:
        raise ReferenceFormatError(self.path, f"{where}: {what}" if where else what)

    @staticmethod
    def _type_name(v: Any) -> str:
        return {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
                float: "number", type(None): "null"}.get(type(v), type(v).__name__)

    def get(self, obj: dict, key: str, where: str, kind: type | tuple, *, optional: bool = False,
            nullable: bool = False, default: Any = None) -> Any:
        here = f"{where}.{key}" if where else key
        if key not in obj:
            if optional:
                return default
            self.fail(here, "missing")
        v = obj[key]
        if v is None and nullable:
            return None
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is a subclass of int: never accept it where a number is expected
        if not isinstance(v, kinds) or (isinstance(v, bool) and bool not in kinds):
            want = " or ".join(self._type_name(k()) if k is not type(None) else "null" for k in kinds)
            self.fail(here, f"expected {want}, got {self._type_name(v)}")
        if isinstance(v, str) and not v.strip() and kind is str:
            self.fail(here, "empty")
        return v

    def obj(self, v: Any, where: str) -> dict:
        if not isinstance(v, dict):
            self.fail(where, f"expected object, got {self._type_name(v)}")
        return v


def _items(ck: _Checker, raw: list, where: str) -> tuple[RefItem, ...]:
    out = []
    for i, r in enumerate(raw):
        w = f"{where}[{i}]"
        r = ck.obj(r, w)
        out.append(RefItem(
            label=ck.get(r, "label", w, str),
            text=ck.get(r, "text", w, str),
            items=_items(ck, ck.get(r, "items", w, list, optional=True, default=[]), f"{w}.items"),
        ))
    return tuple(out)


def _polarity(ck: "_Checker", r: dict, where: str) -> int:
    value = ck.get(r, "polarity", where, int, optional=True, default=1)
    if value not in (1, -1):
        ck.fail(f"{where}.polarity", f"must be 1 or -1, got {value}")
    return value


def reference_from_dict(data: Any, path: str = "<reference>") -> Reference:
    """Validate a parsed reference file; ReferenceFormatError names the first bad field."""
    ck = _Checker(path)
    data = ck.obj(data, "")
    schema = ck.get(data, "schema", "", int)
    if schema != SCHEMA_VERSION:
        ck.fail("schema", f"unsupported version {schema} (expected {SCHEMA_VERSION})")

    parts = []
    for i, r in enumerate(ck.get(data, "parts", "", list)):
        w = f"parts[{i}]"
        r = ck.obj(r, w)
        parts.append(RefPart(id=ck.get(r, "id", w, str), title=ck.get(r, "title", w, str),
                             label=ck.get(r, "label", w, str), location=ck.get(r, "location", w, str)))
    part_ids = [p.id for p in parts]
    if len(set(part_ids)) != len(part_ids):
        dup = next(p for p in part_ids if part_ids.count(p) > 1)
        ck.fail(f"parts[{part_ids.index(dup, part_ids.index(dup) + 1)}].id", f"duplicate {dup!r}")

    raw_clauses = ck.get(data, "clauses", "", list)
    if not raw_clauses:
        ck.fail("clauses", "empty")
    clauses: list[RefClause] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(raw_clauses):
        w = f"clauses[{i}]"
        r = ck.obj(r, w)
        cid = ck.get(r, "id", w, str)
        if cid in seen:
            ck.fail(f"{w}.id", f"duplicate {cid!r} (also clauses[{seen[cid]}])")
        seen[cid] = i
        part = ck.get(r, "part", w, str)
        if part not in part_ids:
            ck.fail(f"{w}.part", f"unknown part {part!r} (parts: {', '.join(part_ids)})")
        article = ck.get(r, "article", w, int)
        paragraph = ck.get(r, "paragraph", w, int)
        if article < 1:
            ck.fail(f"{w}.article", f"must be >= 1, got {article}")
        if paragraph < 1:
            ck.fail(f"{w}.paragraph", f"must be >= 1, got {paragraph}")
        clauses.append(RefClause(
            id=cid, part=part, article=article, paragraph=paragraph,
            heading=ck.get(r, "heading", w, str),
            text=ck.get(r, "text", w, str),
            items=_items(ck, ck.get(r, "items", w, list, optional=True, default=[]), f"{w}.items"),
            polarity=_polarity(ck, r, w),
            role=ck.get(r, "role", w, str, optional=True, default=""),
        ))

    notes = []
    for i, r in enumerate(ck.get(data, "notes", "", list, optional=True, default=[])):
        w = f"notes[{i}]"
        r = ck.obj(r, w)
        after = ck.get(r, "after", w, str)
        if after not in seen:
            ck.fail(f"{w}.after", f"unknown clause id {after!r}")
        notes.append(RefNote(part=ck.get(r, "part", w, str),
                             article=ck.get(r, "article", w, int, nullable=True),
                             after=after, text=ck.get(r, "text", w, str)))

    parties = ck.get(data, "parties", "", dict, optional=True, default={})
    for k, v in parties.items():
        if not isinstance(v, str):
            ck.fail(f"parties.{k}", f"expected string, got {ck._type_name(v)}")

    return Reference(
        id=ck.get(data, "id", "", str),
        title=ck.get(data, "title", "", str),
        issuer=ck.get(data, "issuer", "", str, optional=True, default=""),
        source=ck.get(data, "source", "", str, optional=True, default=""),
        effective_date=ck.get(data, "effective_date", "", str, optional=True, default=""),
        effective_date_iso=ck.get(data, "effective_date_iso", "", str, optional=True, default=""),
        parties=dict(parties),
        parts=tuple(parts),
        clauses=tuple(clauses),
        notes=tuple(notes),
        path=path,
    )


def _parse_json(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ReferenceFormatError(path, f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None


# --------------------------------------------------------------------------- loading


def _bundled_files() -> list[Any]:
    root = resources.files(_PACKAGE)
    return sorted((f for f in root.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


def _read_text(src: Any, path: str) -> str:
    try:
        raw = src.read_bytes()
    except FileNotFoundError:
        raise ReferenceFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise ReferenceFormatError(path, "is a directory, not a reference file") from None
    except OSError as e:
        raise ReferenceFormatError(path, f"cannot read: {e.strerror or e}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReferenceFormatError(path, f"not UTF-8 (byte {e.start})") from None


def load_reference(path: str | Path | None = None) -> Reference:
    """Load and validate a reference.

    ``None`` loads the bundled default (oita-police-2023). A string without a
    path separator and without ".json" that names a bundled reference id
    (see ``bundled_references()``) loads that one; anything else is a file path.
    """
    if path is None:
        path = DEFAULT_REFERENCE_ID
    p = str(path)
    if "/" not in p and "\\" not in p and not p.endswith(".json") and not Path(p).exists():
        for f in _bundled_files():
            if f.name == f"{p}.json":
                return reference_from_dict(_parse_json(_read_text(f, str(f)), str(f)), str(f))
        raise ReferenceFormatError(p, "no such bundled reference (known: "
                                   + ", ".join(f.name[:-5] for f in _bundled_files()) + ")")
    return reference_from_dict(_parse_json(_read_text(Path(p), p), p), p)


def bundled_references() -> list[tuple[str, str, int, str]]:
    """(id, title, clause_count, path) of every reference shipped in keiyaku_lint.refdata."""
    out = []
    for f in _bundled_files():
        ref = reference_from_dict(_parse_json(_read_text(f, str(f)), str(f)), str(f))
        out.append((ref.id, ref.title, len(ref.clauses), str(f)))
    return out
