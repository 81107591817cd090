"""Configuration: discovery upward, validation (one line naming the key), precedence, accepted deviations."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from keiyaku_lint.config import ConfigError, find_config, load_config, parse_config
from test_cli_common import call_cli, make_variants


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Path]:
    return make_variants(tmp_path_factory.mktemp("variants"))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- discovery


def test_found_walking_upward(tmp_path):
    cfg = _write(tmp_path / "keiyaku-lint.toml", 'fail-on = "missing"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == cfg
    assert load_config(start=deep).fail_on == "missing"


def test_pyproject_without_our_table_is_passed_over(tmp_path):
    outer = _write(tmp_path / "pyproject.toml", '[tool.keiyaku-lint]\njobs = 3\n')
    _write(tmp_path / "proj" / "pyproject.toml", '[project]\nname = "x"\n[tool.other]\na = 1\n')
    assert find_config(tmp_path / "proj") == outer
    assert load_config(start=tmp_path / "proj").jobs == 3


def test_keiyaku_lint_toml_wins_in_the_same_folder(tmp_path):
    _write(tmp_path / "pyproject.toml", '[tool.keiyaku-lint]\njobs = 3\n')
    own = _write(tmp_path / "keiyaku-lint.toml", "jobs = 5\n")
    assert find_config(tmp_path) == own
    assert load_config(start=tmp_path).jobs == 5


def test_no_config_anywhere_gives_defaults(tmp_path):
    cfg = load_config(search=False)
    assert cfg.path is None and cfg.fail_on is None and cfg.accepted == []


def test_relative_paths_are_taken_from_the_config_folder(tmp_path):
    cfg = parse_config(_write(tmp_path / "conf" / "keiyaku-lint.toml",
                              'csv = "out/detail.csv"\nreference = "refs/mine.json"\nhtml = "/abs/r.html"\n'))
    assert Path(cfg.csv) == tmp_path / "conf" / "out" / "detail.csv"
    assert Path(cfg.reference) == tmp_path / "conf" / "refs" / "mine.json"
    assert cfg.html == "/abs/r.html"
    bundled = parse_config(_write(tmp_path / "b" / "keiyaku-lint.toml", 'reference = "oita-police-2023"\n'))
    assert bundled.reference == "oita-police-2023"  # a bundled id stays an id


def test_every_key_is_read(tmp_path):
    cfg = parse_config(_write(tmp_path / "pyproject.toml", """
[tool.keiyaku-lint]
reference = "oita-police-2023"
fail-on = "altered"
jobs = 2
timeout = 12.5
lang = "en"
glob = ["*.pdf", "*.docx"]
csv = "d.csv"
summary = "s.csv"
html = "r.html"
json = "r.json"

[[tool.keiyaku-lint.accepted]]
clause = "tokki-6-4"
files = "*-seisou*"
reason = "清掃は現地作業のみ"

[[tool.keiyaku-lint.accepted]]
clause = "kisai-*"
reason = "本文は別途審査"
"""))
    assert (cfg.fail_on, cfg.jobs, cfg.timeout, cfg.lang, cfg.glob) == ("altered", 2, 12.5, "en", ("*.pdf", "*.docx"))
    assert [Path(getattr(cfg, k)).name for k in ("csv", "summary", "html", "json")] == \
        ["d.csv", "s.csv", "r.html", "r.json"]
    a, b = cfg.accepted
    assert (a.clause, a.files, a.reason) == ("tokki-6-4", ("*-seisou*",), "清掃は現地作業のみ")
    assert a.matches("tokki-6-4", "/x/y/k-seisou-2024.pdf") and not a.matches("tokki-6-4", "/x/other.pdf")
    assert not a.matches("tokki-6-5", "k-seisou.pdf")
    assert b.files == () and b.matches("kisai-3-2", "anything.docx") and not b.matches("tokki-1-1", "a.docx")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("text, key", [
    ('fial-on = "missing"\n', "fial-on"),
    ('fail_on = "missing"\n', "fail_on"),
    ('fail-on = "sometimes"\n', "fail-on"),
    ("jobs = 0\n", "jobs"),
    ('jobs = "4"\n', "jobs"),
    ("timeout = -1\n", "timeout"),
    ('lang = "fr"\n', "lang"),
    ("csv = 3\n", "csv"),
    ('[[accepted]]\nclause = "tokki-6-4"\n', "accepted[0].reason"),
    ('[[accepted]]\nreason = "x"\n', "accepted[0].clause"),
    ('[[accepted]]\nclause = "tokki-6-4"\nreason = "x"\nfile = "*.pdf"\n', "accepted[0].file"),
    ('[[accepted]]\nclause = "tokki-6-4"\nreason = "x"\nfiles = 3\n', "accepted[0].files"),
    ('accepted = "tokki-6-4"\n', "accepted"),
])
def test_malformed_config_names_the_key(tmp_path, text, key):
    path = _write(tmp_path / "keiyaku-lint.toml", text)
    with pytest.raises(ConfigError) as exc:
        parse_config(path)
    line = exc.value.one_line()
    assert "\n" not in line and str(path) in line and f"{key}:" in line


def test_malformed_pyproject_table_names_the_dotted_key(tmp_path):
    path = _write(tmp_path / "pyproject.toml", '[tool.keiyaku-lint]\njobs = -2\n')
    with pytest.raises(ConfigError, match=r"tool\.keiyaku-lint\.jobs"):
        parse_config(path)


def test_invalid_toml(tmp_path):
    path = _write(tmp_path / "keiyaku-lint.toml", "fail-on = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        parse_config(path)


def test_cli_reports_a_malformed_config_in_one_line(capsys, tmp_path, monkeypatch, docs):
    _write(tmp_path / "keiyaku-lint.toml", 'fail-on = "sometimes"\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = call_cli(capsys, docs["clean"])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "fail-on" in err and "keiyaku-lint.toml" in err
    assert call_cli(capsys, docs["clean"], "-q", "--no-config")[0] == 0  # --no-config ignores it


def test_accepted_clause_must_exist_in_the_reference(capsys, tmp_path, monkeypatch, docs):
    _write(tmp_path / "keiyaku-lint.toml", '[[accepted]]\nclause = "tokki-99-1"\nreason = "x"\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = call_cli(capsys, docs["clean"])
    assert code == 2 and "accepted[0].clause" in err and "tokki-99-1" in err


# --------------------------------------------------------------------------- precedence


def test_flags_win_over_the_file(capsys, tmp_path, monkeypatch, docs):
    _write(tmp_path / "keiyaku-lint.toml", 'fail-on = "never"\nlang = "en"\nsummary = "reports/summary.csv"\n')
    (tmp_path / "reports").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # found upward; relative paths from the config's folder
    code, _, _ = call_cli(capsys, docs["weak"], "-q")
    assert code == 0  # fail-on = never from the file
    summary = tmp_path / "reports" / "summary.csv"
    assert list(pd.read_csv(summary, encoding="utf-8-sig").columns)[:2] == ["file", "ok"]  # lang = en
    code, _, _ = call_cli(capsys, docs["weak"], "-q", "--fail-on", "weakened", "--lang", "ja")
    assert code == 1
    assert list(pd.read_csv(summary, encoding="utf-8-sig").columns)[:2] == ["ファイル", "問題なし"]
    other = tmp_path / "elsewhere.csv"
    call_cli(capsys, docs["weak"], "-q", "--summary", other)
    assert other.is_file()


def test_explicit_config_file(capsys, tmp_path, monkeypatch, docs):
    _write(tmp_path / "keiyaku-lint.toml", 'fail-on = "never"\n')
    strict = _write(tmp_path / "strict" / "ci.toml", 'fail-on = "altered"\n')
    monkeypatch.chdir(tmp_path)
    assert call_cli(capsys, docs["weak"], "-q")[0] == 0
    assert call_cli(capsys, docs["weak"], "-q", "--config", strict)[0] == 1
    assert call_cli(capsys, docs["weak"], "-q", "--no-config")[0] == 1


# --------------------------------------------------------------------------- accepted deviations


def _findings(out: str) -> dict[str, dict]:
    (doc,) = json.loads(out)["documents"]
    return {f["clause_id"]: f for f in doc["findings"]}


def test_accepted_deviation_is_reported_and_never_fails(capsys, tmp_path, monkeypatch, docs):
    reason = "複写は甲の監督下でのみ行うため承認（2024-03 法務課）"
    _write(tmp_path / "keiyaku-lint.toml",
           f'fail-on = "altered"\n[[accepted]]\nclause = "tokki-5-1"\nfiles = "weak*"\nreason = "{reason}"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = call_cli(capsys, docs["weak"], "-f", "json")
    f = _findings(out)["tokki-5-1"]
    assert f["status"] == "accepted" and f["accepted_reason"] == reason and f["accepted_from"] == "weakened"
    others = [x["status"] for cid, x in _findings(out).items() if cid != "tokki-5-1"]
    assert code == (1 if set(others) - {"ok"} else 0)  # the accepted one never counts
    # in the CSV, the summary and the console too
    call_cli(capsys, docs["weak"], "-q", "--csv", tmp_path / "d.csv", "--summary", tmp_path / "s.csv")
    detail = pd.read_csv(tmp_path / "d.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = detail[detail["条項ID"] == "tokki-5-1"].iloc[0]
    assert row["判定"] == "accepted" and row["承認理由"] == reason and reason in row["理由"]
    assert pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig")["承認済み"].tolist() == [1]
    _, out, _ = call_cli(capsys, docs["weak"])
    assert "承認済み" in out and reason in out


def test_accepted_glob_on_another_file_does_not_apply(capsys, tmp_path, monkeypatch, docs):
    _write(tmp_path / "keiyaku-lint.toml", '[[accepted]]\nclause = "tokki-5-1"\nfiles = "*-seisou*"\nreason = "x"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = call_cli(capsys, docs["weak"], "-f", "json")
    assert _findings(out)["tokki-5-1"]["status"] == "weakened" and code == 1


def test_accepting_every_clause_makes_a_missing_paragraph_pass(capsys, tmp_path, monkeypatch, docs):
    _write(tmp_path / "pyproject.toml", '[tool.keiyaku-lint]\nfail-on = "altered"\n'
                                        '[[tool.keiyaku-lint.accepted]]\nclause = "*"\nreason = "試行"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = call_cli(capsys, docs["missing"], "-f", "json")
    statuses = {f["status"] for f in _findings(out).values()}
    assert statuses <= {"ok", "accepted"} and "accepted" in statuses
    assert code == 0
    assert _findings(out)["tokki-17-2"]["accepted_from"] == "missing"


def test_accepted_does_not_touch_ok_clauses(capsys, tmp_path, monkeypatch, docs):
    _write(tmp_path / "keiyaku-lint.toml", '[[accepted]]\nclause = "tokki-*"\nreason = "x"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = call_cli(capsys, docs["clean"], "-f", "json")
    assert {f["status"] for f in _findings(out).values()} == {"ok"} and code == 0
