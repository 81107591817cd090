"""Numbers as Japanese contracts write them: 12, １２, 十二, ⑫, ア/イ, (ア).

Used by the structure parser to read article, paragraph and item numbers.
"""
from __future__ import annotations

import unicodedata

KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                "六": 6, "七": 7, "八": 8, "九": 9}
KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
KANJI_NUMERAL_CHARS = "".join(KANJI_DIGITS) + "".join(KANJI_UNITS)

# The gojūon order used for items ア, イ, ウ … and the iroha order イ, ロ, ハ …
AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PAREN_DIGITS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def kanji_to_int(text: str) -> int | None:
    """十二 -> 12, 二十 -> 20, 百五 -> 105, 一〇 -> 10 (digit-by-digit form)."""
    if not text or any(ch not in KANJI_DIGITS and ch not in KANJI_UNITS for ch in text):
        return None
    if not any(ch in KANJI_UNITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + KANJI_DIGITS[ch]
        return value
    total, current = 0, 0
    for ch in text:
        if ch in KANJI_DIGITS:
            current = KANJI_DIGITS[ch]
        else:
            total += (current or 1) * KANJI_UNITS[ch]
            current = 0
    return total + current


def to_int(text: str) -> int | None:
    """Any numeral form to int: '12', '１２', '十二', '⑫', '⑿'; None if not a number."""
    text = text.strip()
    if not text:
        return None
    if len(text) == 1 and text in CIRCLED:
        return CIRCLED.index(text) + 1
    if len(text) == 1 and text in PAREN_DIGITS:
        return PAREN_DIGITS.index(text) + 1
    ascii_digits = unicodedata.normalize("NFKC", text)
    if ascii_digits.isdigit():
        return int(ascii_digits)
    return kanji_to_int(text)


def kana_index(ch: str) -> int | None:
    """ア -> 1, イ -> 2 … (gojūon order); None for other characters."""
    ch = unicodedata.normalize("NFKC", ch)
    pos = AIUEO.find(ch)
    return pos + 1 if pos >= 0 else None
