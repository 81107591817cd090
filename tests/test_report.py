"""Report files: atomic writes, column order, error rows, summary rows, accepted fields in JSON."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from keiyaku_lint import report
from keiyaku_lint.audit import DocResult, audit_file
from keiyaku_lint.config import Accepted, apply_accepted
from keiyaku_lint.reference import load_reference
from test_cli_common import make_variants

REF = load_reference()


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[DocResult]:
    docs = make_variants(tmp_path_factory.mktemp("variants"))
    broken = docs["clean"].parent / "broken.docx"
    broken.write_bytes(b"not a zip at all")
    return [audit_file(str(docs["clean"]), REF), audit_file(str(broken), REF), audit_file(str(docs["missing"]), REF)]


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write_leaves_nothing_when_the_writer_fails(tmp_path):
    target = tmp_path / "detail.csv"

    def half(fh):
        fh.write("ファイル,条項ID\n" + "x,y\n" * 100)
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        report.atomic_write(target, half)
    assert list(tmp_path.iterdir()) == []  # neither the report nor the temp file


def test_atomic_write_keeps_the_previous_report_when_interrupted(tmp_path):
    target = tmp_path / "detail.csv"
    target.write_text("old,complete\n", encoding="utf-8")

    def interrupted(fh):
        fh.write("new,partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        report.atomic_write(target, interrupted)
    assert target.read_text(encoding="utf-8") == "old,complete\n"
    assert list(tmp_path.iterdir()) == [target]


def test_csv_writer_interrupted_midway_leaves_no_half_report(tmp_path, results, monkeypatch):
    """The pandas row writer dies after writing part of the rows: no truncated CSV appears."""
    target = tmp_path / "detail.csv"
    real = report._write_frame

    def dies_midway(frame, fh):
        real(frame.iloc[: len(frame) // 2], fh)
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "_write_frame", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        report.write_csv(target, results)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    monkeypatch.setattr(report, "_write_frame", real)
    assert report.write_csv(target, results) == 45 * 2 + 1
    assert len(pd.read_csv(target, encoding="utf-8-sig")) == 91


def test_written_file_gets_normal_permissions(tmp_path, results):
    target = tmp_path / "s.csv"
    report.write_summary(target, results)
    mode = target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # not mkstemp's 0600


def test_check_writable(tmp_path):
    assert report.check_writable(tmp_path / "ok.csv") is None
    assert "does not exist" in report.check_writable(tmp_path / "nope" / "x.csv")
    assert report.check_writable(tmp_path) == "is a directory"
    (tmp_path / "file").write_text("x")
    assert "not a folder" in report.check_writable(tmp_path / "file" / "x.csv")
    assert list(tmp_path.iterdir()) == [tmp_path / "file"]  # the probe cleaned up


# --------------------------------------------------------------------------- tables


def test_detail_frame_rows_and_columns(results):
    frame = report.detail_frame(results, "ja")
    assert list(frame.columns) == [ja for _, ja in report.CSV_COLUMNS]
    assert len(frame) == 45 + 1 + 45
    err = frame[frame["判定"] == "error"].iloc[0]
    assert err["ルールID"] == "broken-docx" and "broken.docx" in err["理由"] and err["判定（表示）"] == "エラー"
    miss = frame[(frame["条項ID"] == "tokki-17-2") & frame["ファイル"].str.endswith("missing.txt")].iloc[0]
    assert miss["判定"] == "missing" and miss["見出し"] == "監査、調査等" and miss["判定（表示）"] == "欠落"
    en = report.detail_frame(results, "en")
    assert list(en.columns) == [k for k, _ in report.CSV_COLUMNS]


def test_summary_frame(results):
    frame = report.summary_frame(results, "ja")
    assert list(frame.columns) == [ja for _, ja in report.SUMMARY_COLUMNS]
    assert len(frame) == 3
    clean, broken, missing = frame.to_dict("records")
    assert clean["問題なし"] == 45 and clean["最も重い判定"] == "ok" and clean["エラー"] == ""
    assert broken["最も重い判定"] == "error" and broken["エラーコード"] == "broken-docx" and broken["問題なし"] == 0
    assert missing["欠落"] >= 1 and missing["最も重い判定"] == "missing" and missing["最も重い判定（表示）"] == "欠落"


def test_csv_round_trips_japanese_with_bom(tmp_path, results):
    target = tmp_path / "d.csv"
    report.write_csv(target, results)
    assert target.read_bytes()[:3] == b"\xef\xbb\xbf"
    back = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    want = report.detail_frame(results, "ja").astype(str)
    assert list(back.columns) == list(want.columns)
    assert back["基準の文言"].tolist() == want["基準の文言"].tolist()
    assert back["見出し"].tolist() == want["見出し"].tolist()


def test_accepted_fields_in_json_and_rows(results):
    import copy

    docs = copy.deepcopy(results)
    n = apply_accepted(docs, [Accepted("tokki-17-*", "年次監査は別契約で実施", ("missing*",))])
    assert n == 1
    data = report.to_json(docs, REF)
    miss = {f["clause_id"]: f for f in data["documents"][2]["findings"]}["tokki-17-2"]
    assert miss["status"] == "accepted" and miss["accepted_from"] == "missing"
    assert miss["accepted_reason"] == "年次監査は別契約で実施"
    assert data["documents"][1]["error_code"] == "broken-docx"
    assert "error_code" not in data["documents"][0]
    assert data["documents"][2]["summary"]["accepted"] == 1
    row = [r for r in report.detail_rows(docs[2], "en") if r["clause_id"] == "tokki-17-2"][0]
    assert row["message"].startswith("accepted (missing): 年次監査は別契約で実施")
    assert json.dumps(data, ensure_ascii=False)  # serialisable


def test_apply_accepted_skips_errors_and_ok(results):
    import copy

    docs = copy.deepcopy(results)
    assert apply_accepted(docs, [Accepted("*", "all")]) == sum(
        1 for d in results if not d.error for f in d.findings if f.status != "ok")
    assert {f.status for f in docs[0].findings} == {"ok"}
    assert docs[1].error and docs[1].findings == []


def test_write_json(tmp_path, results):
    target = tmp_path / "r.json"
    report.write_json(target, results, REF, "en")
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [d["path"] for d in data["documents"]] == [r.path for r in results]
    assert Path(target).read_text(encoding="utf-8").endswith("\n")
