"""Japanese normal forms: what must compare equal (editorial variants) and what must not."""
from __future__ import annotations

import pytest

from keiyaku_lint.japanese import (
    NO_PARTIES, SUDACHI_CHUNK_BYTES, Parties, _chunks, canon, detect_parties, tokens,
)


def norms(text: str, parties: Parties = NO_PARTIES) -> list[str]:
    return [t.norm for t in tokens(canon(text, parties, keep_punct=True)) if not t.is_punct]


VARIANTS = [
    ("漏えい", "漏洩"), ("取扱い", "取り扱い"), ("き損", "毀損"), ("講ずる", "講じる"),
    ("１年", "1年"), ("第十二条", "第12条"), ("第１２条", "第12条"), ("返却", "返還"),
    ("のっとり", "則り"), ("1年以上", "1年間以上"), ("６箇月", "6か月"), ("あらかじめ", "予め"),
    ("すみやかに", "速やかに"), ("ただし", "但し"), ("又は", "または"), ("及び", "および"),
    ("おそれ", "恐れ"), ("場合には", "場合は"), ("他者", "第三者"),
]


@pytest.mark.parametrize("a, b", VARIANTS)
def test_orthographic_variants_share_a_normal_form(a, b):
    assert canon(a) == canon(b)
    assert norms(a) == norms(b)


@pytest.mark.parametrize("a, b", [
    ("承諾", "通知"), ("速やかに", "遅滞なく"), ("しなければならない", "するよう努めなければならない"),
    ("１年以上", "６月以上"), ("甲", "乙"), ("善良なる管理者の注意", "自己の財産と同一の注意"),
    ("漏えい", "滅失"), ("含む", "除く"),
])
def test_substantive_differences_stay_different(a, b):
    assert canon(a) != canon(b)
    assert norms(a) != norms(b)


def test_sentences_with_mixed_variants_compare_equal():
    ref = "乙は、漏えい、毀損及び滅失のないよう、取扱いに必要な措置を講ずる。"
    draft = "乙は、漏洩、き損及び滅失のないよう、取り扱いに必要な措置を講じる。"
    assert canon(ref) == canon(draft)
    assert norms(ref) == norms(draft)


@pytest.mark.parametrize("ref, draft", [
    ("前２項の規定は", "前３項の規定は"), ("前項の機密情報", "前７項の機密情報"),
    ("第７条第１項の機密情報", "第8条第2項の機密情報"), ("第２条に準ずる", "第十条に準ずる"),
])
def test_renumbered_cross_references_are_editorial(ref, draft):
    assert canon(ref) == canon(draft)


def test_spaces_and_width_removed():
    assert canon("乙 は 、 第 ３ 条 の\u3000規定") == canon("乙は、第3条の規定")
    assert canon("（１）　乙は、") == canon("(1)乙は、")


def test_parties_defined_in_the_preamble():
    preamble = "大分県（以下「県」という。）と株式会社大分ロジ（以下「受注者」という。）は、次のとおり契約を締結する。"
    parties = detect_parties(preamble)
    assert parties == Parties(kou=("県",), otsu=("受注者",))
    assert canon("受注者は、県の承諾を得なければならない。", parties) == canon("乙は、甲の承諾を得なければならない。")


def test_contract_written_with_kou_otsu_keeps_them_and_maps_the_role_words():
    """甲 and 乙 stay; a clause that says 受託者 / 委託者 instead still means 乙 / 甲."""
    for preamble in ("委託者大分県知事を甲とし、受託者株式会社○○を乙とし、次の条項により契約を締結する。",
                     "委託者大分県知事（以下「甲」という。）と受託者株式会社○○（以下「乙」という。）とは"):
        parties = detect_parties(preamble)
        assert parties == Parties(kou=("委託者",), otsu=("受託者",))
        assert canon("受託者は、甲の指示に従う。", parties) == canon("乙は、甲の指示に従う。")
        assert "再受託者" in canon("乙は、再受託者に遵守させる。", parties)  # a subcontractor is not 乙
    assert detect_parties("甲株式会社○○と乙株式会社△△は、次のとおり契約する。") == NO_PARTIES


def test_one_character_party_name_only_where_it_stands_as_a_party():
    parties = Parties(kou=("県",), otsu=("受注者",))
    assert canon("県立体育館について、県は", parties) == canon("県立体育館について、甲は")
    assert "都道府県" in canon("都道府県の条例", parties)


def test_itakusha_jutakusha():
    parties = detect_parties("大分県知事（以下「委託者」という。）と株式会社○○（以下「受託者」という。）は")
    assert canon("受託者は、委託者の指示に従う。", parties) == canon("乙は、甲の指示に従う。")


def test_long_text_is_chunked_under_sudachis_limit():
    text = "乙は、機密情報を他に漏らしてはならない。" * 3000
    chunks = _chunks(text)
    assert len(chunks) > 1
    assert "".join(chunks) == text
    assert all(len(c.encode("utf-8")) <= SUDACHI_CHUNK_BYTES for c in chunks)
    assert len(tokens(text)) > 3000 * 5


def test_modality_spans_several_tokens():
    surfaces = [t.surface for t in tokens(canon("報告しなければならない", keep_punct=True))]
    assert len(surfaces) >= 3 and "".join(surfaces) == "報告しなければならない"
