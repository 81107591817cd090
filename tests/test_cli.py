"""CLI: the JSON contract, exit codes and --fail-on, output-path checks, --reference, subcommands."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from test_cli_common import CLEAN, STATUSES, call_cli, make_variants, run_cli


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Path]:
    return make_variants(tmp_path_factory.mktemp("variants"))


def _json(out: str) -> dict:
    data = json.loads(out)  # exactly one object: json.loads fails on trailing data
    assert data["tool"] == "keiyaku-lint"
    return data


def test_single_file_json_contract(capsys):
    code, out, err = call_cli(capsys, CLEAN, "--format", "json", "--no-config")
    data = _json(out)
    assert code == 0
    assert set(data) >= {"tool", "version", "reference", "documents"}
    assert data["reference"]["id"] == "oita-police-2023"
    (doc,) = data["documents"]
    assert doc["error"] is None
    assert len(doc["findings"]) == 45
    assert {f["status"] for f in doc["findings"]} == {"ok"}
    f = doc["findings"][0]
    assert set(f) >= {"clause_id", "status", "title", "location", "similarity", "reasons", "reference_text",
                      "found_text"}
    assert set(f["location"]) >= {"page", "part", "article", "paragraph"}
    assert "extras" in doc and "summary" in doc


def test_single_file_json_in_a_subprocess_is_one_object():
    proc = run_cli(CLEAN, "--format", "json", "--no-config")
    assert proc.returncode == 0, proc.stderr
    assert len(_json(proc.stdout)["documents"]) == 1


def test_missing_paragraph_exits_1(capsys, docs):
    code, out, _ = call_cli(capsys, docs["missing"], "-f", "json", "--no-config")
    statuses = {f["clause_id"]: f["status"] for f in _json(out)["documents"][0]["findings"]}
    assert statuses["tokki-17-2"] == "missing"
    assert code == 1


@pytest.mark.parametrize("fail_on, weak_code, missing_code", [
    ("altered", 1, 1), ("weakened", 1, 1), ("missing", 0, 1), ("never", 0, 0)])
def test_fail_on_thresholds(capsys, docs, fail_on, weak_code, missing_code):
    code, out, _ = call_cli(capsys, docs["weak"], "-f", "json", "--fail-on", fail_on, "--no-config")
    worst = _json(out)["documents"][0]["summary"]["worst"]
    assert worst == "weakened"  # the softened duty of 特記事項第5条
    assert code == weak_code
    code, _, _ = call_cli(capsys, docs["missing"], "-q", "--fail-on", fail_on, "--no-config")
    assert code == missing_code


def test_default_fail_on_is_weakened(capsys, docs):
    assert call_cli(capsys, docs["weak"], "-q", "--no-config")[0] == 1
    assert call_cli(capsys, docs["clean"], "-q", "--no-config")[0] == 0


def test_every_input_unreadable_exits_2(capsys, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    code, out, _ = call_cli(capsys, empty, "-f", "json", "--no-config")
    doc = _json(out)["documents"][0]
    assert doc["error"].startswith(str(empty)) and doc["error_code"] == "empty" and doc["findings"] == []
    assert code == 2


def test_one_readable_input_is_enough_for_0_or_1(capsys, tmp_path, docs):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert call_cli(capsys, empty, docs["clean"], "-q", "--no-config")[0] == 0
    assert call_cli(capsys, empty, docs["missing"], "-q", "--no-config")[0] == 1


def test_usage_errors_exit_2(capsys, tmp_path, docs):
    assert call_cli(capsys, docs["clean"], "--fail-on", "sometimes", "--no-config")[0] == 2
    assert call_cli(capsys, docs["clean"], "--jobs", "0", "--no-config")[0] == 2
    assert call_cli(capsys, docs["clean"], "--config", tmp_path / "x.toml", "--no-config")[0] == 2
    assert call_cli(capsys, "--no-config")[0] == 2  # no path at all
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.png").write_bytes(b"\x89PNG\r\n")
    code, _, err = call_cli(capsys, tmp_path / "notes", "--no-config")
    assert code == 2 and "no PDF, DOCX, TXT or MD file" in err and "skipped 1 file" in err


@pytest.mark.parametrize("flag", ["--csv", "--summary", "--html", "--json"])
def test_unwritable_output_fails_before_any_work(capsys, tmp_path, docs, flag):
    target = tmp_path / "no-such-folder" / "report.out"
    code, out, err = call_cli(capsys, docs["clean"], "-f", "json", flag, target, "--no-config")
    assert code == 2
    assert out == ""  # nothing was audited
    assert len(err.strip().splitlines()) == 1 and flag in err and "does not exist" in err
    code, out, err = call_cli(capsys, docs["clean"], flag, tmp_path, "--no-config")  # a folder
    assert code == 2 and out == "" and "is a directory" in err


def test_two_reports_on_one_file_is_a_usage_error(capsys, tmp_path, docs):
    code, out, err = call_cli(capsys, docs["clean"], "--csv", tmp_path / "r.csv", "--summary", tmp_path / "r.csv",
                              "--no-config")
    assert code == 2 and out == "" and "same file" in err


def test_json_file_report_matches_stdout(capsys, tmp_path, docs):
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out, err = call_cli(capsys, docs["weak"], "-f", "json", "--json", target, "--no-config")
    assert code == 1
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(out)
    assert list(target.parent.iterdir()) == [target]  # no temp file left behind


def _bundled_reference() -> dict:
    src = resources.files("keiyaku_lint.refdata") / "oita-police-2023.json"
    return json.loads(src.read_text(encoding="utf-8"))


def test_reference_file(capsys, tmp_path, docs):
    data = _bundled_reference()
    data["id"] = "other-pref-2024"
    data["title"] = "他県の委託基準"
    ref = tmp_path / "other.json"
    ref.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = call_cli(capsys, docs["clean"], "-f", "json", "--reference", ref, "--no-config")
    result = _json(out)
    assert result["reference"] == {"id": "other-pref-2024", "title": "他県の委託基準"}
    assert len(result["documents"][0]["findings"]) == len(data["clauses"])
    assert code == 0


def test_malformed_reference_names_the_field(capsys, tmp_path, docs):
    data = _bundled_reference()
    del data["clauses"][3]["text"]
    ref = tmp_path / "broken.json"
    ref.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = call_cli(capsys, docs["clean"], "--reference", ref, "--no-config")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "bad-reference" in err and "clauses[3]" in err and "text" in err
    code, _, err = call_cli(capsys, docs["clean"], "--reference", "no-such-bundled-set", "--no-config")
    assert code == 2 and "oita-police-2023" in err  # lists the known ones


def test_references_command_lists_bundled_sets(capsys):
    code, out, _ = call_cli(capsys, "references")
    assert code == 0
    assert "oita-police-2023" in out and "45 clauses" in out


def test_rules_command(capsys):
    code, out, _ = call_cli(capsys, "rules")
    assert code == 0 and "KL101" in out


def test_inspect_command(capsys):
    code, out, _ = call_cli(capsys, "inspect", CLEAN)
    assert code == 0 and "第17条" in out
    code, _, err = call_cli(capsys, "inspect", CLEAN.parent / "no-such-file.txt")
    assert code == 2 and "no-such-file.txt" in err


def test_console_output_lists_deviations(capsys, docs):
    code, out, _ = call_cli(capsys, docs["missing"], "--no-config")
    assert code == 1 and "tokki-17-2" in out and "欠落" in out
    code, out, _ = call_cli(capsys, docs["missing"], "--no-config", "--lang", "en")
    assert "missing" in out


def test_stdout_csv_format(capsys, docs):
    code, out, _ = call_cli(capsys, docs["clean"], docs["missing"], "-f", "csv", "--lang", "en", "--no-config")
    lines = out.strip().splitlines()
    assert lines[0].startswith("file,clause_id,title,status")
    assert len(lines) == 1 + 2 * 45
    assert code == 1


def test_statuses_are_known(capsys, docs):
    code, out, _ = call_cli(capsys, docs["weak"], docs["missing"], "-f", "json", "--no-config")
    for doc in _json(out)["documents"]:
        assert {f["status"] for f in doc["findings"]} <= STATUSES
