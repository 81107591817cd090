"""Structure: logical lines -> clause tree (parts, 条, 項, 号).

Japanese contracts follow statute style: an article (第N条) starts with an unnumbered
first paragraph (項), later paragraphs are numbered (２, (2), ②), and enumerations (号)
use another family of markers ((1), 一, ア, (ア)). Annexes (別添 / 別記 / 別紙 / 特記事項)
restart at 第1条, sometimes written 「第1」 or 「1.」.

Numbers are accepted as markers only when they continue the sequence the parser
expects. That is what tells a real 「２　乙は…」 from a hard-wrapped line that happens
to start with 「１年以上…」, and an item (2) from a paragraph (2).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from .models import Line
from .numerals import AIUEO, CIRCLED, KANJI_NUMERAL_CHARS, PAREN_DIGITS, kana_index, to_int

# ------------------------------------------------------------------ tree


@dataclass
class Item:
    label: str
    text: str
    items: list["Item"] = field(default_factory=list)
    page: int | None = None
    lineno: int = 0

    def lines(self) -> list[str]:
        out = [f"{self.label} {self.text}".strip()]
        for sub in self.items:
            out.extend(sub.lines())
        return out


@dataclass
class Paragraph:
    index: int  # position in its article, 1-based (the reference counts by position)
    label: str  # the number as printed ('' for an unnumbered first paragraph)
    text: str
    items: list[Item] = field(default_factory=list)
    page: int | None = None
    lineno: int = 0

    @property
    def full_text(self) -> str:
        """The paragraph's sentences followed by its items, one per line."""
        parts = [self.text] if self.text else []
        for item in self.items:
            parts.extend(item.lines())
        return "\n".join(parts)

    @property
    def nfkc(self) -> str:
        return unicodedata.normalize("NFKC", self.full_text)


@dataclass
class Article:
    number: int | None
    label: str  # as printed: 第６条, 第１, １．
    heading: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chapter: str | None = None
    sub: int | None = None  # 第3条の2 -> sub=2
    page: int | None = None
    lineno: int = 0

    @property
    def display(self) -> str:
        if self.number is None:
            return self.label
        return f"第{self.number}条" + (f"の{self.sub}" if self.sub else "")


@dataclass
class Part:
    kind: str  # "body" | "annex" | "appendix"
    title: str = ""
    label: str = ""  # 別添, 別記, 別紙, 別表 … as printed
    articles: list[Article] = field(default_factory=list)
    loose: list[Paragraph] = field(default_factory=list)  # text outside any article
    page: int | None = None
    lineno: int = 0

    @property
    def display(self) -> str:
        if self.kind == "body":
            return "本文"
        return " ".join(x for x in (self.label, self.title) if x) or "別添"


@dataclass
class DocTree:
    path: str
    parts: list[Part]

    def articles(self) -> Iterable[tuple[Part, Article]]:
        for part in self.parts:
            for art in part.articles:
                yield part, art

    def paragraphs(self) -> Iterable[tuple[Part, Article | None, Paragraph]]:
        for part in self.parts:
            for para in part.loose:
                yield part, None, para
            for art in part.articles:
                for para in art.paragraphs:
                    yield part, art, para


# ------------------------------------------------------------------ line patterns

SP = r"[ \t\u3000]"
NUM = rf"[0-9０-９{KANJI_NUMERAL_CHARS}○◯]+"  # ○: a number the drafter has not filled in yet
ARTICLE_RE = re.compile(rf"^第{SP}*({NUM}){SP}*条(?:{SP}*の{SP}*({NUM}))?")
ARTICLE_NO_JO_RE = re.compile(rf"^第({NUM})(?={SP})")
ARTICLE_DOT_RE = re.compile(r"^([0-9０-９]{1,2})[．.](?![0-9０-９])" + SP + "*(.*)$")
# 「（基本的事項）」 then 「１　乙は…」: an annex whose articles are bare numbers under captions
ARTICLE_CAPTIONED_RE = re.compile(r"^([0-9０-９]{1,2})" + SP + r"+(\S.*)$")
CHAPTER_RE = re.compile(rf"^第{SP}*({NUM}){SP}*章{SP}*(.*)$")
HEADING_RE = re.compile(r"^[（(]([^（）()。]{1,30})[）)]$")
SIDE_HEADING_RE = re.compile(rf"^[（(]([^（）()。]{{1,30}})[）)]{SP}*(第.*)$")
TRAILING_HEADING_RE = re.compile(r"。([（(]([^（）()。「」]{1,30})[）)])$")
INLINE_HEADING_RE = re.compile(rf"^{SP}*[（(]([^（）()。]{{1,30}})[）)]")
PART_RE = re.compile(r"^(別添|別記|別紙|別表|\(?（?別紙様式|（?\(?様式)\s*([0-9０-９一二三四五六七八九十]*)")
# The 末文 and the date/signature block close the last article of a body.
CLOSING_RE = re.compile(r"^((令和|平成|昭和)[ \u30000-9０-９元]*年|.{0,20}(証として|証するため)|.{0,10}記名押印)")
NOTE_RE = re.compile(r"^(※|注[0-9０-９]+|注(?=[\s\u3000「]|$)|（注）|\(注\))")
SENTENCE_END = "。）)」』"
PART_LINE_MAX = 60  # characters: a longer line is running text, never a part's label or title
LEAD_IN_RE = re.compile(r"(次の各号|次に掲げる|次のいずれか|次のとおり|以下の各号|[:：]$)")

HALF_KANA = "ｱ-ﾝ"  # half-width katakana: (ｱ), ｲ
# Item / paragraph markers: (family, regex). The value is read from group 1.
MARKERS = [
    ("paren", re.compile(r"^[（(]([0-9０-９]{1,2})[）)]" + SP + "*")),
    ("paren_kana", re.compile(rf"^[（(]([{AIUEO}{HALF_KANA}])[）)]{SP}*")),
    ("paren_digits", re.compile(rf"^([{PAREN_DIGITS}]){SP}*")),
    ("circled", re.compile(rf"^([{CIRCLED}]){SP}*")),
    ("kanji", re.compile(r"^([一二三四五六七八九十]{1,3})" + SP + "+")),
    ("kana", re.compile(rf"^([{AIUEO}{HALF_KANA}])" + SP + "+")),
    ("half_paren", re.compile(r"^([0-9０-９]{1,2})[)）]" + SP + "*")),  # 1) 1）: items only
    ("digit", re.compile(r"^([0-9０-９]{1,2})(?:" + SP + "+|(?=[^0-9０-９年月日条項号か箇ヶ人回週%％．.、，,・:：〜~\\-－/／)）]))")),
    ("digit", re.compile(r"^([0-9０-９]{1,2})[．.](?![0-9０-９])" + SP + "*")),  # ２．乙は (not 1.5)
]


# The same markers written without the space after them (「一本業務を」, 「ア認証機能」):
# read as markers only where a list expects them (try_marker), since 「二次被害」 or 「三井」
# at a line start are words. Not after a kana: 「アクセス」.
TIGHT_MARKERS = [
    ("kanji", re.compile(r"^([一二三四五六七八九十]{1,3})(?=[^\s\d０-９一二三四五六七八九十百千万〇号条項章節つ次者回倍分人年月日か箇ヶ、。・])")),
    ("kana", re.compile(rf"^([{AIUEO}])(?=[\u4e00-\u9fff々])")),
]
_SENTENCE_MARK_RE = re.compile(r"[。、，]|に基づ|により|について")
_DRAFT_MARK_RE = re.compile(r"[（(]案[）)]$")


def is_title(text: str) -> bool:
    """A short caption, not a sentence: no 。, no 、, no 「に基づき」."""
    return len(text) <= 40 and not _SENTENCE_MARK_RE.search(text)


def is_annex_title(text: str) -> bool:
    """「機密保持及び個人情報保護に関する特記事項」 standing alone as a title line."""
    if "特記事項" not in text:
        return False
    core = _DRAFT_MARK_RE.sub("", text.strip("「」『』 \u3000"))
    return core.endswith("特記事項") and is_title(core)


def norm_space(text: str) -> str:
    return text.strip(" \t\u3000\r\n")


def marker_value(family: str, raw: str) -> int | None:
    if family in ("kana", "paren_kana"):
        return kana_index(raw)
    return to_int(raw)


def match_marker(text: str, markers=MARKERS) -> tuple[str, int, str, str] | None:
    """(family, value, label, rest) for a line that starts with an item/paragraph marker."""
    for family, rx in markers:
        m = rx.match(text)
        if m:
            value = marker_value(family, m.group(1))
            if value is None:
                continue
            rest = text[m.end():]
            if not rest.strip() and family in ("digit", "kanji", "kana"):
                return None  # a lone number is a page number or stray line
            return family, value, norm_space(m.group(0)), rest
    return None


# ------------------------------------------------------------------ parser


class _Builder:
    """A line-by-line state machine; see the module docstring for the rules."""

    def __init__(self, path: str) -> None:
        self.parts: list[Part] = [Part(kind="body")]
        self.article: Article | None = None
        self.pending_heading: str | None = None
        self.chapter: str | None = None
        self.para_family: str | None = None
        self.item_stack: list[tuple[str, int, Item]] = []  # (family, value, item)
        self.loose_items: list[tuple[str, int, Item]] = []  # the same, outside articles
        self.in_note = False
        self.last_line: Line | None = None
        self.next_line: Line | None = None  # one line of lookahead (a 見出し precedes 第N条)
        self.glue_line: Line | None = None  # a line that continues the last loose text
        self.skip_line: Line | None = None  # the second line of a 見出し already read
        self.path = path

    # -- current containers
    @property
    def part(self) -> Part:
        return self.parts[-1]

    def current_paragraph(self) -> Paragraph | None:
        if self.article and self.article.paragraphs:
            return self.article.paragraphs[-1]
        return None

    def current_text_ends_sentence(self) -> bool:
        """Whether the block being built looks complete (so a new marker may start)."""
        block_text = self._current_block_text()
        return not block_text or block_text.rstrip()[-1:] in SENTENCE_END

    def _current_block_text(self) -> str:
        if self.in_note and self.article and self.article.notes:
            return self.article.notes[-1]
        if self.item_stack:
            return self.item_stack[-1][2].text
        para = self.current_paragraph()
        if para is not None:
            return para.text
        if self.part.loose:
            return self.part.loose[-1].text
        return ""

    # -- events
    def start_part(self, kind: str, label: str, title: str, line: Line) -> None:
        self.close_article()
        self.parts.append(Part(kind=kind, label=label, title=title, page=line.page, lineno=line.lineno))
        self.chapter = None

    def close_article(self) -> None:
        self.article = None
        self.loose_items = []
        self.para_family = None
        self.item_stack = []
        self.in_note = False

    def start_article(self, number: int | None, sub: int | None, label: str, rest: str, line: Line) -> None:
        last = self.part.articles[-1].number if self.part.articles else None
        if number == 1 and last is not None and last >= 2 and self.part.kind == "body":
            # numbering restarts without a 別添 line: an unlabelled annex
            self.start_part("annex", "", "", line)
        m = INLINE_HEADING_RE.match(rest)
        heading = m.group(1).strip() if m else self.pending_heading or self._take_trailing_heading()
        if m:
            rest = rest[m.end():]
        self.close_article()
        self.pending_heading = None
        art = Article(number=number, sub=sub, label=label, heading=heading, chapter=self.chapter,
                      page=line.page, lineno=line.lineno)
        self.part.articles.append(art)
        self.article = art
        rest = norm_space(rest)
        if rest:
            self.add_paragraph("", rest, line)

    def _take_trailing_heading(self) -> str | None:
        """A 見出し glued to the end of the article before (「…しなければならない。（目的外利用
        及び提供の制限）」: a PDF line that joined its cut 見出し): taken off that text."""
        block = self.item_stack[-1][2] if self.item_stack else self.current_paragraph()
        m = TRAILING_HEADING_RE.search(block.text) if block is not None and block.text.endswith(("）", ")")) else None
        if not m:
            return None
        block.text = block.text[:m.start(1)]
        return m.group(2).strip()

    def add_paragraph(self, label: str, text: str, line: Line) -> None:
        assert self.article is not None
        para = Paragraph(index=len(self.article.paragraphs) + 1, label=label, text=norm_space(text),
                         page=line.page, lineno=line.lineno)
        self.article.paragraphs.append(para)
        self.item_stack = []
        self.in_note = False

    def add_item(self, family: str, value: int, label: str, text: str, depth: int, line: Line) -> None:
        del self.item_stack[depth:]
        item = Item(label=label, text=norm_space(text), page=line.page, lineno=line.lineno)
        if depth == 0:
            para = self.current_paragraph()
            if para is None:
                assert self.article is not None
                para = Paragraph(index=1, label="", text="", page=line.page, lineno=line.lineno)
                self.article.paragraphs.append(para)
            para.items.append(item)
        else:
            self.item_stack[depth - 1][2].items.append(item)
        self.item_stack.append((family, value, item))

    def append_text(self, text: str, line: Line) -> None:
        text = norm_space(text)
        if not text:
            return
        if self.in_note and self.article and self.article.notes:
            self.article.notes[-1] += text
        elif self.item_stack:
            self.item_stack[-1][2].text += text
        elif self.current_paragraph() is not None:
            self.current_paragraph().text += text
        elif self.article is not None:
            self.add_paragraph("", text, line)
        else:
            self.append_loose(text, line)

    def append_loose(self, text: str, line: Line) -> None:
        """Text outside any article: a cover page, signatures, a form — or an annex whose
        articles are not numbered as such. Lines are separate entries unless one is
        obviously broken; a numbered line keeps its number as a label (out of the text
        that is compared), and a list after a lead-in (次の各号…) becomes items."""
        loose, stack = self.part.loose, self.loose_items
        if loose and line is self.glue_line:
            loose[-1].text += text
            return
        if loose and not self.ended_for_loose(stack[-1][2].text if stack else loose[-1].text):
            if stack:
                stack[-1][2].text += text
            else:
                loose[-1].text += text
            return
        # (forms and tables are never aligned: their numbers and lists need no reading)
        found = match_marker(text) if self.part.kind != "appendix" else None
        if found and not found[3].strip():
            found = None
        if found and loose and self.add_loose_item(*found, line):
            return
        label, text = (found[2], norm_space(found[3])) if found else ("", text)
        loose.append(Paragraph(index=len(loose) + 1, label=label, text=text, page=line.page, lineno=line.lineno))
        self.loose_items = []

    def add_loose_item(self, family: str, value: int, label: str, rest: str, line: Line) -> bool:
        """An item (号) of the last paragraph outside articles: one that continues a list,
        or the first one after a lead-in."""
        stack = self.loose_items
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == family:
                if value != stack[depth][1] + 1:
                    return False
                del stack[depth:]
                break
        else:
            lead = stack[-1][2].text if stack else self.part.loose[-1].text
            if value != 1 or not LEAD_IN_RE.search(lead):  # 「次の各号…。ただし、…」
                return False
            depth = len(stack)
        item = Item(label=label, text=norm_space(rest), page=line.page, lineno=line.lineno)
        (stack[depth - 1][2].items if depth else self.part.loose[-1].items).append(item)
        stack.append((family, value, item))
        return True

    @staticmethod
    def ended_for_loose(text: str) -> bool:
        # Outside articles (cover page, signatures, forms) lines are usually separate
        # entries; join only an obviously broken line (ends mid-word with 、 or a kana).
        tail = text.rstrip()[-1:]
        return not tail or tail not in "、，（(「"

    # -- the decision for one line
    def feed(self, line: Line) -> None:
        text = norm_space(line.text)
        if not text or line is self.skip_line:
            return
        # Only a short line can be a part's label or title (try_part); NFKC of every line
        # of running text would be a third of the parse.
        nfkc = unicodedata.normalize("NFKC", text) if len(text) <= PART_LINE_MAX else text
        if self.try_part(text, nfkc, line):
            self.last_line = line
            return
        if self.part.kind == "appendix":
            # a form or a table: never aligned, so its lines are kept as text unread
            # (half the lines of a contract with its 様式 attached)
            self.append_text(text, line)
            self.last_line = line
            return
        if self.try_heading(text, line):
            self.last_line = line
            return
        m = SIDE_HEADING_RE.match(text)
        if m and ARTICLE_RE.match(m.group(2)):
            # 「（基本的事項）　第１条　乙は…」: a 見出し printed in the margin, level with its article
            self.pending_heading, text = m.group(1).strip(), m.group(2)
        if self.try_article(text, line) or self.try_note(text, line) or self.try_marker(text, line):
            self.last_line = line
            return
        self.append_text(text, line)
        self.last_line = line

    def try_part(self, text: str, nfkc: str, line: Line) -> bool:
        if self.article is not None and self.current_text_ends_sentence() and self._starts_closing(text):
            self.close_article()
            self.append_text(text, line)
            if not CLOSING_RE.match(text):
                self.glue_line = self.next_line  # the rest of the wrapped 末文
            return True
        bare = PART_RE.match(nfkc)
        if bare and not nfkc[bare.end():].strip():
            self.start_part("appendix" if "表" in bare.group(1) or "様式" in bare.group(1) else "annex",
                            bare.group(1).strip("()（）") + (bare.group(2) or ""), "", line)
            return True
        if not self.current_text_ends_sentence() and self.article is not None:
            return False  # a wrapped line that happens to start with 別添 / 第N章
        m = CHAPTER_RE.match(text)
        if m and "。" not in text and len(text) <= 40:
            self.close_article()
            self.chapter = text
            return True
        m = PART_RE.match(nfkc)
        if m and "。" not in text and len(text) <= PART_LINE_MAX:
            title = norm_space(nfkc[m.end():]).strip("「」()（）")
            if title and not is_title(title):
                return False
            label = m.group(1).strip("()（）") + (m.group(2) or "")
            kind = "appendix" if ("表" in label or "様式" in label or "様式" in title[:6]) else "annex"
            self.start_part(kind, label, title, line)
            return True
        if is_annex_title(text):
            if self.part.kind == "annex" and not self.part.articles and not self.part.title:
                self.part.title = text
            else:
                self.start_part("annex", "", text, line)
            return True
        return False

    def _two_line_heading(self, text: str) -> re.Match | None:
        """A 見出し broken over two lines: 「（業務責任者及び業務従事者」 + 「の監督）」, after a
        sentence has ended. The second line is then skipped."""
        if text[:1] not in "（(" or len(text) > 30 or self.next_line is None or not self.current_text_ends_sentence():
            return None
        rest = norm_space(self.next_line.text)
        m = HEADING_RE.match(text + rest) if rest[-1:] in "）)" and len(rest) <= 30 else None
        if m:
            self.skip_line = self.next_line
        return m

    def _starts_closing(self, text: str) -> bool:
        """The 末文 or the date line, also when wrapped early: 「本契約の締結を」 + 「証するため、…」."""
        if CLOSING_RE.match(text):
            return True
        if len(text) >= 20 or self.next_line is None or text[-1:] in SENTENCE_END:
            return False
        return bool(CLOSING_RE.match(text + norm_space(self.next_line.text)))

    def try_heading(self, text: str, line: Line) -> bool:
        m = HEADING_RE.match(text) or self._two_line_heading(text)
        if not m:
            return False
        if not self.current_text_ends_sentence() and self.article is not None and not self._next_is_article():
            return False  # a wrapped parenthetical, not a 見出し
        self.pending_heading = m.group(1).strip()
        return True

    def _next_is_article(self) -> bool:
        nxt = norm_space(self.next_line.text) if self.next_line else ""
        if ARTICLE_RE.match(nxt) or ARTICLE_NO_JO_RE.match(nxt):
            return True
        m = ARTICLE_CAPTIONED_RE.match(nxt)
        return bool(m and self.captioned_style() and self.part.articles
                    and to_int(m.group(1)) == self.part.articles[-1].number + 1)

    def try_article(self, text: str, line: Line) -> bool:
        m = ARTICLE_RE.match(text)
        if m:
            rest = text[m.end():]
            number, sub = to_int(m.group(1)), (to_int(m.group(2)) if m.group(2) else None)
            if number is None and set(m.group(1)) <= set("○◯") and rest[:1] in ("", " ", "\u3000", "（", "("):
                number = (self.last_article_number() or 0) + 1  # 「第○条」 in a draft not yet numbered
            if self.article_start_plausible(number, rest):
                self.start_article(number, sub, norm_space(m.group(0)), rest, line)
                return True
            return False
        m = ARTICLE_NO_JO_RE.match(text)
        if m:
            number = to_int(m.group(1))
            rest = text[m.end():]
            if self.article_start_plausible(number, rest):
                self.start_article(number, None, m.group(0), rest, line)
                return True
            return False
        m = ARTICLE_DOT_RE.match(text)
        # 「１．見出し」 articles: in an annex that has none of another style yet, or
        # continuing them (inside 第N条 articles, 「２．乙は」 is a paragraph)
        if m and ((self.part.kind == "annex" and not self.part.articles) or self.dot_style()):
            number = to_int(m.group(1))
            last = self.last_article_number()
            if number == 1 or (last is not None and number == last + 1):
                rest = m.group(2)
                if rest and "。" not in rest and len(rest) <= 30:
                    self.pending_heading = rest
                    rest = ""
                self.start_article(number, None, norm_space(text[: m.start(2)]), rest, line)
                return True
        m = ARTICLE_CAPTIONED_RE.match(text)
        if m and self.pending_heading is not None and self.captioned_style():
            number = to_int(m.group(1))
            last = self.last_article_number()
            if (number == 1 and last is None) or (last is not None and number == last + 1):
                self.start_article(number, None, m.group(1), m.group(2), line)
                return True
        return False

    def captioned_style(self) -> bool:
        """Whether this part's articles are bare numbers under 見出し (「（秘密の保持）」 then
        「２　乙は…」): no article yet, or all of them numbered so. A 見出し is what tells
        such an article from a paragraph 「２　…」; it never stands before a paragraph."""
        return all(a.label.isdigit() for a in self.part.articles)

    def dot_style(self) -> bool:
        """Whether this part's articles are numbered 「１．」."""
        return bool(self.part.articles) and self.part.articles[-1].label.endswith(("．", "."))

    def last_article_number(self) -> int | None:
        return self.part.articles[-1].number if self.part.articles else None

    def article_start_plausible(self, number: int | None, rest: str) -> bool:
        if number is None:
            return False
        first = rest[:1]
        if first == "" or first in " \t\u3000（(":
            return True
        # 「第2条に準ずる」 wrapped to a line start is a cross-reference, not an article.
        last = self.last_article_number()
        expected = number == 1 or (last is not None and number == last + 1)
        return expected and self.current_text_ends_sentence() and first not in "にのをはがとへ第及又並"

    def try_note(self, text: str, line: Line) -> bool:
        if not NOTE_RE.match(text) or self.article is None:
            return False
        self.article.notes.append(text)
        self.item_stack = []
        self.in_note = True
        return True

    def try_marker(self, text: str, line: Line) -> bool:
        if self.article is None:
            return False
        found = match_marker(text)
        tight = found is None or (found[0] == "digit" and not re.match(r"^[0-9０-９]{1,2}(?:" + SP + r"|[．.])", text))
        if found is None and not self.in_note:
            found = match_marker(text, TIGHT_MARKERS)
        if found is None:
            return False
        family, value, label, rest = found
        if self.in_note:
            # 注1 … ２ … : numbered notes continue the note block
            self.article.notes.append(text)
            return True
        if tight and not self.tight_marker_expected(family, value):
            return False  # 「１年以上…」 or 「二次被害」 wrapped to a line start
        depth = self.item_depth_for(family, value)
        para_ok = self.paragraph_plausible(family, value)
        if depth is not None and not (para_ok and depth == 0 and self.item_stack
                                      and self.item_stack[0][1] + 1 != value):
            self.add_item(family, value, label, rest, depth, line)
            return True
        if para_ok:
            if self.para_family is None:
                self.para_family = family
            if value == 1 and not self.article.paragraphs:
                self.add_paragraph(label, rest, line)
            elif value == 1:
                self.article.paragraphs[-1].label = label  # "(1)" re-labels an empty first paragraph
                self.append_text(rest, line)
            else:
                self.add_paragraph(label, rest, line)
            return True
        return False

    def tight_marker_expected(self, family: str, value: int) -> bool:
        """Whether a marker with no space after it (「２甲は」, 「一本業務」, 「ア認証」) is
        one: where the text before has ended (a 号 often ends without 。, but not with 、)
        and the number is the next one expected — a paragraph's, or the list's."""
        block = self._current_block_text().rstrip()
        if not (self.current_text_ends_sentence() or (self.item_stack and block[-1:] not in "、，,（(「『・")):
            return False
        if family == "digit":
            return True  # paragraph_plausible / item_depth_for still check the number
        if value == 1:
            return self.lead_in()
        return any(fam == family and val + 1 == value for fam, val, _ in self.item_stack)

    def item_depth_for(self, family: str, value: int) -> int | None:
        """Depth at which this marker continues or starts an item list; None if it does not."""
        for depth in range(len(self.item_stack) - 1, -1, -1):
            fam, val, _ = self.item_stack[depth]
            if fam == family:
                # a deleted item leaves a gap when the draft was not renumbered
                return depth if val < value <= val + 3 else None
        if value > 1 and self.lead_in() and family != self.para_family and value <= 3:
            return len(self.item_stack)  # the list's first item was deleted
        if value != 1 or family == self.para_family:
            if not (value == 1 and family == self.para_family and self.lead_in()):
                return None
        if family in ("digit", "half_paren") and not self.lead_in(whole=True):
            return None  # 「1）により」: a wrapped 「（別紙様式1）」, unless a list was announced
        if self.current_paragraph() is None and not self.lead_in():
            return None
        return len(self.item_stack)

    def lead_in(self, whole: bool = False) -> bool:
        """Whether the text before announces a list (次の各号…). Near its end as a rule;
        anywhere in it when asked (「次の各号に該当する情報は…。ただし、…。」 then 「1．」)."""
        text = self._current_block_text()
        return bool(LEAD_IN_RE.search(text if whole else text[-40:]))

    def paragraph_plausible(self, family: str, value: int) -> bool:
        if family not in ("digit", "paren", "circled", "paren_digits"):
            return False
        if self.para_family is not None and family != self.para_family:
            return False
        count = len(self.article.paragraphs) if self.article else 0
        if value == 1:
            para = self.current_paragraph()
            return count == 0 or (count == 1 and para is not None and not para.text and not para.items)
        # a deleted paragraph leaves a gap when the draft was not renumbered
        # (or the article's first paragraph: 「第６条」 alone, then 「２　…」)
        return value == count + 1 or (value == count + 2 and self.current_text_ends_sentence())


def parse_lines(lines: Iterable[Line], path: str = "") -> DocTree:
    builder = _Builder(path)
    lines = list(lines)
    for k, line in enumerate(lines):
        builder.next_line = lines[k + 1] if k + 1 < len(lines) else None
        builder.feed(line)
    parts = [p for p in builder.parts if p.articles or p.loose or p.kind != "body"]
    return DocTree(path=path, parts=parts or [Part(kind="body")])


def parse_text(text: str, path: str = "") -> DocTree:
    lines = [Line(text=t, page=None, lineno=i + 1) for i, t in enumerate(text.splitlines())]
    return parse_lines(lines, path)


# ------------------------------------------------------------------ display


def render_tree(tree: DocTree) -> str:
    """A plain-text outline for `keiyaku-lint inspect`."""
    out: list[str] = [tree.path]
    for part in tree.parts:
        out.append(f"[{part.display}]  ({len(part.articles)} articles){_where(part.page, part.lineno)}")
        for art in part.articles:
            head = f"（{art.heading}）" if art.heading else ""
            out.append(f"  {art.display} {head}  ({len(art.paragraphs)} 項){_where(art.page, art.lineno)}")
            for para in art.paragraphs:
                label = para.label or "　"
                out.append(f"    {para.index:>2}: {label} {_clip(para.text)}{_where(para.page, para.lineno)}")
                for item in para.items:
                    _render_item(item, out, 6)
            for note in art.notes:
                out.append(f"    (注) {_clip(note)}")
    return "\n".join(out)


def _render_item(item: Item, out: list[str], indent: int) -> None:
    out.append(" " * indent + f"{item.label} {_clip(item.text, 40)}")
    for sub in item.items:
        _render_item(sub, out, indent + 2)


def _clip(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _where(page: int | None, lineno: int) -> str:
    return f"  [p.{page}]" if page else f"  [l.{lineno}]" if lineno else ""
