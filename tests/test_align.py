"""Alignment on variants of the clean reference copy (samples/reference-annexes-clean.txt):
reordering, articles moved into other host articles, deleted, split and merged
paragraphs, and look-alike host articles that must not be taken for a clause."""
from __future__ import annotations

import functools

import pytest

from keiyaku_lint.align import align
from keiyaku_lint.japanese import NO_PARTIES
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_text

from conftest import SAMPLES

CLEAN = (SAMPLES / "reference-annexes-clean.txt").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def reference():
    return load_reference()


def matches_of(text: str):
    tree = parse_text(text, "variant.txt")
    matches, leftover = align(reference(), tree, NO_PARTIES)
    return matches, leftover


def where(match) -> list[tuple[str, int | None, int]]:
    return [(u.part.kind, u.article.number if u.article else None, u.para.index) for u in match.units]


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_clean_copy_aligns_every_clause_to_its_own_paragraph():
    matches, leftover = matches_of(CLEAN)
    assert all(m.how == "best" and len(m.units) == 1 for m in matches.values())
    assert leftover == []
    assert where(matches["tokki-6-8"]) == [("annex", 6, 8)]
    assert where(matches["kisai-3-2"]) == [("body", 3, 2)]
    units = [id(m.units[0].para) for m in matches.values()]
    assert len(set(units)) == 45  # one draft paragraph per clause


def test_reordered_annex_articles_follow_their_text():
    a2 = CLEAN[CLEAN.index("（秘密の保持）"):CLEAN.index("（個人情報の取得の範囲と手段）")]
    a3 = CLEAN[CLEAN.index("（個人情報の取得の範囲と手段）"):CLEAN.index("（目的外利用及び提供の制限）")]
    swapped = CLEAN.replace(a2 + a3, a3.replace("第３条", "第２条") + a2.replace("第２条", "第３条"))
    assert swapped != CLEAN
    matches, _ = matches_of(swapped)
    assert where(matches["tokki-2-1"]) == [("annex", 3, 1)]
    assert where(matches["tokki-3-1"]) == [("annex", 2, 1)]


def test_kisai_clauses_found_under_other_host_articles():
    """The 記載例 live in the body under any article number, after host articles."""
    host = ("（総則）\n第１条　乙は、本業務を誠実に履行しなければならない。\n"
            "２　乙は、仕様書に定めのない事項については、甲と協議しなければならない。\n\n")
    text = replace(CLEAN, "（機密保持）\n第１条", host + "（機密保持）\n第１条")
    matches, leftover = matches_of(text)
    assert all(m.units for m in matches.values())
    assert where(matches["kisai-1-1"])[0][:2] == ("body", 1)
    assert matches["kisai-1-1"].units[0].article.heading == "機密保持"
    assert any("仕様書に定めのない" in u.para.text for u in leftover)


def test_deleted_paragraph_is_missing_and_its_neighbours_stay():
    deleted = "６　乙は、この契約による業務を処理するために、私用のパソコン等を使用してはならない。\n"
    text = replace(CLEAN, deleted, "")
    matches, _ = matches_of(text)
    assert matches["tokki-6-6"].units == []
    assert where(matches["tokki-6-5"]) == [("annex", 6, 5)]
    assert where(matches["tokki-6-7"]) == [("annex", 6, 6)]  # renumbered, still found


def test_deleted_article_is_not_replaced_by_a_look_alike_host_article():
    """A 第三者に及ぼした損害 article with a ただし書 must not stand in for 記載例4 第2項."""
    start = CLEAN.index("２　乙は、前項第１号の場合のほか")
    end = CLEAN.index("３　甲は、前項に基づき")
    text = CLEAN[:start] + CLEAN[end:]
    lookalike = ("（第三者に及ぼした損害）\n第５条　本業務の実施に伴い第三者に損害を及ぼしたときは、乙がその損害を賠償しなければ"
                 "ならない。ただし、その損害のうち甲の責めに帰すべき事由により生じたものについては、甲が負担する。\n\n")
    text = replace(text, "本契約の締結を証するため", lookalike + "本契約の締結を証するため")
    matches, leftover = matches_of(text)
    assert matches["kisai-4-2"].units == []
    assert any("第三者に損害を及ぼした" in u.para.text for u in leftover)


def test_clause_split_over_two_paragraphs():
    split = replace(CLEAN, "他に漏らしてはならない。この契約が終了し、",
                    "他に漏らしてはならない。\n２　この契約が終了し、")
    matches, _ = matches_of(split)
    m = matches["tokki-2-1"]
    assert m.how == "split" and where(m) == [("annex", 2, 1), ("annex", 2, 2)]


def test_two_paragraphs_merged_serve_both_clauses():
    p3 = "３　乙は、機密情報・個人情報を廃棄する場合、"
    p4 = "\n４　乙は、パソコン等に記録された機密情報・個人情報を消去する場合、"
    text = replace(CLEAN, p4, "また、乙は、パソコン等に記録された機密情報・個人情報を消去する場合、")
    text = text.replace("\n５　乙は、機密情報・個人情報を廃棄又は消去したときは", "\n４　乙は、機密情報・個人情報を廃棄又は消去したときは")
    text = text.replace("\n６　乙は、廃棄又は消去に際し", "\n５　乙は、廃棄又は消去に際し")
    assert p3 in text
    matches, _ = matches_of(text)
    a, b = matches["tokki-7-3"], matches["tokki-7-4"]
    assert a.units and b.units and a.units[0].para is b.units[0].para
    assert {a.how, b.how} <= {"best", "merged"}
    assert where(matches["tokki-7-5"]) == [("annex", 7, 4)]


def _rewrite_17_2(new: str):
    old = CLEAN[CLEAN.index("２　甲は、委託契約期間中少なくとも"):]
    old = old[:old.index("\n")]
    matches, _ = matches_of(replace(CLEAN, old, new))
    return matches["tokki-17-2"]


def test_heavily_rewritten_clause_found_in_place():
    """An on-site audit turned into a paper one: half the words changed, but it stands where
    第17条第2項 belongs."""
    m = _rewrite_17_2("２　甲は、必要があると認めるときは、乙が処理する業務に係る機密情報・個人情報の取扱い状況について、"
                      "書面により調査することができる。")
    assert where(m) == [("annex", 17, 2)]
    assert m.how in ("in-place", "best")


def test_short_rewrite_in_place_is_not_missing():
    """Same article, same 項 number, alone between the found neighbours: taken although it
    shares little text with the clause (similarity 0.24, below IN_PLACE)."""
    m = _rewrite_17_2("２　甲は、必要と認めるときは、乙が提出する書面により調査を行うことができる。")
    assert where(m) == [("annex", 17, 2)]


@pytest.mark.parametrize("label", ["別記", "別紙"])
def test_annex_under_another_name(label):
    text = CLEAN.replace("別添", label)
    matches, leftover = matches_of(text)
    assert all(len(m.units) == 1 for m in matches.values())
    assert leftover == []


# --- the renamed alphabet (speed only: it must never change a score) -----------------

from hypothesis import given, settings, strategies as st  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from keiyaku_lint.align import dense_alphabet, reference_canon, similarity  # noqa: E402

# Kana, kanji and ASCII, and the code points 0–300 that the renaming hands out.
_CHARS = st.one_of(st.characters(min_codepoint=0, max_codepoint=300),
                   st.sampled_from("乙甲はのをにがしてなければらいものとする、。機密個人情報第条項0123456789abc"))


@settings(max_examples=300, deadline=None)
@given(sample=st.text(_CHARS, max_size=600), text=st.text(_CHARS, max_size=200))
def test_dense_alphabet_is_a_renaming(sample, text):
    table = dense_alphabet(sample)
    assert len(set(table.values())) == len(table)  # one-to-one
    assert set(table.values()) == set(table)  # onto the same codes: a permutation
    renamed = text.translate(table)
    assert len(renamed) == len(text)
    assert len(set(renamed)) == len(set(text))


@settings(max_examples=200, deadline=None)
@given(sample=st.text(_CHARS, max_size=400), a=st.text(_CHARS, max_size=120), b=st.text(_CHARS, max_size=120))
def test_dense_alphabet_keeps_every_ratio(sample, a, b):
    table = dense_alphabet(sample)
    assert fuzz.ratio(a.translate(table), b.translate(table)) == fuzz.ratio(a, b)


def test_dense_alphabet_gives_the_commonest_characters_the_low_codes():
    table = dense_alphabet("のののはは乙")
    assert table[ord("の")] == 0 and table[ord("は")] == 1 and table[ord("乙")] == 2
    assert "のは乙".translate(table) == "\x00\x01\x02"


def test_similarity_matrix_is_the_same_with_and_without_renaming():
    ref = load_reference()
    tree = parse_text((SAMPLES / "seisou-itaku-keiyakusho-draft.txt").read_text(encoding="utf-8"))
    from keiyaku_lint.align import draft_units

    drafts = [u.canon for u in draft_units(tree, NO_PARTIES)]
    refs = reference_canon(ref)
    assert len(drafts) > 30
    table = dense_alphabet("".join(refs))
    renamed = similarity([r.translate(table) for r in refs], [d.translate(table) for d in drafts])
    assert renamed == similarity(refs, drafts)


def test_short_rewrite_in_place_is_judged_not_missing():
    """The audit then says what changed: an on-site audit at least once a year became a
    paper check done when 甲 sees fit."""
    from keiyaku_lint.audit import audit_tree

    old = CLEAN[CLEAN.index("２　甲は、委託契約期間中少なくとも"):]
    old = old[:old.index("\n")]
    text = replace(CLEAN, old, "２　甲は、必要と認めるときは、乙が提出する書面により調査を行うことができる。")
    res = audit_tree(parse_text(text, "variant.txt"), reference())
    finding = next(f for f in res.findings if f.clause.id == "tokki-17-2")
    assert finding.status == "weakened", finding
    assert not res.extras


def test_a_deleted_paragraph_does_not_take_the_rewritten_next_one_in_its_slot():
    """第7条第5項 deleted, 第6項 rewritten and renumbered 5: the paragraph now numbered 5
    stands in 第5項's slot but is 第6項's."""
    p5 = CLEAN[CLEAN.index("５　乙は、機密情報・個人情報を廃棄又は消去したときは"):]
    p5 = p5[:p5.index("\n") + 1]
    p6 = CLEAN[CLEAN.index("６　乙は、廃棄又は消去に際し"):]
    p6 = p6[:p6.index("\n")]
    text = replace(replace(CLEAN, p5, ""), p6, "５　乙は、廃棄又は消去の際に甲が求めるときは、甲の職員を立ち会わせるものとする。")
    matches, _ = matches_of(text)
    assert matches["tokki-7-5"].units == []
    assert where(matches["tokki-7-6"]) == [("annex", 7, 5)]


def test_a_deleted_paragraph_with_an_unrelated_one_in_its_slot_stays_missing():
    old = CLEAN[CLEAN.index("２　甲は、委託契約期間中少なくとも"):]
    old = old[:old.index("\n")]
    matches, leftover = matches_of(replace(CLEAN, old, "２　乙は、業務の完了後、速やかに報告書を提出しなければならない。"))
    assert matches["tokki-17-2"].units == []
    assert [u.para.index for u in leftover] == [2]
