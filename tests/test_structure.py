"""Structure parser (lines -> parts / 条 / 項 / 号) on small texts written for the test.

Each test pins one layout convention of Japanese contracts: article numbers (第十二条,
第１２条, 第3条の2, 「第1」, 「１．」), 見出し placement, paragraph numbers (2, ２, ②,
(2)), item markers ((1), （１）, ⑴, 一, ア, (ア)), hard-wrapped text, annexes that
restart at 第1条, chapters, drafting notes and the closing signature block.
"""
from __future__ import annotations

import textwrap
import unicodedata

import pytest

from keiyaku_lint.structure import DocTree, parse_text, render_tree


def parse(text: str) -> DocTree:
    return parse_text(textwrap.dedent(text).strip("\n"), "test.txt")


def body(tree: DocTree):
    assert tree.parts[0].kind == "body"
    return tree.parts[0]


def article(tree: DocTree, part: int, number: int, sub: int | None = None):
    for art in tree.parts[part].articles:
        if art.number == number and art.sub == sub:
            return art
    raise AssertionError(f"no article {number} in part {part}: "
                         f"{[a.display for a in tree.parts[part].articles]}")


def shape(part) -> list[tuple[int | None, int]]:
    """(article number, paragraph count) for every article of a part."""
    return [(a.number, len(a.paragraphs)) for a in part.articles]


def item_labels(para) -> list[str]:
    return [it.label for it in para.items]


# ------------------------------------------------------------------ article numbers


@pytest.mark.parametrize("label, number", [
    ("第1条", 1), ("第１条", 1), ("第一条", 1), ("第12条", 12), ("第１２条", 12),
    ("第十二条", 12), ("第二十三条", 23), ("第十条", 10), ("第 3 条", 3),
])
def test_article_number_forms(label, number):
    tree = parse(f"{label}　乙は、業務を誠実に履行しなければならない。")
    art = body(tree).articles[0]
    assert art.number == number
    assert art.display == f"第{number}条"
    assert art.paragraphs[0].text == "乙は、業務を誠実に履行しなければならない。"


def test_kanji_and_fullwidth_articles_in_sequence():
    tree = parse("""
        第十条　乙は、甲の指示に従わなければならない。
        第十一条　乙は、記録を保存しなければならない。
        第１２条　乙は、報告しなければならない。
        第13条　乙は、協力しなければならない。
    """)
    assert [a.number for a in body(tree).articles] == [10, 11, 12, 13]


@pytest.mark.parametrize("label", ["第3条の2", "第３条の２", "第三条の二", "第3条 の 2"])
def test_article_branch_number(label):
    tree = parse(f"""
        第3条　乙は、甲の承諾を得なければならない。
        {label}　乙は、前条の承諾の記録を保存しなければならない。
        第4条　乙は、報告しなければならない。
    """)
    arts = body(tree).articles
    assert [(a.number, a.sub) for a in arts] == [(3, None), (3, 2), (4, None)]
    assert arts[1].display == "第3条の2"
    assert arts[1].paragraphs[0].text == "乙は、前条の承諾の記録を保存しなければならない。"


def test_annex_articles_without_jo():
    """別記 written 「第1」「第2」 (no 条): articles of the annex, not text."""
    tree = parse("""
        第1条　乙は、誠実に履行しなければならない。
        第2条　乙は、報告しなければならない。
        別記
        機密保持及び個人情報保護に関する特記事項
        （基本的事項）
        第1　乙は、個人情報の保護の重要性を認識しなければならない。
        （秘密の保持）
        第2　乙は、秘密を他に漏らしてはならない。
        ２　乙は、業務従事者にも前項の義務を守らせなければならない。
        第3　乙は、複写してはならない。
    """)
    annex = tree.parts[1]
    assert annex.kind == "annex" and annex.label == "別記"
    assert shape(annex) == [(1, 1), (2, 2), (3, 1)]
    assert [a.label for a in annex.articles] == ["第1", "第2", "第3"]
    assert [a.heading for a in annex.articles] == ["基本的事項", "秘密の保持", None]


def test_cross_reference_at_line_start_is_not_an_article():
    """「第2条に準ずる」 wrapped to the start of a line continues the sentence."""
    tree = parse("""
        第1条　乙は、秘密を漏らしてはならない。
        第2条　乙は、派遣労働者に守秘義務を課さなければならない。その期間は、
        第1条に準ずるものとする。
        第3条　乙は、報告しなければならない。
    """)
    arts = body(tree).articles
    assert [a.number for a in arts] == [1, 2, 3]
    assert arts[1].paragraphs[0].text.endswith("その期間は、第1条に準ずるものとする。")


# ------------------------------------------------------------------ 「１．見出し」 style


def test_dot_numbered_articles_with_paren_paragraphs_and_kana_items():
    """別紙 style: 「１．見出し」 articles, （１）（２） paragraphs, ア/イ items, （ア）（イ） sub-items."""
    tree = parse("""
        別紙
        個人情報取扱特記事項
        １．基本的事項
        （１）乙は、個人情報の保護の重要性を認識しなければならない。
        （２）乙は、次に掲げる措置を講じなければならない。
        ア　管理責任者を置くこと。
        イ　次の事項を記録すること。
        （ア）受渡しの日時
        （イ）受渡しの担当者
        ウ　記録を点検すること。
        ２．秘密の保持
        乙は、秘密を他に漏らしてはならない。
        ３．返還
        （１）乙は、業務完了時に資料を返還しなければならない。
        （２）乙は、（１）の返還の記録を甲に提出しなければならない。
    """)
    annex = tree.parts[-1]
    assert annex.label == "別紙"
    assert [(a.number, a.heading) for a in annex.articles] == [(1, "基本的事項"), (2, "秘密の保持"), (3, "返還")]
    assert [a.label for a in annex.articles] == ["１．", "２．", "３．"]
    assert shape(annex) == [(1, 2), (2, 1), (3, 2)]
    p2 = annex.articles[0].paragraphs[1]
    assert p2.label == "（２）"
    assert item_labels(p2) == ["ア", "イ", "ウ"]
    assert [s.label for s in p2.items[1].items] == ["（ア）", "（イ）"]
    assert p2.items[1].items[0].text == "受渡しの日時"
    assert p2.items[2].text == "記録を点検すること。"


def test_dot_numbered_line_inside_text_is_not_an_article():
    """A number with a dot that does not continue the sequence stays text."""
    tree = parse("""
        別紙
        １．総則
        乙は、次の各号の措置を講じなければならない。
        ５．以下の数値は参考とする。
        ２．返還
        乙は、資料を返還しなければならない。
    """)
    annex = tree.parts[-1]
    assert [a.number for a in annex.articles] == [1, 2]


# ------------------------------------------------------------------ paragraphs


@pytest.mark.parametrize("second, third", [
    ("2", "3"), ("２", "３"), ("②", "③"), ("(2)", "(3)"), ("（２）", "（３）"),
])
def test_paragraph_number_styles(second, third):
    tree = parse(f"""
        第5条　乙は、秘密を保持しなければならない。
        {second}　乙は、業務従事者に前項の義務を遵守させなければならない。
        {third}　乙は、前２項の義務の履行状況を甲に報告しなければならない。
        第6条　乙は、資料を返還しなければならない。
    """)
    art = article(tree, 0, 5)
    assert [p.index for p in art.paragraphs] == [1, 2, 3]
    assert [p.label for p in art.paragraphs] == ["", second, third]
    assert art.paragraphs[1].text == "乙は、業務従事者に前項の義務を遵守させなければならない。"
    assert len(article(tree, 0, 6).paragraphs) == 1


def test_first_paragraph_numbered_1_on_its_own_line():
    tree = parse("""
        第2条（秘密の保持）
        １　乙は、秘密を保持しなければならない。
        ２　乙は、前項の義務を遵守させなければならない。
    """)
    art = body(tree).articles[0]
    assert art.heading == "秘密の保持"
    assert [(p.index, p.label) for p in art.paragraphs] == [(1, "１"), (2, "２")]


def test_paragraph_after_items_returns_to_paragraph_level():
    tree = parse("""
        第7条　乙は、次の各号に掲げる措置を講じなければならない。
        (1) 施錠すること。
        (2) 記録すること。
        2　乙は、前項の措置の実施状況を甲に報告しなければならない。
    """)
    art = body(tree).articles[0]
    assert len(art.paragraphs) == 2
    assert item_labels(art.paragraphs[0]) == ["(1)", "(2)"]
    assert art.paragraphs[1].label == "2" and not art.paragraphs[1].items


def test_paren_items_then_paren_paragraph():
    """With (1) items, a following (2) continues the items; with no lead-in it is a paragraph."""
    tree = parse("""
        第8条　乙は、秘密を保持しなければならない。
        (2) 乙は、次に掲げる措置を講じなければならない。
        (1) 施錠すること。
        (2) 記録すること。
        (3) 乙は、前項の措置の実施状況を報告しなければならない。
    """)
    art = body(tree).articles[0]
    assert [p.label for p in art.paragraphs][:2] == ["", "(2)"]
    assert item_labels(art.paragraphs[1])[:2] == ["(1)", "(2)"]


# ------------------------------------------------------------------ items


@pytest.mark.parametrize("m1, m2, m3", [
    ("(1)", "(2)", "(3)"), ("（１）", "（２）", "（３）"), ("⑴", "⑵", "⑶"),
    ("一", "二", "三"), ("ア", "イ", "ウ"), ("(ア)", "(イ)", "(ウ)"), ("（ア）", "（イ）", "（ウ）"),
])
def test_item_marker_styles(m1, m2, m3):
    tree = parse(f"""
        第4条　甲は、次の各号のいずれかに該当するときは、この契約を解除することができる。
        {m1}　乙が義務に違反したとき。
        {m2}　乙が秘密を漏らしたとき。
        {m3}　前各号に掲げる場合のほか、目的を達成できないと認められるとき。
        ２　前項の解除により乙に損害があっても、甲は賠償の責めを負わない。
    """)
    art = body(tree).articles[0]
    assert len(art.paragraphs) == 2
    p1 = art.paragraphs[0]
    assert p1.text == "甲は、次の各号のいずれかに該当するときは、この契約を解除することができる。"
    assert item_labels(p1) == [m1, m2, m3]
    assert p1.items[1].text == "乙が秘密を漏らしたとき。"
    assert art.paragraphs[1].label == "２"


def test_nested_items_kana_under_paren():
    tree = parse("""
        第6条　乙は、次の各号に定めるところにより管理しなければならない。
        (1) 保管庫に保管すること。
        (2) 情報システムを使用する場合は、次に掲げる措置を講じること。
        ア　認証機能を設定すること。
        イ　アクセス記録を１年以上保存すること。
        (3) 台帳を整備すること。
    """)
    p1 = body(tree).articles[0].paragraphs[0]
    assert item_labels(p1) == ["(1)", "(2)", "(3)"]
    assert [s.label for s in p1.items[1].items] == ["ア", "イ"]
    assert p1.items[1].items[1].text == "アクセス記録を１年以上保存すること。"
    assert "ア 認証機能を設定すること。" in p1.full_text.splitlines()


def test_item_text_wrapped_over_two_lines():
    tree = parse("""
        第6条　乙は、次の各号に定めるところにより管理しなければならない。
        (1) 電子データとして保存する場合は、暗号化処理又はこれと同等以上の保護措置を
        とること。
        (2) 台帳を整備すること。
    """)
    p1 = body(tree).articles[0].paragraphs[0]
    assert [it.text for it in p1.items] == [
        "電子データとして保存する場合は、暗号化処理又はこれと同等以上の保護措置をとること。",
        "台帳を整備すること。"]


def test_item_list_with_first_item_deleted():
    """A draft that deleted item (1) and did not renumber still has items, not paragraphs."""
    tree = parse("""
        第6条　乙は、次の各号に定めるところにより管理しなければならない。
        (2) 暗号化すること。
        (3) 台帳を整備すること。
    """)
    art = body(tree).articles[0]
    assert len(art.paragraphs) == 1
    assert item_labels(art.paragraphs[0]) == ["(2)", "(3)"]


# ------------------------------------------------------------------ 見出し


def test_heading_on_line_above():
    tree = parse("""
        （秘密の保持）
        第2条　乙は、秘密を漏らしてはならない。
        (返還)
        第3条　乙は、資料を返還しなければならない。
    """)
    assert [a.heading for a in body(tree).articles] == ["秘密の保持", "返還"]
    assert body(tree).articles[0].paragraphs[0].text == "乙は、秘密を漏らしてはならない。"


def test_heading_inline():
    tree = parse("""
        第2条（秘密の保持）乙は、秘密を漏らしてはならない。
        第3条　（返還）　乙は、資料を返還しなければならない。
        第4条 (報告) 乙は、報告しなければならない。
    """)
    arts = body(tree).articles
    assert [a.heading for a in arts] == ["秘密の保持", "返還", "報告"]
    assert [a.paragraphs[0].text for a in arts] == [
        "乙は、秘密を漏らしてはならない。", "乙は、資料を返還しなければならない。", "乙は、報告しなければならない。"]


def test_heading_alone_on_the_article_line():
    tree = parse("""
        第2条（秘密の保持）
        乙は、秘密を漏らしてはならない。
        ２　乙は、前項の義務を遵守させなければならない。
    """)
    art = body(tree).articles[0]
    assert art.heading == "秘密の保持"
    assert [p.text for p in art.paragraphs] == ["乙は、秘密を漏らしてはならない。", "乙は、前項の義務を遵守させなければならない。"]


def test_wrapped_parenthetical_is_not_a_heading():
    tree = parse("""
        第6条　乙は、データの保管場所を
        （バックアップデータを含む。）
        日本国内に限定しなければならない。
    """)
    art = body(tree).articles[0]
    assert art.heading is None
    assert len(art.paragraphs) == 1


# ------------------------------------------------------------------ hard-wrapped text


def test_hard_wrapped_lines_rejoined_and_year_line_is_not_a_paragraph():
    tree = parse("""
        第6条　乙は、情報システムへのアクセスの状況を記録し、その記録を
        １年以上保存し、及びアクセス記録を定期的に分析しなければならない。
        ２　乙は、前項の記録を甲に提出しなければならない。
    """)
    art = body(tree).articles[0]
    assert len(art.paragraphs) == 2
    assert art.paragraphs[0].text == ("乙は、情報システムへのアクセスの状況を記録し、その記録を"
                                      "１年以上保存し、及びアクセス記録を定期的に分析しなければならない。")
    assert art.paragraphs[1].label == "２"


@pytest.mark.parametrize("wrapped", ["1年以上", "１年以上", "2か月以内", "３日以内", "10日以内", "2条"])
def test_number_at_wrapped_line_start_is_text(wrapped):
    tree = parse(f"""
        第9条　乙は、報告書を作成し、その写しを
        {wrapped}の期間保存しなければならない。
    """)
    art = body(tree).articles[0]
    assert len(art.paragraphs) == 1, render_tree(tree)
    assert art.paragraphs[0].text == f"乙は、報告書を作成し、その写しを{wrapped}の期間保存しなければならない。"


@pytest.mark.parametrize("wrapped", ["一部を", "アクセス記録を", "二次被害の防止のため", "イメージデータを"])
def test_item_like_word_at_wrapped_line_start_is_text(wrapped):
    """「一部」「アクセス」 at a line start are words, not items 一 / ア."""
    tree = parse(f"""
        第3条　乙は、甲の承諾を得た場合を除き、業務の
        {wrapped}第三者に委ねてはならない。
        ２　乙は、前項の規定を遵守しなければならない。
    """)
    art = body(tree).articles[0]
    assert [len(p.items) for p in art.paragraphs] == [0, 0], render_tree(tree)
    assert art.paragraphs[0].text == f"乙は、甲の承諾を得た場合を除き、業務の{wrapped}第三者に委ねてはならない。"


@pytest.mark.parametrize("sentence", [
    "甲は、第3条各号のいずれかに該当するときは、この契約を解除することができる。",
    "甲は、前条各号の規定により契約を解除したときは、違約金を請求することができる。",
])
def test_bare_digit_after_cross_reference_to_items_is_a_paragraph(sentence):
    tree = parse(f"""
        第5条　{sentence}
        ２　前項の場合において、乙は、違約金を支払わなければならない。
    """)
    art = body(tree).articles[0]
    assert [p.label for p in art.paragraphs] == ["", "２"], render_tree(tree)
    assert art.paragraphs[0].items == []


def test_paragraph_gap_after_deleted_paragraph():
    """A draft that deleted 第2項 without renumbering: ３ is still the next paragraph."""
    tree = parse("""
        第6条　乙は、安全な管理に努めなければならない。
        ３　乙は、データの保管場所を日本国内に限定しなければならない。
        ４　乙は、作業場所を特定しなければならない。
    """)
    art = body(tree).articles[0]
    assert [p.label for p in art.paragraphs] == ["", "３", "４"]
    assert [p.index for p in art.paragraphs] == [1, 2, 3]


def test_text_wrapped_at_fixed_width():
    """Text copied out of a PDF: every line cut at 20 characters, mid-word."""
    sentence1 = "乙は、この契約による業務に関して甲から提供を受けた機密情報・個人情報を他に漏らしてはならない。"
    sentence2 = "この契約が終了し、又は解除された後においても同様とする。"
    para2 = "乙は、業務従事者に対し、前項の義務を２年以上遵守させなければならない。"
    first = "第2条　" + sentence1 + sentence2
    lines = [first[k:k + 20] for k in range(0, len(first), 20)]
    second = "２　" + para2
    lines += [second[k:k + 20] for k in range(0, len(second), 20)]
    tree = parse_text("\n".join(lines))
    art = body(tree).articles[0]
    assert [p.text for p in art.paragraphs] == [sentence1 + sentence2, para2]


# ------------------------------------------------------------------ parts


@pytest.mark.parametrize("label", ["別添", "別記", "別紙", "別添２", "別添1"])
def test_annex_restarts_at_article_1(label):
    tree = parse(f"""
        第1条　乙は、誠実に履行しなければならない。
        第2条　乙は、報告しなければならない。
        第3条　乙は、別添の特記事項を遵守しなければならない。
        {label}
        機密保持及び個人情報保護に関する特記事項
        第1条　乙は、機密情報を適正に取り扱わなければならない。
        第2条　乙は、秘密を漏らしてはならない。
        ２　乙は、前項の義務を遵守させなければならない。
    """)
    assert [p.kind for p in tree.parts] == ["body", "annex"]
    assert unicodedata.normalize("NFKC", tree.parts[1].label) == unicodedata.normalize("NFKC", label)
    assert tree.parts[1].title == "機密保持及び個人情報保護に関する特記事項"
    assert shape(tree.parts[0]) == [(1, 1), (2, 1), (3, 1)]
    assert shape(tree.parts[1]) == [(1, 1), (2, 2)]


def test_annex_label_and_title_on_one_line():
    tree = parse("""
        第1条　乙は、誠実に履行しなければならない。
        別添「機密保持及び個人情報保護に関する特記事項」
        第1条　乙は、機密情報を適正に取り扱わなければならない。
    """)
    assert tree.parts[1].label == "別添"
    assert "特記事項" in tree.parts[1].title
    assert shape(tree.parts[1]) == [(1, 1)]


def test_title_line_alone_starts_annex():
    tree = parse("""
        第1条　乙は、誠実に履行しなければならない。
        第2条　乙は、報告しなければならない。
        機密保持及び個人情報保護に関する特記事項
        第1条　乙は、機密情報を適正に取り扱わなければならない。
    """)
    assert [p.kind for p in tree.parts] == ["body", "annex"]
    assert tree.parts[1].title == "機密保持及び個人情報保護に関する特記事項"


def test_numbering_restart_without_label_is_an_annex():
    tree = parse("""
        第1条　乙は、誠実に履行しなければならない。
        第2条　乙は、報告しなければならない。
        第1条　乙は、機密情報を適正に取り扱わなければならない。
        第2条　乙は、秘密を漏らしてはならない。
    """)
    assert len(tree.parts) == 2
    assert shape(tree.parts[1]) == [(1, 1), (2, 1)]


def test_annex_mention_inside_a_sentence_does_not_start_a_part():
    tree = parse("""
        第1条　乙は、業務を処理するに当たり、
        別添の特記事項を遵守しなければならない。
        第2条　乙は、報告しなければならない。
    """)
    assert len(tree.parts) == 1
    assert shape(body(tree)) == [(1, 1), (2, 1)]


def test_form_appendix_is_not_an_annex():
    tree = parse("""
        第1条　乙は、誠実に履行しなければならない。
        別表
        月額　内訳
        (様式1)
        作業場所の届出書
    """)
    assert [p.kind for p in tree.parts] == ["body", "appendix", "appendix"]


def test_chapters_label_articles_and_do_not_become_text():
    tree = parse("""
        第１章　総則
        第1条　乙は、誠実に履行しなければならない。
        第2条　乙は、報告しなければならない。
        第２章　機密保持及び個人情報保護に関する特記事項
        （基本的事項）
        第3条　乙は、個人情報を適正に取り扱わなければならない。
        第4条　乙は、秘密を漏らしてはならない。
    """)
    assert len(tree.parts) == 1
    arts = body(tree).articles
    assert [a.number for a in arts] == [1, 2, 3, 4]
    assert [a.chapter for a in arts] == ["第１章　総則"] * 2 + ["第２章　機密保持及び個人情報保護に関する特記事項"] * 2
    assert arts[2].heading == "基本的事項"
    assert all(len(a.paragraphs) == 1 for a in arts)
    assert "章" not in "".join(p.text for a in arts for p in a.paragraphs)


# ------------------------------------------------------------------ notes and closing


def test_drafting_notes_kept_out_of_clause_text():
    tree = parse("""
        第3条　乙は、利用目的を明示して取得しなければならない。
        ※注　個人情報を取得しない業務では、本条を削ること。
        第4条　乙は、契約の目的にのみ利用しなければならない。
        注１　「甲」は知事、「乙」は受託者をいう。
        ２　本特記事項は、業務の実態に即して適宜追加し、又は省略して差し支えない。
        （注）様式は別に定める。
    """)
    a3, a4 = body(tree).articles
    assert [p.text for p in a3.paragraphs] == ["乙は、利用目的を明示して取得しなければならない。"]
    assert a3.notes == ["※注　個人情報を取得しない業務では、本条を削ること。"]
    assert [p.text for p in a4.paragraphs] == ["乙は、契約の目的にのみ利用しなければならない。"]
    assert len(a4.notes) == 3
    assert a4.notes[0].startswith("注１")
    assert all("注" not in p.text and "差し支えない" not in p.text for p in a4.paragraphs)


def test_signature_block_closes_the_last_article():
    tree = parse("""
        第25条　この契約に定めのない事項は、甲乙協議して定めるものとする。
        本契約の証として本書２通を作成し、当事者が記名押印のうえ、各自１通を保持する。
        令和８年４月１日
        甲　大分県知事
        乙　住所
    """)
    part = body(tree)
    art = part.articles[-1]
    assert [p.text for p in art.paragraphs] == ["この契約に定めのない事項は、甲乙協議して定めるものとする。"]
    loose = " ".join(p.text for p in part.loose)
    assert "記名押印" in loose and "令和８年４月１日" in loose


def test_date_line_alone_closes_the_article():
    tree = parse("""
        第10条　乙は、報告しなければならない。
        令和８年４月１日
        甲　大分県知事
    """)
    art = body(tree).articles[-1]
    assert [p.text for p in art.paragraphs] == ["乙は、報告しなければならない。"]


def test_preamble_is_loose_text_not_an_article():
    tree = parse("""
        清掃業務委託契約書
        委託者大分県知事を甲とし、受託者を乙とし、次の条項により委託契約を締結する。
        （総則）
        第1条　乙は、誠実に履行しなければならない。
    """)
    part = body(tree)
    assert [p.text for p in part.loose][:1] == ["清掃業務委託契約書"]
    assert part.articles[0].heading == "総則"


# ------------------------------------------------------------------ provenance and forms


def test_line_numbers_and_forms_kept():
    tree = parse("""
        （秘密の保持）
        第2条　乙は、秘密を漏らしてはならない。
        ２　乙は、前項の義務を遵守させなければならない。
    """)
    art = body(tree).articles[0]
    assert art.lineno == 2
    assert [p.lineno for p in art.paragraphs] == [2, 3]
    para = art.paragraphs[1]
    assert para.nfkc == "乙は、前項の義務を遵守させなければならない。"  # NFKC keeps CJK punctuation
    assert para.page is None


def test_render_tree_lists_parts_articles_and_paragraph_counts():
    tree = parse("""
        第1条　乙は、誠実に履行しなければならない。
        別添
        第1条（基本的事項）乙は、個人情報を適正に取り扱わなければならない。
        ２　乙は、前項の義務を遵守させなければならない。
    """)
    out = render_tree(tree)
    assert "[本文]  (1 articles)" in out
    assert "第1条 （基本的事項）  (2 項)" in out
