"""A second set of variants written for this suite, in another layout: the parties
renamed 県 / 受注者 (defined in the preamble), the 特記事項 as 別記 with 「第１」 articles
without 条. Written after the first set had been made to pass, and measured before any
change to the judge (see the README's accuracy section for that first-run figure).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from variant_helpers import check_variant

from keiyaku_lint.audit import audit_tree
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_text

ROOT = Path(__file__).resolve().parents[1]
CLEAN = (ROOT / "samples" / "reference-annexes-clean.txt").read_text(encoding="utf-8")
REF = load_reference()

CASES = [
    ("tokki-1-1", "特定の個人を識別することができるもの（", "特定の個人を直接識別することができるもの（", "weakened"),
    ("tokki-2-1", "この契約が終了し、又は解除された後においても同様とする。", "", "weakened"),
    ("tokki-4-1", "本契約期間中はもとより契約を解除又は終了した後といえども、", "本契約期間中は、", "weakened"),
    ("tokki-6-2", "甲が同意した場合を除き、", "", "altered"),
    ("tokki-6-3", "日本国内に限定しなければならない", "日本国内に限定するよう努めなければならない", "weakened"),
    ("tokki-6-5", "台帳で管理するものとし", "管理するものとし", "weakened"),
    ("tokki-6-6", "私用のパソコン等を使用してはならない。", "私用のパソコン等を使用する場合は、甲の承諾を得なければならない。",
     "weakened"),
    ("tokki-7-1", "甲に帰属するものとする。", "乙に帰属するものとする。", "weakened"),
    ("tokki-7-3", "確実な方法で廃棄しなければならない。", "適切な方法で廃棄しなければならない。", "weakened"),
    ("tokki-7-5", "完全に廃棄又は消去した旨の証明書", "廃棄又は消去した旨の報告書", "weakened"),
    ("tokki-9-3", "本特記事項を遵守させなければならない。", "本特記事項を遵守するよう指導しなければならない。", "weakened"),
    ("tokki-10-1", "取扱いに関する事項を明記しなければならない。", "取扱いに関する事項を明記するよう努めなければならない。",
     "weakened"),
    ("tokki-11-1", "関係法令に基づく罰則の内容及び民事上の責任その他", "関係法令に基づく罰則の内容その他", "weakened"),
    ("tokki-12-1", "手続上の保障を与えるものとする。", "手続上の保障を与えるよう努めるものとする。", "weakened"),
    ("tokki-13-1", "付与するものでないことを確認する。", "付与するものではないことを確認する。", "ok"),
    ("tokki-15-1", "甲は必要があると認めるときは、乙に対し", "甲は、乙に対し", "altered"),
    ("tokki-16-1", "その指示に従わなければならない。", "その指示に従うよう努めなければならない。", "weakened"),
    ("tokki-16-2", "本人に通知し、又は本人が容易に知り得る状態にする等の措置を講ずるものとする。",
     "本人に通知する等の措置を講ずることができる。", "weakened"),
    ("tokki-17-1", "取扱い状況について、報告を求めることができる。", "取扱い状況について、報告を求めることができる。ただし、乙の営業秘密に関する事項については、この限りでない。",
     "weakened"),
    ("tokki-17-2", "原則として当該作業を行う作業場所において", "当該作業を行う作業場所において", "altered"),
    ("kisai-1-2", "注意義務をもって管理しなければならない。", "注意義務をもって管理するものとする。", "ok"),
    ("kisai-3-1", "事前に甲と協議し、その承諾を得た場合", "事前に甲と協議した場合", "weakened"),
    ("kisai-4-2", "甲又は第三者に損害を発生させた場合", "甲に損害を発生させた場合", "weakened"),
    ("kisai-4-1", "乙の責に帰すべき理由による機密情報", "機密情報", "altered"),
]


def layout_b(text: str) -> str:
    """県 / 受注者 as parties, the annex as 別記 with 「第１」 articles."""
    head, sep, rest = text.partition("（機密保持）")
    head = head.replace("（以下「甲」という。）", "（以下「県」という。）").replace(
        "（以下「乙」という。）", "（以下「受注者」という。）")
    rest = rest.replace("甲", "県").replace("乙", "受注者")
    body, annex_sep, annex = rest.partition("\n別添\n")
    body = body.replace("別添「", "別記「")
    annex = re.sub(r"^第([０-９0-9]+)条", r"第\1", annex, flags=re.M)
    return head + sep + body + ("\n別記\n" if annex_sep else "") + annex


def test_layout_b_clean_copy_is_all_ok():
    assert "\n別添\n" in CLEAN
    result = audit_tree(parse_text(layout_b(CLEAN), "b.txt"), REF)
    assert {f.clause_id: f.status for f in result.findings if f.status != "ok"} == {}


@pytest.mark.parametrize("cid,old,new,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_variant_layout_b(cid, old, new, expected):
    check_variant(cid, old, new, expected, layout=layout_b)
