"""Document-level variants written for this test suite (not taken from the corpora).

Each case edits one clause of the clean reference copy (samples/reference-annexes-clean.txt)
the way a contractor might — other phrasings of the weakenings the dev corpora use,
editorial rewrites that must stay silent — and audits the whole document. The edited
clause must get the expected status, and every other clause must stay ok.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from variant_helpers import check_variant

from keiyaku_lint.audit import audit_tree
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_text

ROOT = Path(__file__).resolve().parents[1]
CLEAN = (ROOT / "samples" / "reference-annexes-clean.txt").read_text(encoding="utf-8")
REF = load_reference()

# (clause id, text in the clean copy, replacement, expected status, rule expected in the reasons or "")
CASES = [
    ("tokki-2-1", "他に漏らしてはならない。", "正当な理由なく他に漏らしてはならない。", "weakened", ""),
    ("tokki-3-1", "利用目的を明示し甲の同意を得た上で", "利用目的を明示した上で", "weakened", ""),
    ("tokki-4-1", "ただし、甲の指示又は承諾を得たときは、この限りでない。",
     "ただし、甲の指示又は承諾を得たとき、及び乙が業務上必要と判断したときは、この限りでない。", "weakened", ""),
    ("tokki-5-1", "複写し、又は複製してはならない。", "複写し、又は複製しないよう努めるものとする。", "weakened",
     "modality.softened"),
    ("tokki-6-1", "当該機密情報・個人情報の安全な管理に努めなければならない。",
     "当該機密情報・個人情報の安全な管理のために必要な措置を講じなければならない。", "altered", ""),
    ("tokki-6-2", "事業所内から持ち出してはならない。", "事業所内から持ち出すときは、その旨を甲に報告するものとする。",
     "weakened", ""),
    ("tokki-6-3", "保管場所を日本国内に限定しなければならない。", "保管場所を原則として日本国内とするものとする。",
     "weakened", ""),
    ("tokki-6-4", "あらかじめ甲に届け出なければならない。", "作業の開始後、遅滞なく甲に届け出なければならない。",
     "weakened", "deadline.loosened"),
    ("tokki-6-5", "甲が承諾した場合を除き", "甲に事前に連絡した場合を除き", "weakened", ""),
    ("tokki-6-7", "インストールしてはならない。また、ソフトウェアに関する公開された脆弱性の解消、把握された不正プログラムの感染防止等に必要な措置（導入したソフトウェアを常に最新の状態に保つことを含む。）を講じなければならない。",
     "インストールしてはならない。", "weakened", ""),
    ("tokki-6-8", "(5)　盗難・漏えい・改ざんを防止する適切な措置を講ずること。\n", "", "weakened", "item.deleted"),
    ("tokki-6-8", "その記録を１年以上保存し", "その記録を３月以上保存し", "weakened", "minimum.lowered"),
    ("tokki-7-2", "委託業務完了時に、", "委託業務完了後、甲乙協議の上定める時期に、", "weakened", ""),
    ("tokki-7-4", "確実に消去しなければならない。", "消去するよう努めなければならない。", "weakened", ""),
    ("tokki-7-6", "これに応じなければならない。", "乙の業務に支障がない限りこれに応じるものとする。", "weakened", ""),
    ("tokki-8-1", "内部における責任体制を構築し、その体制を維持しなければならない。",
     "内部における責任体制の構築に努めるものとする。", "weakened", ""),
    ("tokki-9-1", "書面によりあらかじめ甲に報告しなければならない。", "口頭又は書面により甲に報告しなければならない。",
     "weakened", ""),
    ("tokki-9-2", "適切に実施するよう監督させなければならない。", "適切に実施するよう監督させるよう配慮するものとする。",
     "weakened", "modality.softened"),
    ("tokki-10-2", "乙と派遣元との契約内容にかかわらず、甲に対して",
     "乙に故意又は重大な過失がある場合に限り、甲に対して", "weakened", ""),
    ("tokki-11-1", "教育又は研修を実施しなければならない。", "教育又は研修を年１回以上実施しなければならない。",
     "altered", ""),
    ("tokki-12-1", "法令の趣旨にのっとり", "法令の趣旨に則り", "ok", ""),
    ("tokki-13-1", "いかなる特許権", "如何なる特許権", "ok", ""),
    ("tokki-14-1", "(5)　保持義務を課すことなく第三者に提供した情報\n", "", "altered", ""),
    ("tokki-14-1", "提供後、受領者の責めに帰すべからざる事由により公知となった情報", "提供後に公知となった情報",
     "weakened", ""),
    ("tokki-16-1", "甲に速やかに報告し", "甲に報告し", "weakened", "deadline.loosened"),
    ("tokki-16-2", "速やかに被害を最小限にするための措置を講ずる", "被害を最小限にするための措置を可能な範囲で講ずる",
     "weakened", ""),
    ("tokki-16-3", "公表に努めなければならない。", "公表に努めるものとする。", "weakened", "modality.softened"),
    ("tokki-17-2", "委託契約期間中少なくとも１年に１回、", "委託契約期間中必要に応じて、", "weakened", ""),
    ("kisai-1-1", "(2)　秘密である旨を告知した上で口頭で提供される情報であって、口頭による提供後遅滞なく当該情報の内容が機密である旨を明示された書面により提供されたもの\n",
     "", "weakened", "item.deleted"),
    ("kisai-1-2", "善良なる管理者の注意義務をもって", "通常の注意をもって", "weakened", "care.lowered"),
    ("kisai-2-1", "必要な措置を講じなければならない。", "必要な措置を講ずるものとする。", "ok", ""),
    ("kisai-3-1", "事前に甲と協議し、その承諾を得た場合", "事前に甲に届け出た場合", "weakened", ""),
    ("kisai-3-2", "乙及び再委託先が甲に対して", "再委託先が甲に対して", "weakened", ""),
    ("kisai-4-1", "二　前号に掲げる場合のほか、本契約に違反し、本業務の目的を達成することができないと認められるとき。\n",
     "", "weakened", "item.deleted"),
    ("kisai-4-2", "甲の算定に基づき当該損害を補償又は賠償する", "当該損害を委託料の額を上限として補償又は賠償する",
     "weakened", "liability.limited"),
    ("kisai-4-3", "減額について協議を行うものとする。", "減額について協議を行うことができる。", "altered", ""),
]


def _audit(text: str):
    return audit_tree(parse_text(text, "variant.txt"), REF)


@pytest.mark.parametrize("cid,old,new,expected,rule", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_variant(cid, old, new, expected, rule):
    result = check_variant(cid, old, new, expected)
    if rule:
        got = next(f for f in result.findings if f.clause_id == cid)
        assert rule in {r.rule for r in got.reasons}


def test_parties_renamed_with_definitions_stay_ok():
    text = CLEAN.replace("（以下「甲」という。）", "（以下「発注者」という。）").replace(
        "（以下「乙」という。）", "（以下「受注者」という。）")
    head, sep, rest = text.partition("（機密保持）")
    rest = rest.replace("甲", "発注者").replace("乙", "受注者")
    result = _audit(head + sep + rest)
    assert {f.clause_id: f.status for f in result.findings if f.status != "ok"} == {}


def test_overriding_paragraph_weakens_the_clause_it_overrides():
    old = "６　乙は、この契約による業務を処理するために、私用のパソコン等を使用してはならない。\n"
    assert old in CLEAN
    added = "７　前項の規定にかかわらず、乙は、業務の繁忙期には私用のパソコン等を使用することができる。\n"
    text = CLEAN.replace(old, old + added)
    # later paragraphs of the article move down by one
    text = text.replace("７　乙は、この契約による業務を処理するパソコン等に", "８　乙は、この契約による業務を処理するパソコン等に")
    text = text.replace("８　乙は、機密情報・個人情報を、その秘匿性等", "９　乙は、機密情報・個人情報を、その秘匿性等")
    result = _audit(text)
    statuses = {f.clause_id: f for f in result.findings}
    assert statuses["tokki-6-6"].status == "weakened"
    assert "override.added" in {r.rule for r in statuses["tokki-6-6"].reasons}
    assert any(e.overrides == "tokki-6-6" for e in result.extras)


def test_parties_renamed_without_definitions_are_guessed():
    """県 / 受注者 used throughout, defined nowhere (or only in a 定義 article)."""
    head, sep, rest = CLEAN.partition("（機密保持）")
    head = head.replace("（以下「甲」という。）", "").replace("（以下「乙」という。）", "")
    result = _audit(head + sep + rest.replace("甲", "県").replace("乙", "受注者"))
    assert result.parties.kou == ("県",) and result.parties.otsu == ("受注者",)
    assert {f.clause_id: f.status for f in result.findings if f.status != "ok"} == {}
