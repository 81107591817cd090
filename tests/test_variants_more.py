"""A further set written for this suite, measured before any change to the method:
weakenings and silent rewrites in phrasings not used by the earlier sets."""
from __future__ import annotations

import pytest

from variant_helpers import check_variant

CASES = [
    # weakenings
    ("tokki-2-1", "他に漏らしてはならない。", "甲の許可なく他に漏らさないよう努めなければならない。", "weakened"),
    ("tokki-3-1", "適法かつ公正な手段で取得しなければならない。", "適法かつ公正な手段で取得するものとする。ただし、緊急の場合はこの限りでない。", "weakened"),
    ("tokki-6-4", "あらかじめ甲に届け出なければならない。", "甲から求めがあった場合に届け出るものとする。", "weakened"),
    ("tokki-6-5", "当該パソコン等を作業場所から持ち出してはならない。", "当該パソコン等を作業場所から持ち出す場合は、盗難防止に留意するものとする。", "weakened"),
    ("tokki-7-2", "前項の機密情報・個人情報を返還、廃棄又は消去しなければならない。", "前項の機密情報・個人情報を返還しなければならない。", "weakened"),
    ("tokki-7-3", "電子媒体を物理的に破壊する等当該機密情報・個人情報が判読、復元できないように確実な方法で廃棄しなければならない。",
     "乙の定める方法により廃棄しなければならない。", "weakened"),
    ("tokki-9-1", "書面によりあらかじめ甲に報告しなければならない。", "甲の求めに応じて報告しなければならない。", "weakened"),
    ("tokki-11-1", "教育又は研修を実施しなければならない。", "教育又は研修を実施するよう努めるものとする。", "weakened"),
    ("tokki-15-1", "情報セキュリティ対策の実施状況について報告を求めることができる。",
     "情報セキュリティ対策の実施状況について報告を求めることができる。この場合において、乙は、乙の営業上の秘密に属する事項の報告を拒むことができる。", "weakened"),
    ("tokki-16-2", "当該漏えい等に係る事実関係を当該漏えい等のあった個人情報の本人に通知し、又は本人が容易に知り得る状態にする等の措置を講ずるものとする。",
     "当該漏えい等に係る事実関係を、必要と認める場合に限り、本人に通知するものとする。", "weakened"),
    ("tokki-17-1", "委託契約期間中、", "委託契約期間中、年１回に限り、", "weakened"),
    ("kisai-1-2", "善良なる管理者の注意義務をもって管理しなければならない", "自己の財産と同一の注意をもって管理しなければならない", "weakened"),
    ("kisai-3-2", "本契約に基づく一切の義務を遵守させるとともに", "本契約に基づく主要な義務を遵守させるとともに", "weakened"),
    ("kisai-4-2", "甲の算定に基づき当該損害を補償又は賠償する責任を負担するものとする。",
     "甲の算定に基づき当該損害を補償又は賠償する責任を負担するものとする。ただし、乙の賠償額は、委託料の額を超えないものとする。", "weakened"),
    # stricter or changed, not weaker
    ("tokki-6-6", "私用のパソコン等を使用してはならない。", "私用のパソコン等及び私用の記録媒体を使用してはならない。", "altered"),
    ("tokki-16-1", "甲に速やかに報告し", "甲に直ちに報告し", "altered"),
    ("tokki-17-2", "少なくとも１年に１回", "少なくとも半年に１回", "altered"),
    # written after the first run above, measured before the change that handles them (1 of 3 right)
    ("tokki-4-1", "乙は、この契約による業務に関して甲から提供を受けた機密情報・個人情報を契約の目的にのみ利用するものとし、本契約期間中はもとより契約を解除又は終了した後といえども、他者へ提供若しくは譲渡し、又は自ら用いる場合であっても他の目的に利用してはならない。",
     "乙は、この契約による業務に関して甲から提供を受けた機密情報・個人情報を、契約の目的以外に利用し、又は第三者に提供してはならない。本契約の終了後も同様とする。", "weakened"),
    ("tokki-5-1", "乙は、甲の承諾があるときを除き、この契約による業務を行うため甲から提供を受けた機密情報・個人情報が記録された資料等を複写し、又は複製してはならない。",
     "乙は、この契約による業務を行うため甲から提供を受けた機密情報・個人情報が記録された資料等を、甲の承諾なく複写し、又は複製してはならない。", "ok"),
    ("tokki-16-1", "機密情報・個人情報の漏えい等があった場合は", "機密情報・個人情報の漏えい等が発生し、又は発生したおそれがある場合は", "altered"),
    # silent rewrites
    ("tokki-8-1", "内部における責任体制を構築し、その体制を維持しなければならない。", "内部における責任体制を構築し、これを維持しなければならない。", "ok"),
    ("tokki-10-1", "労働者派遣契約書に、", "労働者派遣契約書において、", "ok"),
    ("tokki-12-1", "提供又は提出に係る手続上の保障を与えるものとする。", "提供又は提出に関する手続上の保障を与えるものとする。", "ok"),
    ("kisai-2-1", "個人情報の適正な取扱いについて必要な措置を講じなければならない。", "個人情報の適正な取扱いのために必要な措置を講じなければならない。", "ok"),
    # the preamble defines 受託者○○（以下「乙」という。）: a clause that says 受託者 means 乙
    ("tokki-4-1", "第４条　乙は、この契約による業務に関して", "第４条　受託者は、この契約による業務に関して", "ok"),
    # 内/外 never pass as wording on their own (日本国内 → 日本国外 must not be ok): this is the
    # same act only because 事業所内から / 事業所の外へ / 事業所から 持ち出す are one phrase
    ("tokki-6-2", "事業所内から持ち出してはならない。", "事業所の外へ持ち出してはならない。", "ok"),
    # a term the reference defines swapped for another word is never wording (KL163), and
    # the 持ち出す phrase above does not let 作業場所から → 事業所の外に pass
    ("tokki-6-5", "作業場所から持ち出しては", "事業所の外に持ち出しては", "altered"),
    ("tokki-6-5", "当該パソコン等を作業場所から", "当該パソコン等を作業所から", "altered"),
    ("tokki-6-4", "特定した作業場所を", "特定した事業所を", "altered"),
    # a parenthetical moved that repeats a word of its own sentence is a move (not a rule case:
    # any draft of it contains a phrase a corpus edit also produces)
    ("tokki-6-3", "データ（バックアップデータを含む。）の保管場所", "データの保管場所（バックアップデータの保管場所も含む。）", "ok"),
    ("tokki-6-3", "データ（バックアップデータを含む。）の保管場所", "データの保管場所（バックアップデータを除く。）", "weakened"),
]


def _id(case, i: int) -> str:
    values = case.values if hasattr(case, "values") else case
    return f"{values[0]}-{i}"


@pytest.mark.parametrize("cid,old,new,expected", CASES, ids=[_id(c, i) for i, c in enumerate(CASES)])
def test_variant_more(cid, old, new, expected):
    check_variant(cid, old, new, expected)
