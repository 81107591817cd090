"""Configuration: ``[tool.keiyaku-lint]`` in a pyproject.toml, or a ``keiyaku-lint.toml``.

Found by walking upward from the current folder; in each folder a ``keiyaku-lint.toml``
wins over a ``pyproject.toml``, and a pyproject.toml without a ``[tool.keiyaku-lint]``
table is passed over. ``--config FILE`` names one explicitly, ``--no-config`` ignores them.

    # keiyaku-lint.toml (top-level keys)      # pyproject.toml
    reference = "reference/my-pref.json"      [tool.keiyaku-lint]
    fail-on = "missing"                       fail-on = "missing"
    jobs = 4                                  [[tool.keiyaku-lint.accepted]]
    csv = "reports/detail.csv"                clause = "tokki-6-4"
    [[accepted]]                              files = "*-seisou*"
    clause = "tokki-6-4"                      reason = "…"
    files = "*-seisou*"
    reason = "清掃業務は現地作業のみのため承認済み（2024-03 法務課）"

Relative paths (reference, csv, summary, html, json) are taken from the config file's
folder. Command-line flags win over the file. Any mistake raises ``ConfigError`` whose
one line names the file and the key.

Accepted deviations: a finding whose clause id matches ``clause`` (an id or an fnmatch
pattern such as ``tokki-6-*``) in a file matching ``files`` (fnmatch on the file name or
its path; omitted = every file) and whose status is altered / weakened / missing is
reported as ``accepted`` with the reason; it never fails the run.
"""
from __future__ import annotations

import fnmatch
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from .errors import KeiyakuLintError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

CONFIG_NAME = "keiyaku-lint.toml"
PYPROJECT = "pyproject.toml"
TABLE = "tool.keiyaku-lint"

FAIL_ON = ("altered", "weakened", "missing", "never")
LANGS = ("ja", "en")
PATH_KEYS = ("csv", "summary", "html", "json")
KEYS = ("reference", "fail-on", "jobs", "timeout", "lang", "glob", *PATH_KEYS, "accepted")
ACCEPTED_KEYS = ("clause", "files", "reason")
ACCEPTABLE = ("altered", "weakened", "missing")  # statuses an accepted deviation replaces


class ConfigError(KeiyakuLintError):
    """Malformed configuration."""

    code = "bad-config"


@dataclass(frozen=True)
class Accepted:
    clause: str  # clause id or fnmatch pattern
    reason: str
    files: tuple[str, ...] = ()  # fnmatch patterns on the file name or path; () = every file

    def matches(self, clause_id: str, path: str) -> bool:
        if not fnmatch.fnmatchcase(clause_id, self.clause):
            return False
        return not self.files or any(_path_matches(path, g) for g in self.files)


def _path_matches(path: str, pattern: str) -> bool:
    p = PurePath(path)
    cands = {p.name, str(path), p.as_posix()}
    try:
        cands.add(Path(path).resolve().as_posix())
    except OSError:  # pragma: no cover
        pass
    return any(fnmatch.fnmatch(c, pattern) for c in cands)


@dataclass
class Config:
    path: Path | None = None  # the file the settings came from; None = defaults only
    reference: str | None = None
    fail_on: str | None = None
    jobs: int | None = None
    timeout: float | None = None
    lang: str | None = None
    glob: tuple[str, ...] = ()
    csv: str | None = None
    summary: str | None = None
    html: str | None = None
    json: str | None = None
    accepted: list[Accepted] = field(default_factory=list)


# --------------------------------------------------------------------------- finding


def find_config(start: Path | None = None) -> Path | None:
    """The nearest keiyaku-lint.toml, or pyproject.toml with [tool.keiyaku-lint], upward."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        cand = folder / CONFIG_NAME
        if cand.is_file():
            return cand
        cand = folder / PYPROJECT
        if cand.is_file() and _has_table(cand):
            return cand
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # someone else's broken pyproject is not our configuration
    return isinstance(data.get("tool"), dict) and "keiyaku-lint" in data["tool"]


def load_config(explicit: Path | None = None, *, search: bool = True, start: Path | None = None) -> Config:
    """Load `explicit`, else the file found upward from `start` (when `search`), else defaults."""
    path = explicit if explicit is not None else (find_config(start) if search else None)
    if path is None:
        return Config()
    return parse_config(path)


def parse_config(path: Path) -> Config:
    spath = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(spath, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(spath, "is a directory") from None
    except OSError as exc:
        raise ConfigError(spath, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(spath, f"not UTF-8 (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(spath, f"invalid TOML: {exc}") from None
    if Path(path).name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("keiyaku-lint") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(spath, f"no [{TABLE}] table")
        if not isinstance(table, dict):
            raise ConfigError(spath, f"{TABLE}: must be a table")
        prefix = TABLE + "."
    else:
        table, prefix = data, ""
    return _from_table(table, Path(path), prefix)


# --------------------------------------------------------------------------- validation


def _from_table(table: dict[str, Any], path: Path, prefix: str) -> Config:
    spath = str(path)

    def fail(key: str, what: str) -> None:
        raise ConfigError(spath, f"{prefix}{key}: {what}")

    for key in table:
        if key not in KEYS:
            hint = ""
            alt = key.replace("_", "-")
            if alt in KEYS:
                hint = f" (did you mean '{alt}'?)"
            fail(key, f"unknown key{hint}; known keys: {', '.join(KEYS)}")

    cfg = Config(path=path)
    base = path.parent

    def string(key: str) -> str | None:
        if key not in table:
            return None
        v = table[key]
        if not isinstance(v, str) or not v.strip():
            fail(key, f"must be a non-empty string, got {_show(v)}")
        return v

    def choice(key: str, options: tuple[str, ...]) -> str | None:
        v = string(key)
        if v is not None and v not in options:
            fail(key, f"must be one of {', '.join(options)}, got {_show(v)}")
        return v

    ref = string("reference")
    if ref is not None:
        looks_like_path = "/" in ref or "\\" in ref or ref.endswith(".json") or (base / ref).exists()
        cfg.reference = str((base / ref)) if looks_like_path and not os.path.isabs(ref) else ref
    cfg.fail_on = choice("fail-on", FAIL_ON)
    cfg.lang = choice("lang", LANGS)
    if "jobs" in table:
        v = table["jobs"]
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            fail("jobs", f"must be a whole number ≥ 1, got {_show(v)}")
        cfg.jobs = v
    if "timeout" in table:
        v = table["timeout"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            fail("timeout", f"must be a number of seconds > 0, got {_show(v)}")
        cfg.timeout = float(v)
    if "glob" in table:
        v = table["glob"]
        globs = [v] if isinstance(v, str) else v
        if not isinstance(globs, list) or not globs or not all(isinstance(g, str) and g for g in globs):
            fail("glob", f"must be a pattern or a list of patterns, got {_show(v)}")
        cfg.glob = tuple(globs)
    for key in PATH_KEYS:
        v = string(key)
        if v is not None:
            setattr(cfg, key, str(base / v) if not os.path.isabs(v) else v)
    if "accepted" in table:
        entries = table["accepted"]
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list):
            fail("accepted", f"must be an array of tables ([[{prefix}accepted]]), got {_show(entries)}")
        for i, entry in enumerate(entries):
            cfg.accepted.append(_accepted(entry, f"accepted[{i}]", fail))
    return cfg


def _accepted(entry: Any, where: str, fail) -> Accepted:
    if not isinstance(entry, dict):
        fail(where, f"must be a table with clause, reason and optional files, got {_show(entry)}")
    for key in entry:
        if key not in ACCEPTED_KEYS:
            fail(f"{where}.{key}", f"unknown key; known keys: {', '.join(ACCEPTED_KEYS)}")
    for key in ("clause", "reason"):
        if key not in entry:
            fail(f"{where}.{key}", "missing")
        if not isinstance(entry[key], str) or not entry[key].strip():
            fail(f"{where}.{key}", f"must be a non-empty string, got {_show(entry[key])}")
    files = entry.get("files", ())
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, (list, tuple)) or not all(isinstance(g, str) and g for g in files):
        fail(f"{where}.files", f"must be a glob or a list of globs, got {_show(entry.get('files'))}")
    return Accepted(entry["clause"].strip(), " ".join(entry["reason"].split()), tuple(files))


def _show(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 40 else s[:39] + "…"


def check_accepted(cfg: Config, clause_ids: list[str]) -> None:
    """Every accepted entry must name at least one clause of the reference in use."""
    prefix = TABLE + "." if cfg.path is not None and cfg.path.name == PYPROJECT else ""
    for i, acc in enumerate(cfg.accepted):
        if not any(fnmatch.fnmatchcase(cid, acc.clause) for cid in clause_ids):
            raise ConfigError(str(cfg.path), f"{prefix}accepted[{i}].clause: {acc.clause!r} matches no clause "
                                             f"of the reference (e.g. {clause_ids[0]})")


# --------------------------------------------------------------------------- applying


def apply_accepted(results: list, accepted: list[Accepted]) -> int:
    """Turn matching altered / weakened / missing findings into ``accepted``; returns how many.

    Works on the returned DocResult / Finding objects in place. The status the judge gave
    is kept in ``finding.accepted_from`` for the reports.
    """
    n = 0
    if not accepted:
        return 0
    for doc in results:
        if doc is None or doc.error:
            continue
        for f in doc.findings:
            if f.status not in ACCEPTABLE:
                continue
            for acc in accepted:
                if acc.matches(f.clause_id, doc.path):
                    f.accepted_from = f.status  # type: ignore[attr-defined]
                    f.status = "accepted"
                    f.accepted_reason = acc.reason
                    n += 1
                    break
    return n
