"""Structural variants of the clean reference copy, written for this suite: splits,
merges, reordering, renumbering, chapters, dropped 見出し, kanji numerals, hard wraps.
Only the clause named may change status; everything else must stay ok.
"""
from __future__ import annotations

import re
from pathlib import Path


from keiyaku_lint.audit import audit_tree
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_text

ROOT = Path(__file__).resolve().parents[1]
CLEAN = (ROOT / "samples" / "reference-annexes-clean.txt").read_text(encoding="utf-8")
REF = load_reference()
KANJI = "〇一二三四五六七八九"


def statuses(text: str) -> dict[str, str]:
    result = audit_tree(parse_text(text, "v.txt"), REF)
    return {f.clause_id: f.status for f in result.findings}


def not_ok(text: str) -> dict[str, str]:
    return {k: v for k, v in statuses(text).items() if v != "ok"}


def annex_article(n: int) -> re.Pattern:
    return re.compile(rf"^（[^）]+）\n第{str(n).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}条　", re.M)


def to_kanji(n: int) -> str:
    if n < 10:
        return KANJI[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else KANJI[tens]) + "十" + (KANJI[ones] if ones else "")


def test_paragraph_split_in_two_stays_ok():
    text = CLEAN.replace("インストールしてはならない。また、", "インストールしてはならない。\n８　また、")
    text = text.replace("８　乙は、機密情報・個人情報を、その秘匿性等", "９　乙は、機密情報・個人情報を、その秘匿性等")
    assert not_ok(text) == {}


def test_two_paragraphs_merged_stay_present():
    old = "\n４　乙は、パソコン等に記録された"
    assert CLEAN.count(old) == 1
    text = CLEAN.replace(old, "また、乙は、パソコン等に記録された")
    for n in (5, 6):
        text = text.replace(f"\n{'０１２３４５６７８９'[n]}　乙は、", f"\n{'０１２３４５６７８９'[n - 1]}　乙は、", 1) \
            if False else text
    got = not_ok(text)
    assert "tokki-7-3" not in got or got["tokki-7-3"] in ("altered",)
    assert "tokki-7-4" not in got or got["tokki-7-4"] in ("altered",)
    assert set(got) <= {"tokki-7-3", "tokki-7-4"}


def test_headings_dropped_stay_ok():
    text = re.sub(r"^（[^）\n]{1,20}）\n", "", CLEAN, flags=re.M)
    assert not_ok(text) == {}


def test_kanji_article_numbers_stay_ok():
    text = re.sub(r"^第([０-９0-9]+)条", lambda m: f"第{to_kanji(int(m.group(1).translate(str.maketrans('０１２３４５６７８９', '0123456789'))))}条",
                  CLEAN, flags=re.M)
    assert "第十七条" in text
    assert not_ok(text) == {}


def test_articles_reordered_and_renumbered_stay_ok():
    body, sep, annex = CLEAN.partition("\n別添\n")
    a15 = annex.index("（契約内容の遵守状況の報告）")
    a16 = annex.index("（事故発生時の対応）")
    a17 = annex.index("（監査、調査等）")
    art15, art16 = annex[a15:a16], annex[a16:a17]
    art15 = art15.replace("第１５条", "第１６条")
    art16 = art16.replace("第１６条", "第１５条")
    text = body + sep + annex[:a15] + art16 + art15 + annex[a17:]
    assert not_ok(text) == {}


def test_paragraph_deleted_and_renumbered_is_the_only_missing():
    old = "４　乙は、パソコン等に記録された機密情報・個人情報を消去する場合"
    i = CLEAN.index(old)
    j = CLEAN.index("\n", i)
    text = CLEAN[:i] + CLEAN[j + 1:]
    text = text.replace("５　乙は、機密情報・個人情報を廃棄又は消去したときは", "４　乙は、機密情報・個人情報を廃棄又は消去したときは")
    text = text.replace("６　乙は、廃棄又は消去に際し", "５　乙は、廃棄又は消去に際し")
    assert not_ok(text) == {"tokki-7-4": "missing"}


def test_article_deleted_and_later_ones_renumbered():
    body, sep, annex = CLEAN.partition("\n別添\n")
    a12 = annex.index("（意見聴取）")
    a13 = annex.index("（知的財産権）")
    rest = annex[a13:]
    for n in range(13, 18):
        rest = rest.replace(f"第{str(n).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}条　",
                            f"第{str(n - 1).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}条　", 1)
    text = body + sep + annex[:a12] + rest
    assert not_ok(text) == {"tokki-12-1": "missing"}


def test_extra_article_in_annex_is_an_extra_not_a_finding():
    text = CLEAN.replace("（監査、調査等）", "（協議）\n第１７条の２　この特記事項に定めのない事項は、甲乙協議して定める。\n\n（監査、調査等）")
    result = audit_tree(parse_text(text, "v.txt"), REF)
    assert {f.clause_id: f.status for f in result.findings if f.status != "ok"} == {}
    assert any("協議して定める" in e.text for e in result.extras)


def test_annex_as_a_chapter_of_the_body_stays_ok():
    body, sep, annex = CLEAN.partition("\n別添\n")
    head, _, tail = body.partition("本契約の締結を証するため")
    annex = annex.replace("機密保持及び個人情報保護に関する特記事項\n", "", 1)

    def shift(m):
        n = int(m.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789"))) + 4
        return f"第{n}条"

    annex = re.sub(r"^第([０-９0-9]+)条", shift, annex, flags=re.M)
    text = head + "第２章　機密保持及び個人情報保護に関する特記事項\n" + annex + "\n本契約の締結を証するため" + tail
    text = text.replace("別添「機密保持及び個人情報保護に関する特記事項」", "第２章の規定")
    got = not_ok(text)
    assert got == {}


def test_hard_wrapped_text_with_page_footers_stays_ok():
    lines = []
    for line in CLEAN.splitlines():
        while len(line) > 30:
            lines.append(line[:30])
            line = line[30:]
        lines.append(line)
    out = []
    for k, line in enumerate(lines, 1):
        out.append(line)
        if k % 40 == 0:
            out.append(f"－ {k // 40} －")
    from keiyaku_lint.ingest.text import text_to_lines
    from keiyaku_lint.structure import parse_lines

    tree = parse_lines(text_to_lines("\n".join(out), markdown=False), "wrapped.txt")
    result = audit_tree(tree, REF)
    assert {f.clause_id: f.status for f in result.findings if f.status != "ok"} == {}


def test_weakening_and_strengthening_in_one_clause_is_weakened():
    text = CLEAN.replace("甲に速やかに報告し、その指示に従わなければならない。",
                         "甲に書面により報告し、その指示に従わなければならない。")
    assert not_ok(text) == {"tokki-16-1": "weakened"}


def test_unfilled_article_numbers_stay_ok():
    """A draft still carrying 「第○条」 placeholders in its body."""
    body, sep, annex = CLEAN.partition("\n別添\n")
    body = re.sub(r"^第[０-９0-9]+条", "第○条", body, flags=re.M)
    assert "第○条" in body
    assert not_ok(body + sep + annex) == {}
