"""Variants in the 別紙 layout many bodies use: annex articles 「１．見出し」, paragraphs
（１）（２）, items ア イ with sub-items （ア）, cross-references 「（１）の」 and 「２．に準ずる」.
Written for this suite and measured before any change to the method.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from keiyaku_lint.audit import audit_tree
from keiyaku_lint.reference import load_reference
from keiyaku_lint.structure import parse_text

ROOT = Path(__file__).resolve().parents[1]
CLEAN = (ROOT / "samples" / "reference-annexes-clean.txt").read_text(encoding="utf-8")
REF = load_reference()
FW = str.maketrans("0123456789", "０１２３４５６７８９")
KANA = "アイウエオカキクケコ"


def layout_d(text: str) -> str:
    body, sep, annex = text.partition("\n別添\n")
    body = body.replace("別添「", "別紙「")
    out = []
    heading = None
    for line in annex.splitlines():
        m = re.match(r"^（(.+)）$", line)
        if m:
            heading = m.group(1)
            continue
        m = re.match(r"^第([０-９0-9]+)条　(.*)$", line)
        if m:
            n = int(m.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
            out += ["", f"{str(n).translate(FW)}．{heading}", f"（１）　{m.group(2)}" if _has_more(annex, n) else f"　{m.group(2)}"]
            continue
        m = re.match(r"^([２-９])　(.*)$", line)
        if m:
            out.append(f"（{m.group(1)}）　{m.group(2)}")
            continue
        m = re.match(r"^\((\d)\)　(.*)$", line)
        if m:
            out.append(f"　{KANA[int(m.group(1)) - 1]}　{m.group(2)}")
            continue
        m = re.match(r"^([アイウ])　(.*)$", line)
        if m:
            out.append(f"　　（{m.group(1)}）　{m.group(2)}")
            continue
        out.append(line)
    annex = "\n".join(out)
    annex = annex.replace("前項の機密情報", "（１）の機密情報").replace("第１項の機密情報", "（１）の機密情報")
    annex = annex.replace("第２条に準ずる", "２．に準ずる")
    return body + "\n別紙\n" + annex


def _has_more(annex: str, n: int) -> bool:
    """Whether article n has a second paragraph (then its first is numbered （１）)."""
    m = re.search(rf"^第{str(n).translate(FW)}条　.*?(?=^（|\Z)", annex, flags=re.M | re.S)
    return bool(m and re.search(r"^２　", m.group(0), flags=re.M))


def statuses(text: str) -> dict[str, str]:
    return {f.clause_id: f.status for f in audit_tree(parse_text(text, "d.txt"), REF).findings}


def test_layout_d_clean_copy_is_all_ok():
    text = layout_d(CLEAN)
    assert "６．安全管理措置" in text and "（８）" in text
    assert {k: v for k, v in statuses(text).items() if v != "ok"} == {}


CASES = [
    ("tokki-6-2", "甲が同意した場合を除き、", "", "altered"),
    ("tokki-6-8", "(2)　電子データとして保存及び持ち出す場合は、可能な限り暗号化処理又はこれと同等以上の保護措置をとること。\n",
     "", "weakened"),
    # 「１年以上」 → 「１年間」: the minimum stays one year; a changed period, not a lower one
    ("tokki-6-8", "その記録を１年以上保存し", "その記録を１年間保存し", "altered"),
    ("tokki-7-2", "前項の機密情報・個人情報を返還、廃棄又は消去しなければならない",
     "前項の機密情報・個人情報を返還し、又は廃棄するよう努めなければならない", "weakened"),
    ("tokki-10-1", "その場合の守秘義務の期間は、第２条に準ずるものとする。", "", "weakened"),
    ("tokki-14-2", "２　個人情報の取扱いにおいては、甲及び乙は前項を適用しない。\n", "", "missing"),
]


@pytest.mark.parametrize("cid,old,new,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_variant_layout_d(cid, old, new, expected):
    assert CLEAN.count(old) == 1, old
    got = statuses(layout_d(CLEAN.replace(old, new)))
    assert got[cid] == expected
    assert {k: v for k, v in got.items() if k != cid and v != "ok"} == {}
