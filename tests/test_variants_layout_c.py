"""A third set of variants written for this suite, measured before any change to the
judge: Markdown with 「#### 第N条（見出し）」 headings, parties 委託者 / 受託者.
"""
from __future__ import annotations

import re

import pytest
from variant_helpers import CLEAN, audit_via_file, check_variant, not_ok

CASES = [
    ("tokki-3-1", "適法かつ公正な手段で取得しなければならない", "適法な手段で取得しなければならない", "weakened"),
    ("tokki-4-1", "他の目的に利用してはならない。", "他の目的に利用しないものとする。", "ok"),
    ("tokki-6-1", "漏えい、毀損及び滅失（", "漏えい、毀損、滅失及び改ざん（", "altered"),
    ("tokki-6-4", "その特定した作業場所を変更しようとするときも、同様とする。", "", "weakened"),
    ("tokki-6-8", "(1)　金庫、保管庫又は施錠若しくは入退室管理の可能な保管室に保管すること。",
     "(1)　施錠できる場所に保管すること。", "weakened"),
    ("tokki-7-2", "甲の指示に基づいて", "乙の判断により", "weakened"),
    ("tokki-7-5", "を甲に提出しなければならない。", "を甲の求めに応じて提出しなければならない。", "weakened"),
    ("tokki-9-1", "業務責任者及び業務従事者を変更する場合も、同様とする。", "", "weakened"),
    ("tokki-10-2", "この契約に基づく一切の義務を遵守させるとともに", "この契約に基づく義務を遵守させるよう努めるとともに", "weakened"),
    ("tokki-14-2", "個人情報の取扱いにおいては、甲及び乙は前項を適用しない。", "個人情報の取扱いにおいても、甲及び乙は前項を適用する。",
     "weakened"),
    ("tokki-16-1", "機密情報・個人情報の内容、数量、発生場所、発生状況等を", "機密情報・個人情報の内容及び数量を", "weakened"),
    ("tokki-16-3", "公表に努めなければならない。", "公表を行うことができる。", "weakened"),
    ("tokki-17-2", "少なくとも１年に１回", "少なくとも２年に１回", "weakened"),
    ("kisai-1-1", "「機密情報」を、本契約に基づき相手方から提供を受ける技術情報及び行政の運営上の情報等で",
     "「機密情報」を、本契約に基づき相手方から提供を受ける技術情報で", "weakened"),
    ("kisai-2-1", "必要な措置を講じなければならない。", "必要な措置を講ずるよう努めなければならない。", "weakened"),
    ("kisai-3-1", "本業務の全部又は一部を第三者に再委託することはできない", "本業務の全部を第三者に再委託することはできない", "weakened"),
    ("kisai-3-2", "乙と再委託先との契約内容にかかわらず、", "", "weakened"),
    ("kisai-4-2", "甲の算定に基づき", "甲乙協議の上", "weakened"),
    ("kisai-4-3", "減額について協議を行うものとする。", "減額について協議を行い、相当と認める額を減額するものとする。", "weakened"),
    ("tokki-5-1", "複写し、又は複製してはならない。", "複写又は複製をしてはならない。", "ok"),
    ("tokki-11-1", "教育又は研修を実施しなければならない。", "教育又は研修を行わなければならない。", "ok"),
]


def layout_c(text: str) -> str:
    """Markdown, 見出し inline after 第N条, parties 委託者 / 受託者."""
    head, sep, rest = text.partition("（機密保持）")
    head = head.replace("（以下「甲」という。）", "（以下「委託者」という。）").replace(
        "（以下「乙」という。）", "（以下「受託者」という。）")
    text = head + sep + rest.replace("甲", "委託者").replace("乙", "受託者")
    # （見出し）\n第N条　text  ->  #### 第N条（見出し）\n\ntext
    text = re.sub(r"^（([^）\n]+)）\n(第[０-９0-9]+条)　", r"#### \2（\1）\n\n", text, flags=re.M)
    return "# " + text.replace("\n別添\n", "\n## 別添\n")


@pytest.mark.parametrize("cid,old,new,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_variant_layout_c(cid, old, new, expected, tmp_path):
    check_variant(cid, old, new, expected, layout_c, via=tmp_path / "draft.md")


def test_layout_c_clean_copy_is_all_ok(tmp_path):
    assert not_ok(audit_via_file(layout_c(CLEAN), tmp_path / "clean.md")) == {}
