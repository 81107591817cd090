"""The plain-string normal form (`canon`) and the source-mapped one (`canon_map`) must
agree character for character: alignment uses the first, quoting uses the second."""
from __future__ import annotations

from pathlib import Path

import pytest

from keiyaku_lint.ingest import load
from keiyaku_lint.japanese import NO_PARTIES, Parties, canon, canon_map

ROOT = Path(__file__).resolve().parents[1]
PARTIES = [NO_PARTIES, Parties(kou=("県",), otsu=("受注者",)), Parties(kou=("委託者",), otsu=("受託者",))]


def sample_lines() -> list[str]:
    lines = []
    for name in ("seisou-itaku-keiyakusho-draft.md", "reference-annexes-clean.txt"):
        lines += [line.text for line in load(ROOT / "samples" / name).lines]
    return lines + ["第十二条の規定により、漏洩であつて、別記「機密保持及び個人情報保護に関する特記事項」に基づき前２項",
                    "県は、受注者に対し、県庁の都道府県の県外で（１）の取り扱いを求める。ｶﾞｲﾄﾞ　１０日以内",
                    "委託者である甲は、乙（受託者）に対し、受託者である甲及び委託者たる乙を除き、甲（受注者）に",
                    "個人情報の保護に関する法律（平成十五年法律第五十七号）第２条及び会社法（平成17年法律第86号）に",
                    "前２項の規定は、第３条の規定により、遵守すべき事項の規定は、前各号の規定に"]


@pytest.mark.parametrize("parties", PARTIES, ids=["none", "ken", "itakusha"])
def test_canon_equals_canon_map(parties):
    for text in sample_lines():
        for keep_punct in (False, True):
            for keep_xref in (False, True):
                assert canon(text, parties, keep_punct, keep_xref) == \
                    canon_map(text, parties, keep_punct, keep_xref).text, text


def test_source_quotes_the_original_words():
    src = "乙は、第十二条の規定により、漏洩であつて、別記「機密保持及び個人情報保護に関する特記事項」に基づき"
    m = canon_map(src, keep_punct=True)
    i = m.text.index("漏えい")
    assert m.source(src, i, i + 3) == "漏洩"
    j = m.text.index("〓")
    assert m.source(src, j, j + 1) == "第十二条"
    k = m.text.index("別添特記事項")
    assert m.source(src, k, k + 6).startswith("別記「機密保持")


def test_a_party_named_with_its_own_role_is_the_party():
    assert canon("委託者である甲は、乙（受託者）に対し") == canon("甲は、乙に対し")
    assert canon("発注者たる甲及び受注者である乙") == canon("甲及び乙")
    # with the roles mapped to 甲/乙, 「委託者である甲」 becomes 「甲である甲」: still 甲
    mapped = Parties(kou=("委託者",), otsu=("受託者",))
    assert canon("委託者である甲に", mapped) == canon("甲に")
    # the other party's role is not an apposition: the words stay
    assert canon("受託者である甲に") != canon("甲に")
    assert canon("甲（受託者）に") != canon("甲に")


def test_a_law_number_after_the_law_name_is_dropped():
    assert canon("個人情報の保護に関する法律（平成十五年法律第五十七号）第２条") == canon("個人情報の保護に関する法律第２条")
    assert canon("会社法（令和元年法律第70号）") == canon("会社法")
    assert canon("会社法（第70号）") != canon("会社法")  # not a law number


def test_a_provision_is_the_same_with_or_without_no_kitei():
    for xref in ("前２項", "第３条", "同条", "前各号"):
        assert canon(f"{xref}の規定により", keep_xref=True) == canon(f"{xref}により", keep_xref=True)
    assert canon("遵守すべき事項の規定は") != canon("遵守すべき事項は")  # not a cross-reference
