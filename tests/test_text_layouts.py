"""Plain-text layouts the TXT loader must read as the document's own paragraphs:
text hard-wrapped at a fixed width (by characters, as a script cuts it, or by display
columns with kinsoku, as an editor does), with or without an indent on continuation
lines. The texts are built here from the clean reference copy; every clause must stay
ok and an edit must still be found."""
from __future__ import annotations

import re

import pytest
from variant_helpers import CLEAN, audit_via_file, check_variant, not_ok

from keiyaku_lint.ingest import load
from keiyaku_lint.ingest.text import (
    attach_bare_markers,
    rejoin_hard_wraps,
    renumber_lazy_lists,
    wrap_width,
)
from keiyaku_lint.structure import parse_lines, parse_text

KINSOKU = "。、）」"  # may not start a line


def wrap_chars(text: str, width: int, indent: str = "") -> str:
    """Cut every line every `width` characters (a script's hard wrap)."""
    out = []
    for line in text.splitlines():
        cut = [line[i:i + width] for i in range(0, len(line), width)] or [""]
        out.extend([cut[0]] + [indent + c for c in cut[1:]])
    return "\n".join(out) + "\n"


def _cols(ch: str) -> int:
    return 1 if ord(ch) < 0x2000 else 2


def wrap_columns(text: str, width: int, indent: str = "") -> str:
    """Greedy wrap at `width` display columns; a kinsoku character stays at the end of
    the line it may not start (an editor's "save with line breaks")."""
    out = []
    for line in text.splitlines():
        cur, used = "", 0
        for ch in line:
            if cur.strip() and used + _cols(ch) > width and ch not in KINSOKU:
                out.append(cur)
                cur, used = indent, 2 * len(indent)
            cur, used = cur + ch, used + _cols(ch)
        out.append(cur)
    return "\n".join(out) + "\n"


def _loaded(tmp_path, text: str) -> list[str]:
    path = tmp_path / "wrapped.txt"
    path.write_text(text, encoding="utf-8")
    return [ln.text for ln in load(path).lines]


@pytest.mark.parametrize("width", [6, 7, 9, 12, 16])
@pytest.mark.parametrize("indent", ["", "\u3000"])
def test_char_wrap_rejoins_paragraphs(tmp_path, width, indent):
    lines = _loaded(tmp_path, wrap_chars(CLEAN, width, indent))
    # every clause line, 見出し and title is one line again
    for want in ("（個人情報の取得の範囲と手段）", "機密保持及び個人情報保護に関する特記事項",
                 ("第２条　乙は、この契約による業務に関して甲から提供を受けた機密情報・個人情報を他に漏らしてはならない。"
                  "この契約が終了し、又は解除された後においても同様とする。"),
                 "ア　認証機能を設定する等の情報システムへのアクセスを制御するために必要な措置"):
        assert want in lines
    result = audit_via_file(wrap_chars(CLEAN, width, indent), tmp_path / "w.txt")
    assert not_ok(result) == {} and result.extras == []


@pytest.mark.parametrize("width", [12, 16, 24, 40])
@pytest.mark.parametrize("indent", ["", "\u3000"])
def test_column_wrap_with_kinsoku_is_all_ok(tmp_path, width, indent):
    result = audit_via_file(wrap_columns(CLEAN, width, indent), tmp_path / "w.txt")
    assert not_ok(result) == {} and result.extras == []


def test_edit_in_a_wrapped_text_is_still_found(tmp_path):
    check_variant("tokki-6-2", "甲が同意した場合を除き、", "", "altered",
                  layout=lambda t: wrap_chars(t, 9), via=tmp_path / "w.txt")


def test_unwrapped_text_has_no_wrap_width():
    assert wrap_width(CLEAN.splitlines()) is None
    assert rejoin_hard_wraps(CLEAN.splitlines()) == CLEAN.splitlines()


def test_short_lines_and_list_items_stay_apart():
    lines = ["乙は、次に掲げる措", "置を講じなければな", "らない。", "(1)　台帳を整備す", "ること。",
             "(2)　記録を残すこ", "と。", "", "令和　年　月", "甲　住所"] * 3
    lines += ["乙は、甲の承諾を得", "た場合を除き、資料", "を複写してはならな", "い。"] * 3
    joined = rejoin_hard_wraps(lines)
    assert joined[:4] == ["乙は、次に掲げる措置を講じなければならない。", "(1)　台帳を整備すること。",
                          "(2)　記録を残すこと。", ""]
    assert "令和　年　月" in joined and "甲　住所" in joined  # short lines: not cut, not joined


def test_cut_caption_is_rejoined_but_not_glued_to_the_sentence_before():
    lines = ["乙は、業務を誠実に", "履行するものとする", "。", "（秘密の保持）"] * 4
    lines += ["第２条　乙は、秘密", "を保持しなければな", "らない。この契約が", "（秘密の保持・契約", "終了後）",
              "第３条　乙は、以下"]
    joined = rejoin_hard_wraps(lines)
    assert joined[:2] == ["乙は、業務を誠実に履行するものとする。", "（秘密の保持）"]
    assert "（秘密の保持・契約終了後）" in joined  # 「らない。この契約が」 ends no sentence: still a 見出し


# ---- text copied from a PDF: running headers, footers and page numbers between pages

def paginate(text: str, per_page: int, header: str, footer: str, form_feed: bool = True) -> str:
    """Lay `text` out in pages of `per_page` lines as pdftotext prints them: a running
    header on top, a footer ({n}: the page number) at the foot, blank lines around them,
    a form feed between pages; page breaks fall inside paragraphs."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    out = []
    for n, page in enumerate(pages, start=1):
        out.append(("\f" if form_feed and n > 1 else "") + header.format(n=n))
        out += ["", *page, "", "", footer.format(n=n)]
    return "\n".join(out) + "\n"


PDF_COPIES = {
    "layout": lambda t: paginate(wrap_columns(t, 90), 40, "　　　　　　　　業務委託契約書", "　　　　　　　　- {n} -"),
    "header with number": lambda t: paginate(wrap_columns(t, 80), 35, "業務委託契約書（案）　{n}頁",
                                             "－{n}－"),
    "no form feed": lambda t: paginate(wrap_columns(t, 70), 30, "機密保持特記事項", "{n}/9", form_feed=False),
}


@pytest.mark.parametrize("layout", PDF_COPIES)
def test_pdf_copy_headers_and_page_numbers_dropped(tmp_path, layout):
    text = PDF_COPIES[layout](CLEAN)
    header = text.splitlines()[0].strip().split("　")[0]  # (without its page number)
    lines = _loaded(tmp_path, text)
    assert not any(header in ln for ln in lines[1:])  # (the first may be the title, kept or not)
    result = audit_via_file(text, tmp_path / "p.txt")
    assert not_ok(result) == {} and result.extras == []


def test_repeated_article_line_at_page_tops_is_no_header():
    """「第3条」 and 「第7条」 alone at two page tops share a key without digits; they are
    articles, not a running header."""
    from keiyaku_lint.ingest.text import drop_page_furniture
    lines = ["第３条", "乙は、甲に報告する。", None, "第７条", "乙は、甲に返還する。", None, "第９条", "乙は。", None]
    assert drop_page_furniture(lines) == [ln for ln in lines if ln is not None]


@pytest.mark.parametrize("text,lone", [("－一－", False), ("- 十二 -", False), ("― 三 ―", False),
                                       ("一", True), ("二十", True)])
def test_kanji_page_numbers(text, lone):
    from keiyaku_lint.ingest.clean import is_page_number
    assert is_page_number(text)
    assert is_page_number(text, lone_digits=False) is not lone  # a lone 一 may be an item label
    assert not is_page_number("一　乙は、甲に報告する。") and not is_page_number("〇")


class _KanjiFooter:
    """A footer format giving the page number in kanji: 一, 二 … (or －一－)."""
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def format(self, n: int, total: int) -> str:
        return self.pattern.format(n="〇一二三四五六七八九"[n])


@pytest.mark.parametrize("footer", ["{n}", "－{n}－"])
def test_pdf_kanji_page_numbers_dropped(tmp_path, footer):
    from test_ingest_pdf import ART1, ART1_2, ART2, draw, wrap
    second = wrap("第2条　" + ART2)
    pages = [wrap("第1条　" + ART1) + wrap("２　" + ART1_2) + second[:1], second[1:]]
    result = load(draw(tmp_path / "k.pdf", pages, title=None, footer=_KanjiFooter(footer)))
    assert [ln.text for ln in result.lines] == ["第1条　" + ART1, "２　" + ART1_2, "第2条　" + ART2]


# ---- markers: alone on their line, or with no space before the text

MARKER_KINDS = {  # kind: the marker at a line start in the clean copy
    "para": r"[２-９]", "item": r"\(\d\)", "kanjiitem": r"[一二三]", "subitem": r"[アイウ]",
}


def lone_markers(text: str, kind: str) -> str:
    """「２　乙は…」 → 「２」 and 「乙は…」 on the next line."""
    return re.sub(rf"(?m)^({MARKER_KINDS[kind]})　", r"\1\n", text)


def tight_markers(text: str, kind: str) -> str:
    """「２　乙は…」 → 「２乙は…」; kind "all": every marker, 第N条 included."""
    kinds = "|".join(MARKER_KINDS.values()) + r"|第[０-９]+条" if kind == "all" else MARKER_KINDS[kind]
    return re.sub(rf"(?m)^({kinds})　", r"\1", text)


@pytest.mark.parametrize("kind", MARKER_KINDS)
def test_lone_marker_labels_the_next_line(tmp_path, kind):
    text = lone_markers(CLEAN, kind)
    assert text != CLEAN
    assert _loaded(tmp_path, text) == _loaded(tmp_path, CLEAN)
    result = audit_via_file(text, tmp_path / "m.txt")
    assert not_ok(result) == {} and result.extras == []


@pytest.mark.parametrize("kind", [*MARKER_KINDS, "all"])
def test_marker_without_space_is_all_ok(tmp_path, kind):
    text = tight_markers(CLEAN, kind)
    assert text != CLEAN
    result = audit_via_file(text, tmp_path / "m.txt")
    assert not_ok(result) == {} and result.extras == []


def test_edit_under_lone_markers_is_still_found(tmp_path):
    check_variant("tokki-6-2", "甲が同意した場合を除き、", "", "altered",
                  layout=lambda t: lone_markers(t, "para"), via=tmp_path / "m.txt")


def test_lone_number_inside_a_sentence_is_not_a_label():
    """A page number left between two halves of a sentence labels nothing."""
    lines = ["第１条　乙は、この契約による業務を", "２", "誠実に履行しなければならない。"]
    assert attach_bare_markers(lines) == lines
    assert attach_bare_markers(["乙は、履行する。", "２", "乙は、報告する。"]) == ["乙は、履行する。", "２　乙は、報告する。"]
    assert attach_bare_markers(["（秘密の保持）", "ア", "認証"]) == ["（秘密の保持）", "ア　認証"]


def test_tight_markers_only_where_a_list_expects_them():
    tree = parse_text("第１条　甲は、次のいずれかに該当するときは、解除できる。\n一本業務を処理するとき。\n"
                      "二前号のほか、違反したとき。\n２乙は、甲の指示に従う。\n３　乙は、次に掲げる措置を講ずる。\n"
                      "ア認証機能の措置\nイ記録の措置\n４　乙は、甲との協議の上、\n二次被害の防止に努める。\n")
    paras = tree.parts[0].articles[0].paragraphs
    assert [(p.label, [i.label for i in p.items]) for p in paras] == [
        ("", ["一", "二"]), ("２", []), ("３", ["ア", "イ"]), ("４", [])]
    assert paras[3].text == "乙は、甲との協議の上、二次被害の防止に努める。"
    assert parse_text("三井住友銀行に預ける。\n").parts[0].loose[0].label == ""


# ---- items numbered 「1.」 / 「1)」 instead of 「(1)」

def items_numbered(text: str, style: str) -> str:
    """「(1)　秘密…」 → style.format(n=1) + 「秘密…」; "lazy": every item 「1. 」 (Markdown)."""
    def label(m: re.Match) -> str:
        return "1. " if style == "lazy" else style.format(n=m.group(1))
    return re.sub(r"(?m)^\((\d)\)　", label, text)


ITEM_STYLES = {"1．": ("{n}．", "txt"), "1.": ("{n}. ", "md"), "1)": ("{n}) ", "md"), "1）": ("{n}）", "txt"),
               "lazy": ("lazy", "md")}


@pytest.mark.parametrize("style", ITEM_STYLES)
def test_items_numbered_like_paragraphs_stay_items(tmp_path, style):
    fmt, ext = ITEM_STYLES[style]
    text = items_numbered(CLEAN, fmt)
    result = audit_via_file(text, tmp_path / f"i.{ext}")
    assert not_ok(result) == {} and result.extras == []
    tree = parse_lines(load(tmp_path / f"i.{ext}").lines)
    art14 = next(a for _, a in tree.articles() if a.heading == "対象外")
    assert [len(p.items) for p in art14.paragraphs] == [5, 0]
    assert [i.label[0] for i in art14.paragraphs[0].items] == list("12345")


def test_paragraph_after_a_dot_numbered_list_is_still_found(tmp_path):
    check_variant("tokki-14-2", "２　個人情報の取扱いにおいては、甲及び乙は前項を適用しない。\n", "", "missing",
                  layout=lambda t: items_numbered(t, "{n}．"), via=tmp_path / "i.txt")


def test_lead_in_anywhere_in_the_paragraph_opens_a_digit_list():
    tree = parse_text("第１条　甲は、次の各号に該当する情報を開示しない。ただし、法令に基づき開示を求められた場合その他甲が認める場合は、この限りでない。\n"
                      "1．公知の情報\n2．独自に開発した情報\n２　乙は、前項を準用する。\n")
    paras = tree.parts[0].articles[0].paragraphs
    assert [(p.label, [i.label for i in p.items]) for p in paras] == [("", ["1．", "2．"]), ("２", [])]


def test_markdown_lazy_ordered_lists_are_renumbered():
    src = ["1. a", "1. b", "続き", "1. c", "   1. c-1", "   1. c-2", "1. d", "", "本文", "1. e", "# 見出し", "3. f", "1. g"]
    assert renumber_lazy_lists(src) == ["1. a", "2. b", "続き", "3. c", "   1. c-1", "   2. c-2", "4. d", "",
                                        "本文", "1. e", "# 見出し", "3. f", "4. g"]


def test_wrapped_closing_parenthesis_is_no_item():
    tree = parse_text("第３条　乙は、事前に甲と協議し、書面（別紙様式\n1） により甲の承認を得なければならない。\n")
    para = tree.parts[0].articles[0].paragraphs[0]
    assert para.items == [] and para.text.replace(" ", "").endswith("（別紙様式1）により甲の承認を得なければならない。")


# ---- a 見出し or the 末文 broken over two lines

def test_heading_over_two_lines(tmp_path):
    text = CLEAN.replace("（業務責任者及び業務従事者の監督）", "（業務責任者及び業務従事者\nの監督）")
    assert text != CLEAN
    tree = parse_text(text)
    art9 = next(a for p, a in tree.articles() if p.kind == "annex" and a.number == 9)
    art8 = next(a for p, a in tree.articles() if p.kind == "annex" and a.number == 8)
    assert art9.heading == "業務責任者及び業務従事者の監督"
    assert art8.paragraphs[-1].text.endswith("維持しなければならない。")
    result = audit_via_file(text, tmp_path / "h.txt")
    assert not_ok(result) == {} and result.extras == []


def test_wrapped_parenthesis_after_a_sentence_is_no_heading():
    tree = parse_text("第１条　乙は、報告する。\n（以下「甲」という。\n）を含む。\n")
    assert tree.parts[0].articles[0].paragraphs[0].text == "乙は、報告する。（以下「甲」という。）を含む。"


def test_closing_sentence_wrapped_early(tmp_path):
    text = CLEAN.replace("本契約の締結を証するため、", "本契約の締結を\n証するため、")
    assert text != CLEAN
    tree = parse_text(text)
    body = tree.parts[0]
    assert body.articles[-1].paragraphs[-1].text.endswith("協議を行うものとする。")
    assert any(p.text.startswith("本契約の締結を証するため、本書２通") for p in body.loose)
    result = audit_via_file(text, tmp_path / "c.txt")
    assert not_ok(result) == {} and result.extras == []


def test_markdown_of_rules_only_is_empty_not_a_crash(tmp_path):
    from keiyaku_lint.errors import EmptyFileError
    path = tmp_path / "r.md"
    path.write_text("---\n***\n", encoding="utf-8")
    with pytest.raises(EmptyFileError):
        load(path)


def test_heading_glued_to_the_article_before_is_taken_off():
    """A PDF line that joined its cut 見出し to the sentence before it."""
    tree = parse_text("第３条　乙は、適法に取得しなければならない。（目的外利用の制限）\n第４条　乙は、目的外に利用しない。\n"
                      "第５条　乙は、報告する。（以下同じ。）\n第６条　乙は、協議する。\n")
    arts = tree.parts[0].articles
    assert arts[0].paragraphs[0].text == "乙は、適法に取得しなければならない。"
    assert arts[1].heading == "目的外利用の制限"
    assert arts[2].paragraphs[0].text == "乙は、報告する。（以下同じ。）" and arts[3].heading is None


# ---- where a logical line is in the file


def test_line_numbers_are_those_of_the_file(tmp_path):
    """Blank lines, a dropped page number and a marker alone on its line: each logical line
    keeps the file line it starts on."""
    src = ["（秘密の保持）", "", "第２条　乙は、この契約による業務に関して甲から提供を受けた機密情報・個人情報を他に漏らしてはならない。",
           "", "２", "乙は、前項の規定を遵守しなければならない。", "- 3 -", "", "（個人情報の取得）",
           "第３条　乙は、取得しなければならない。"]
    f = tmp_path / "blank-lines.txt"
    f.write_text("\n".join(src) + "\n", encoding="utf-8")
    got = [(line.lineno, line.text[:3]) for line in load(f).lines]
    assert got == [(1, "（秘密"), (3, "第２条"), (5, "２\u3000乙"), (9, "（個人"), (10, "第３条")]


def test_line_numbers_of_a_hard_wrapped_text_point_at_each_paragraph_start(tmp_path):
    wrapped = wrap_chars(CLEAN, 12)
    f = tmp_path / "wrapped.txt"
    f.write_text(wrapped, encoding="utf-8")
    file_lines = wrapped.splitlines()
    lines = load(f).lines
    assert len(lines) < len(file_lines) / 2  # the wraps were joined
    for line in lines:
        first = "".join(file_lines[line.lineno - 1].split())
        assert "".join(line.text.split()).startswith(first), (line.lineno, line.text[:20], first)
