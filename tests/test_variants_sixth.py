"""A sixth set written for this suite (first run 9 of 10 right, before the change that
handles a delivery to 甲 being dropped)."""
from __future__ import annotations

import pytest

from variant_helpers import check_variant

CASES = [
 ("tokki-6-3","データ（バックアップデータを含む。）の保管場所を日本国内に限定しなければならない。","データの保管場所は、原則として日本国内とする。","weakened"),
 ("tokki-6-7","必要な措置（導入したソフトウェアを常に最新の状態に保つことを含む。）を講じなければならない。","必要な措置（導入したソフトウェアを常に最新の状態に保つことを含む。）を講ずるよう努めなければならない。","weakened"),
 ("tokki-7-5","を甲に提出しなければならない。","を作成し、保管しなければならない。","weakened"),
 ("tokki-10-2","遵守させるとともに、乙と派遣元との契約内容にかかわらず、甲に対して派遣労働者による機密情報・個人情報の処理に関する責任を負うものとする。","遵守させなければならない。","weakened"),
 ("tokki-14-2","甲及び乙は前項を適用しない。","甲及び乙は前項第２号から第５号までを適用しない。","weakened"),
 ("tokki-17-2","原則として当該作業を行う作業場所において監査、調査等するものとする。","乙の事務所において監査、調査等を行うことができる。","weakened"),
 ("kisai-1-1","秘密である旨が明示された文書、図面その他の有体物又は電子文書・電磁的記録として提供される情報","秘密である旨が明示された文書として提供される情報","weakened"),
 ("kisai-3-1","その承諾を得た場合においては","その承諾を得た場合及び乙の関連会社に再委託する場合においては","weakened"),
 ("tokki-12-1","相手方に対し意見を述べる機会又は意見書を提出する機会を設ける等","相手方に対し意見を述べる機会を設ける等","weakened"),
 ("tokki-2-1","この契約による業務に関して甲から提供を受けた機密情報・個人情報を他に漏らしてはならない。","この契約による業務に関して知り得た機密情報・個人情報を他に漏らしてはならない。","altered"),
]


@pytest.mark.parametrize("cid,old,new,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_variant_sixth(cid, old, new, expected):
    check_variant(cid, old, new, expected)


def test_antonym_swap_is_never_silent():
    """日本国内 → 日本国外 is two characters, but not wording."""
    from variant_helpers import CLEAN, audit_text

    result = audit_text(CLEAN.replace("日本国内に限定", "日本国外に限定"))
    got = {f.clause_id: f.status for f in result.findings if f.status != "ok"}
    assert got.get("tokki-6-3") in ("altered", "weakened") and set(got) == {"tokki-6-3"}
