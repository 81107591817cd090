"""Word automatic numbering (numbering.xml) → the label Word would display (第3条, ２, (1), ア…).

python-docx ignores automatic numbering, so a DOCX whose articles are numbered by
Word (`第%1条`) has no 第N条 in its text at all. This module replays Word's counters:
numId → abstractNumId (+ lvlOverride/startOverride), one counter set per abstract
list, deeper levels restarting when a shallower level advances.
"""
from __future__ import annotations

from dataclasses import dataclass

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def val(el, tag: str, default: str | None = None) -> str | None:
    """w:val of the child `tag` of `el` (None-safe)."""
    if el is None:
        return default
    child = el.find(q(tag))
    if child is None:
        return default
    return child.get(q("val"), default)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# ---- number formats -------------------------------------------------------------

_KANJI = "〇一二三四五六七八九"
_LEGAL = "〇壱弐参四伍六七八九"
_AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
_IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"
_TRADITIONAL = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _kanji_count(n: int, digits: str = _KANJI, ten: str = "十") -> str:
    """Japanese counting: 1→一, 10→十, 21→二十一, 105→百五 (up to 9999, else digits)."""
    if n <= 0 or n > 9999:
        return str(n)
    out = ""
    for unit, name in ((1000, "千"), (100, "百"), (10, ten)):
        d, n = divmod(n, unit)
        if d:
            out += ("" if d == 1 else digits[d]) + name
    return out + (digits[n] if n else "")


def _letters(n: int, upper: bool) -> str:
    """Word's letter lists repeat the letter: A..Z, AA..ZZ, AAA…"""
    if n <= 0:
        return str(n)
    ch = chr((ord("A") if upper else ord("a")) + (n - 1) % 26)
    return ch * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += sym * count
    return out


def _enclosed(n: int, ranges: list[tuple[int, int, int]]) -> str:
    """Circled / parenthesised digits exist only for small numbers; fall back to digits."""
    for lo, hi, base in ranges:
        if lo <= n <= hi:
            return chr(base + n - lo)
    return str(n)


def _cycle(n: int, alphabet: str) -> str:
    return alphabet[(n - 1) % len(alphabet)] if n > 0 else str(n)


_CIRCLE = [(1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1)]


def format_number(n: int, fmt: str) -> str:
    """Render counter `n` in Word number format `fmt` (ST_NumberFormat)."""
    table = {
        "decimalFullWidth": lambda: str(n).translate(_FULLWIDTH),
        "decimalFullWidth2": lambda: str(n).translate(_FULLWIDTH),
        "decimalZero": lambda: f"{n:02d}",
        "japaneseCounting": lambda: _kanji_count(n),
        "chineseCounting": lambda: _kanji_count(n),
        "chineseCountingThousand": lambda: _kanji_count(n),
        "taiwaneseCounting": lambda: _kanji_count(n),
        "japaneseLegal": lambda: _kanji_count(n, _LEGAL, "拾"),
        "ideographDigital": lambda: "".join(_KANJI[int(d)] for d in str(n)),
        "japaneseDigitalTenThousand": lambda: "".join(_KANJI[int(d)] for d in str(n)),
        "taiwaneseDigital": lambda: "".join(_KANJI[int(d)] for d in str(n)),
        # Half-width (ｱｲｳ) variants rendered full width: NFKC-equal, and what later stages match.
        "aiueo": lambda: _cycle(n, _AIUEO),
        "aiueoFullWidth": lambda: _cycle(n, _AIUEO),
        "iroha": lambda: _cycle(n, _IROHA),
        "irohaFullWidth": lambda: _cycle(n, _IROHA),
        "ideographTraditional": lambda: _cycle(n, _TRADITIONAL),
        "ideographZodiac": lambda: _cycle(n, _ZODIAC),
        "decimalEnclosedCircle": lambda: _enclosed(n, _CIRCLE),
        "decimalEnclosedCircleChinese": lambda: _enclosed(n, _CIRCLE),
        "ideographEnclosedCircle": lambda: _enclosed(n, _CIRCLE),
        "decimalEnclosedParen": lambda: _enclosed(n, [(1, 20, 0x2474)]),
        "decimalEnclosedFullstop": lambda: _enclosed(n, [(1, 20, 0x2488)]),
        "upperLetter": lambda: _letters(n, True),
        "lowerLetter": lambda: _letters(n, False),
        "upperRoman": lambda: _roman(n),
        "lowerRoman": lambda: _roman(n).lower(),
        "none": lambda: "",
        "bullet": lambda: "",
    }
    fn = table.get(fmt)
    return fn() if fn else str(n)


# ---- numbering definitions ----------------------------------------------------------


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level only
    suffix: str = "tab"
    legal: bool = False  # w:isLgl: every %N shown as decimal

    @classmethod
    def parse(cls, lvl) -> Level:
        restart = val(lvl, "lvlRestart")
        return cls(
            fmt=val(lvl, "numFmt", "decimal") or "decimal",
            text=val(lvl, "lvlText", "") or "",
            start=_int(val(lvl, "start"), 1),
            restart=_int(restart, 0) if restart is not None else None,
            suffix=val(lvl, "suff", "tab") or "tab",
            legal=lvl.find(q("isLgl")) is not None and val(lvl, "isLgl", "1") not in ("0", "false"),
        )


class Numbering:
    """Replays Word list counters paragraph by paragraph (call `label` in document order)."""

    def __init__(self, numbering_el=None, styles_el=None) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.abstract_style_link: dict[str, str] = {}  # abstractNum → numStyleLink style id
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id → numId, ilvl, basedOn
        self.counters: dict[str, dict[int, int]] = {}
        self.used_nums: set[str] = set()
        if numbering_el is not None:
            self._parse_numbering(numbering_el)
        if styles_el is not None:
            self._parse_styles(styles_el)

    def _parse_numbering(self, root) -> None:
        for absn in root.findall(q("abstractNum")):
            aid = absn.get(q("abstractNumId"))
            self.abstract[aid] = {_int(lvl.get(q("ilvl")), 0): Level.parse(lvl) for lvl in absn.findall(q("lvl"))}
            link = val(absn, "numStyleLink")
            if link:
                self.abstract_style_link[aid] = link
        for num in root.findall(q("num")):
            starts: dict[int, int] = {}
            levels: dict[int, Level] = {}
            for ov in num.findall(q("lvlOverride")):
                ilvl = _int(ov.get(q("ilvl")), 0)
                if ov.find(q("startOverride")) is not None:
                    starts[ilvl] = _int(val(ov, "startOverride"), 1)
                if ov.find(q("lvl")) is not None:
                    levels[ilvl] = Level.parse(ov.find(q("lvl")))
            self.nums[num.get(q("numId"))] = (val(num, "abstractNumId"), starts, levels)

    def _parse_styles(self, root) -> None:
        for st in root.findall(q("style")):
            ppr = st.find(q("pPr"))
            numpr = ppr.find(q("numPr")) if ppr is not None else None
            self.styles[st.get(q("styleId"))] = (
                val(numpr, "numId"), val(numpr, "ilvl"), val(st, "basedOn"))

    def _style_numpr(self, style_id: str | None) -> tuple[str | None, str | None]:
        """numId / ilvl inherited through the basedOn chain (first definition wins)."""
        num_id = ilvl = None
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            s_num, s_lvl, based = self.styles[style_id]
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
            style_id = based
        return num_id, ilvl

    def _abstract_id(self, num_id: str) -> str | None:
        aid = self.nums[num_id][0]
        link = self.abstract_style_link.get(aid or "")
        if link:  # list defined through a numbering style: follow it once
            linked, _ = self._style_numpr(link)
            if linked in self.nums and linked != num_id:
                aid = self.nums[linked][0]
        return aid

    def _level(self, num_id: str, aid: str, ilvl: int) -> Level:
        override = self.nums[num_id][2].get(ilvl)
        return override or self.abstract.get(aid, {}).get(ilvl) or Level()

    def resolve(self, ppr) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph from its own w:numPr or its style's; None if unnumbered."""
        numpr = ppr.find(q("numPr")) if ppr is not None else None
        num_id, ilvl = val(numpr, "numId"), val(numpr, "ilvl")
        s_num, s_lvl = self._style_numpr(val(ppr, "pStyle"))
        num_id = num_id if num_id is not None else s_num
        ilvl = ilvl if ilvl is not None else s_lvl
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        return num_id, _int(ilvl, 0)

    def label(self, ppr) -> tuple[str, str]:
        """Advance the counters for one paragraph; return (label, suffix) or ("", "")."""
        found = self.resolve(ppr)
        if not found:
            return "", ""
        num_id, ilvl = found
        aid = self._abstract_id(num_id)
        if aid is None:
            return "", ""
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.used_nums:  # a startOverride restarts the list on first use
            self.used_nums.add(num_id)
            for lvl, start in self.nums[num_id][1].items():
                counters[lvl] = start - 1
                for deeper in [k for k in counters if k > lvl]:
                    del counters[deeper]
        level = self._level(num_id, aid, ilvl)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            if self._level(num_id, aid, deeper).restart != 0:  # lvlRestart=0: never restart
                del counters[deeper]
        return self._render(num_id, aid, level, counters), level.suffix

    def _render(self, num_id: str, aid: str, level: Level, counters: dict[int, int]) -> str:
        text = level.text
        for i in range(9):
            token = f"%{i + 1}"
            if token in text:
                lv = self._level(num_id, aid, i)
                n = counters.get(i, lv.start)
                text = text.replace(token, str(n) if level.legal else format_number(n, lv.fmt))
        if level.fmt == "bullet":
            return ""  # bullet glyphs are symbol-font characters, not numbering text
        return text.strip()
