"""Editorial rewrites written for this suite: each must leave every clause ok.

The false-alarm rate is what makes a reviewer trust the tool; these are the
variations drafters make without changing the legal effect.
"""
from __future__ import annotations

import pytest

from variant_helpers import CLEAN, audit_text, not_ok

EDITS = [
    ("この契約による業務を処理するため収集、作成した", "本契約による業務を処理するため収集、作成した"),
    ("又は甲から引き渡された電子媒体", "又は甲から引渡された電子媒体"),
    ("甲が同意した場合を除き", "甲の同意がある場合を除き"),
    ("甲から立会いを求められたときは", "甲から立会いを求められた場合は"),
    ("当該機密情報・個人情報の安全な管理に努めなければならない", "機密情報・個人情報の安全な管理に努めなければならない"),
    ("その体制を維持しなければならない。", "当該体制を維持しなければならない。"),
    ("書面によりあらかじめ甲に報告しなければならない。", "あらかじめ書面により甲に報告しなければならない。"),
    ("関係法令に基づく罰則の内容及び民事上の責任その他", "関係法令に基づく罰則の内容、民事上の責任その他"),
    ("法令の趣旨にのっとり", "法令の趣旨にのっとって"),
    ("速やかに被害を最小限にするための措置を講ずる", "速やかに被害を最小限にとどめるための措置を講ずる"),
    ("甲は必要があると認めるときは", "甲は、必要があると認めるときは"),
    ("必要な措置（導入したソフトウェアを常に最新の状態に保つことを含む。）を講じなければならない。",
     "必要な措置（導入したソフトウェアを常に最新の状態に保つことを含む。）を講じなければならない"),
    ("他者へ提供若しくは譲渡し", "第三者へ提供し、若しくは譲渡し"),
    ("保管・管理するための台帳を整備し", "保管及び管理のための台帳を整備し"),
    ("賠償額の減額について協議を行うものとする。", "賠償額の減額について協議するものとする。"),
    ("前項ただし書の場合", "前項ただし書きの場合"),
    ("乙の責に帰すべき理由による", "乙の責めに帰すべき理由による"),
    ("本契約に基づく一切の義務を遵守させるとともに", "本契約に基づく一切の義務を遵守させるとともに、"),
    ("廃棄又は消去の年月日が記載された書面", "廃棄又は消去の年月日を記載した書面"),
]


HARD: dict[str, str] = {}  # was: 最小限にする → 最小限にとどめる (now in japanese.SYNONYMS)


def _param(old: str, new: str):
    marks = [pytest.mark.xfail(strict=True, reason=HARD[old])] if old in HARD else []
    return pytest.param(old, new, marks=marks)


@pytest.mark.parametrize("old,new", [_param(*e) for e in EDITS], ids=[f"e{i}" for i in range(len(EDITS))])
def test_editorial_rewrite_stays_ok(old, new):
    assert CLEAN.count(old) == 1, old
    assert not_ok(audit_text(CLEAN.replace(old, new))) == {}
