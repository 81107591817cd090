"""Defined terms (以下「作業場所」という): a term the reference defines is never swapped
away as wording (KL163 term.replaced), and a draft that defines the same thing under a
name of its own is read with the reference's name (a rename, not a change)."""
from __future__ import annotations

import docx
import pytest

from keiyaku_lint.audit import audit_file, reference_definitions, reference_terms
from keiyaku_lint.japanese import Parties, canon, renamed_terms, term_definitions

from variant_helpers import CLEAN, REF, audit_text, audit_via_file


def not_ok(result) -> dict[str, str]:
    return {f.clause_id: f.status for f in result.findings if f.status != "ok"}


# ------------------------------------------------------------------ units


def test_term_definitions_keep_the_defining_words():
    got = term_definitions("乙は、業務に従事する者（以下「業務従事者」という。）を定め、"
                           "甲（以下「発注者」という。）と")
    assert got["業務従事者"] == "業務に従事する者"
    assert "発注者" in got


def test_reference_defines_the_five_terms_of_the_standard():
    assert {"作業場所", "パソコン等", "業務責任者", "業務従事者", "漏えい等"} <= reference_terms(REF)
    assert reference_definitions(REF)["作業場所"].endswith("場所")


def test_renamed_terms_pairs_by_the_defining_words():
    ref = {"業務従事者": "及び業務に従事する者", "作業場所": "個人情報を取扱う場所"}
    draft = {"従事者": "業務に従事する者", "本業務": "清掃業務"}
    assert renamed_terms(ref, draft) == (("従事者", "業務従事者"),)
    # the draft keeps the reference's name: nothing to rename
    assert renamed_terms(ref, {"業務従事者": "業務に従事する者"}) == ()
    # two candidates defined by the same words: no guess
    assert renamed_terms(ref, {"従事者": "業務に従事する者", "作業員": "現場で従事する者"}) == ()


def test_a_renamed_term_reads_as_the_reference_term_but_not_inside_it_or_its_definition():
    parties = Parties(terms=(("従事者", "業務従事者"),))
    assert canon("乙は、従事者に遵守させる", parties) == canon("乙は、業務従事者に遵守させる")
    assert canon("業務従事者", parties) == canon("業務従事者")  # not 業務業務従事者
    defining = canon("業務に従事する従事者（以下「従事者」という。）", parties)
    assert defining.startswith(canon("業務に従事する従事者"))


# ------------------------------------------------------------------ documents


@pytest.mark.parametrize("term,swap,clause", [
    ("当該パソコン等を作業場所から", "当該パソコン等を本社から", "tokki-6-5"),
    ("乙は、業務従事者に", "乙は、常勤の職員に", "tokki-9-3"),
])
def test_a_defined_term_swapped_in_one_clause_is_reported(term, swap, clause):
    result = audit_text(CLEAN.replace(term, swap, 1))
    assert not_ok(result) == {clause: "altered"}
    finding = {f.clause_id: f for f in result.findings}[clause]
    reason = finding.reasons[-1]
    assert (reason.code, reason.rule) == ("KL163", "term.replaced")
    assert reason.ref_words in term and reason.draft_words in swap and reason.draft_words


@pytest.mark.parametrize("term,name", [
    ("業務従事者", "従事者"), ("業務従事者", "従業者"), ("作業場所", "取扱場所"),
    ("パソコン等", "端末等"), ("漏えい等", "事故"),
])
def test_a_term_renamed_throughout_is_wording(term, name):
    assert not_ok(audit_text(CLEAN.replace(term, name))) == {}


def test_a_rename_to_a_word_the_reference_uses_plainly_costs_one_clause():
    # 業務責任者 → 責任者, and the certificate of 第7条第5項 lists a plain 責任者: read as the
    # term it differs there only (before the rename was recognised: 4 clauses weakened)
    assert not_ok(audit_text(CLEAN.replace("業務責任者", "責任者"))) == {"tokki-7-5": "altered"}


def test_rename_and_swap_through_a_docx(tmp_path):
    text = CLEAN.replace("業務従事者", "従事者").replace("当該パソコン等を作業場所から", "当該パソコン等を事務所から", 1)
    path = tmp_path / "renamed.docx"
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    result = audit_file(str(path), REF)
    assert result.error is None, result.error
    assert not_ok(result) == {"tokki-6-5": "altered"}
    assert result.parties.terms == (("従事者", "業務従事者"),)


def test_audit_via_text_file_too(tmp_path):
    text = CLEAN.replace("作業場所", "取扱場所").replace("特定した取扱場所を", "特定した事業所を", 1)
    assert not_ok(audit_via_file(text, tmp_path / "draft.md")) == {"tokki-6-4": "altered"}
