"""Japanese text normalisation and tokens (SudachiPy).

Two levels of normal form:
- `canon(text)`: character level, cheap, no dictionary — NFKC, no spaces, kanji numerals
  to digits, party aliases to 甲/乙, cross-references to one placeholder, the annex
  name to 別添. Used for alignment and similarity.
- `tokens(text)`: Sudachi tokens whose `norm` unifies orthographic variants
  (漏えい/漏洩, 取扱い/取り扱い, き損/毀損, 講ずる/講じる) plus a small synonym table for
  what the dictionary does not unify. Used by the judge to diff at word level.

One Sudachi Dictionary per process (it costs ~50 ms and ~70 MB); input is chunked
under Sudachi's per-call size limit.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from .numerals import kanji_to_int

# What the dictionary does not unify, but the reference treats alike. Both sides are
# rewritten to the right-hand form before comparison (canon and token level).
SYNONYMS: list[tuple[str, str]] = [
    ("返還", "返却"),
    ("日本国内", "国内"), ("日本国外", "国外"),  # in a Japanese public contract, the same place
    ("ものと定義する", "ものをいう"), ("各号のいずれかに該当する", "各号に該当する"),  # 各号に該当する = any of them
    ("次の各号に該当する", "次のいずれかに該当する"),  # (次の各号のいずれか → 次のいずれか below)
    ("のっと", "則"),
    ("この契約", "本契約"),
    ("年間以上", "年以上"),
    ("四半期", "3月"), ("半年", "6月"),
    ("年1回", "1年に1回"),
    ("箇月", "月"), ("か月", "月"), ("ヶ月", "月"), ("カ月", "月"), ("ケ月", "月"),
    ("予め", "あらかじめ"), ("事前に", "あらかじめ"),
    ("責任を負担する", "責任を負う"),
    ("次の各号のいずれか", "次のいずれか"),
    ("すみやかに", "速やかに"),
    ("すべて", "全て"), ("一切の", "全ての"),  # 一切の義務 = 全ての義務 (the adverb 一切…ない stays)
    ("但し", "ただし"),
    ("または", "又は"), ("および", "及び"), ("ならびに", "並びに"), ("もしくは", "若しくは"),
    ("恐れ", "おそれ"), ("虞", "おそれ"),
    ("如何なる", "いかなる"),
    ("取り扱", "取扱"),
    ("漏洩", "漏えい"), ("毀損", "き損"),
    ("漏えいし", "漏らし"), ("漏えいする", "漏らす"),  # the verb: 他に漏らしてはならない
    ("秘密保持義務", "守秘義務"), ("」と総称する", "」という"), ("の定めるところにより", "に基づき"),
    ("最小限度", "最小限"),
    ("外に持ち出", "から持ち出"), ("外へ持ち出", "から持ち出"),  # 事業所外に = 事業所内から (国外に = 国内から)
    ("講じる", "講ずる"),
    ("責めに帰す", "責に帰す"),
    ("本件特記事項", "本特記事項"), ("本章", "本特記事項"),
    ("別記", "別添"), ("別紙", "別添"),
    ("他者", "第三者"),
    ("承認", "承諾"),
    ("善良なる", "善良な"),
    ("のみならず", "はもとより"),  # 期間中のみならず = 期間中はもとより
    ("管理者の注意義務", "管理者の注意"),  # 民法400条's 善良な管理者の注意 is itself the duty
    # 最小限に抑える / とどめる / 留める: the same as 最小限にする (full forms before stems)
    ("最小限に抑える", "最小限にする"), ("最小限にとどめる", "最小限にする"), ("最小限に留める", "最小限にする"),
    ("最小限に抑え", "最小限にし"), ("最小限にとどめ", "最小限にし"), ("最小限に留め", "最小限にし"),
    ("場合には", "場合は"),
    ("ときには", "場合は"), ("ときは", "場合は"),
    # 事業所内から / 事業所の外へ / 事業所から持ち出す: the same act (国内 ↔ 国外 still differ)
    ("内から持ち出", "から持ち出"), ("の外に持ち出", "から持ち出"), ("の外へ持ち出", "から持ち出"),
    ("将来において", "今後"), ("のいかんにかかわらず", "にかかわらず"),
    ("との間の", "との"),  # 乙と派遣元との間の契約 = 乙と派遣元との契約
    ("の遂行のため", "を行うため"), ("の遂行に当たり", "を行うに当たり"),  # 業務の遂行のため = 業務を行うため
    # 取得する際は / した際には: the same condition (after a verb only: 実際は, 国際は stay)
    ("する際には", "する場合は"), ("する際は", "する場合は"), ("した際には", "した場合は"), ("した際は", "した場合は"),
]

_SPACE_RE = re.compile(r"[\s\u3000]+")
_KANJI_NUM_RE = re.compile(r"[〇一二三四五六七八九十百]+(?=[条項号年月日回人%％]|か月)")
# Cross-references that a draft renumbers to follow its own numbering: editorial.
_XREF_RE = re.compile(
    r"(第\d+条(の\d+)?(第\d+項)?(第\d+号)?|第\d+項(第\d+号)?|第\d+号|前\d*項|前\d*条|前各号|前号|同項|同条"
    r"|第\d+(?=に準ずる)|\d+\.(?=に準ずる)|\(\d+\)(?=の|を|に|は|から|まで|及び|又は))"
)
# The annex cited under whatever name the draft gives it: 別添「…特記事項」, 別記「…」,
# 第２章（…特記事項）の規定.
_ANNEX_CITE_RE = re.compile(r"(別添|別記|別紙|第\d+章)\d*([「『(][^」』)]{0,40}[」』)])?(の規定)?(?=に基づ|に定め|を遵守|の定め|に従|により|による)")
_XREF_TOKEN = "〓"
_XREF_RUN_RE = re.compile(_XREF_TOKEN + "{2,}")
_PUNCT_RE = re.compile(r"[、。，．,.・「」『』()（）\[\]［］【】:：;；\"'“”‘’]")


@dataclass(frozen=True)
class Parties:
    """Aliases a draft uses for the reference's 甲 (the client) and 乙 (the contractor), and
    `terms`: (the draft's term, the reference's term) for defined terms the draft renamed
    (see `renamed_terms`)."""

    kou: tuple[str, ...] = ()
    otsu: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()

    def substitutions(self) -> list[tuple[re.Pattern, str]]:
        subs = _party_substitutions(self.kou, self.otsu)
        return subs + _term_substitutions(self.terms) if self.terms else subs

    def apply(self, text: str) -> str:
        for pattern, role in self.substitutions():
            text = pattern.sub(role, text)
        return text


@functools.lru_cache(maxsize=64)
def _party_substitutions(kou: tuple[str, ...], otsu: tuple[str, ...]) -> list[tuple[re.Pattern, str]]:
    out = []
    for alias, role in sorted([(a, "甲") for a in kou] + [(a, "乙") for a in otsu], key=lambda x: -len(x[0])):
        if len(alias) >= 2:
            out.append((re.compile(rf"(?<!再){re.escape(alias)}"), role))  # not 再受託者
        else:  # a one-character name (県, 市) only where it stands as a party
            out.append((re.compile(rf"(?<![都道府全他本各当]){re.escape(alias)}"
                                   rf"(?=[はがのにをへとも及又、。並若]|から|及び)"), role))
    return out


NO_PARTIES = Parties()


@functools.lru_cache(maxsize=64)
def _term_substitutions(terms: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern, str]]:
    out = []
    for ours, theirs in terms:
        # not the defining words (取り扱う責任者（以下「責任者」という）), and where the draft's
        # term is part of the reference's (従事者, 業務従事者) not the reference's term itself
        before, after = "", r"(?!\(以下)"
        if ours in theirs:
            i = theirs.index(ours)
            before = f"(?<!{re.escape(theirs[:i])})" if i else ""
            after += f"(?!{re.escape(theirs[i + len(ours):])})" if theirs[i + len(ours):] else ""
        out.append((re.compile(before + re.escape(ours) + after), theirs))
    return out

_DEFINED_RE = re.compile(r"(?:以下|以下単に)「([^」]{1,6})」という")
_PARTY_WORDS = ("甲", "乙", "丙")
_ROLE_DEFINED_RE = re.compile(r"(委託者|発注者|受託者|受注者|請負者)[^(「」。、]{0,40}(?:\(以下「|を)(甲|乙)(?:」という|と)")


# A defined term in NFKC text (「…（以下「作業場所」という。）」): the judge reads the same
# pattern in the reference text it compares.
TERM_DEFINITION_RE = re.compile(r"\(以下(?:単に)?「([^」]{1,10})」という")
_DEFINING_WORDS_RE = re.compile(r"[^「」()、。]{0,16}$")


def term_definitions(text: str) -> dict[str, str]:
    """Terms `text` defines, each with the words that define it, in comparison form:
    「業務に従事する者（以下「業務従事者」という。）」 → {"業務従事者": "業務に従事する者"}."""
    text = unicodedata.normalize("NFKC", text)
    out: dict[str, str] = {}
    for m in TERM_DEFINITION_RE.finditer(text):
        if m.group(1) not in _PARTY_WORDS:
            words = _DEFINING_WORDS_RE.search(text, max(0, m.start() - 16), m.start()).group(0)
            out.setdefault(m.group(1), canon(words))
    return out


def renamed_terms(reference: dict[str, str], draft: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(draft term, reference term) for each term the reference defines (`term_definitions`)
    that the draft defines under another name by the same words: 「業務に従事する者（以下
    「従事者」という。）」 renames 業務従事者. The defining words must end alike (3 characters
    or more) and point at one term only.

    The draft's name is then read as the reference's term everywhere in the draft. Where the
    reference itself uses that name as a plain word (責任者 for 業務責任者, and a certificate
    that lists a 責任者) that one place reads as changed: one `altered` clause, where not
    renaming makes every clause that uses the term read as changed."""
    pairs = []
    for term, words in reference.items():
        if term in draft or len(words) < 3:
            continue
        same = [t for t, w in draft.items() if t not in reference and w.endswith(words[-3:])]
        if len(same) == 1:
            pairs.append((same[0], term))
    return tuple(pairs)


def defined_terms(definitions: dict[str, str]) -> frozenset[str]:
    """The terms of `term_definitions`, in comparison form (「機密情報・個人情報」 →
    機密情報個人情報): what the judge counts in a clause."""
    return frozenset(canon(t) for t in definitions)


def detect_parties(preamble: str) -> Parties:
    """Party names defined in the preamble: 「大分県（以下「県」という。）と…（以下「受注者」という。）」.

    The client is defined first and the contractor second, as in every 業務委託契約書.
    When the draft itself uses 甲/乙 nothing is renamed.
    """
    text = unicodedata.normalize("NFKC", preamble)
    if re.search(r"を甲と|「甲」という|を乙と|「乙」という", text):
        # 「受託者○○（以下「乙」という。）」: a clause that says 受託者 still means 乙
        roles = {party: (role,) for role, party in _ROLE_DEFINED_RE.findall(text)}
        return Parties(kou=roles.get("甲", ()), otsu=roles.get("乙", ()))
    names = [n for n in _DEFINED_RE.findall(text)
             if n not in _PARTY_WORDS and not re.search(r"業務|仕様|契約|委託料|金額|期間|本|事項|情報", n)]
    if len(names) < 2:
        return NO_PARTIES
    return Parties(kou=(names[0],), otsu=(names[1],))


CLIENT_WORDS = ("発注者", "委託者", "県", "市", "町", "村", "区")
CONTRACTOR_WORDS = ("受注者", "受託者", "事業者", "請負者", "契約者")


def guess_parties(text: str) -> Parties:
    """Party names a draft uses without defining them in a preamble (only in a 定義
    article, or nowhere): when 甲/乙 are (almost) absent, the most frequent client word
    and contractor word stand for them."""
    if text.count("乙") >= 5 or text.count("甲") >= 5:
        return NO_PARTIES
    def count(word: str) -> int:
        if len(word) > 1:
            return text.count(word)
        return len(re.findall(rf"(?<![都道府全他本各当]){word}(?=[はがのにをへとも及又、。並若])", text))
    kou = max(CLIENT_WORDS, key=count)
    otsu = max(CONTRACTOR_WORDS, key=count)
    if count(kou) < 5 or count(otsu) < 5:
        return NO_PARTIES
    return Parties(kou=(kou,), otsu=(otsu,))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# Old-style statute kana: the small っ written large (であつて, なかつた, もつて).
_LARGE_TSU_RE = re.compile(r"(?<=[あかさたなはまやらわいきしちにひみりくすぬふむゆるけせてねへめれこそとのほもよろ])つ(?=[てたと])")
# 「前２項の規定は」 = 「前２項は」, 「第３条の規定により」 = 「第３条により」: a provision cited with or
# without の規定 (only after a cross-reference: 事項の規定 stays).
_PROVISION_RE = re.compile(r"(?<=[項条号])の規定(?=[はをにがのでと、])")
_XREF_BEFORE_RE = re.compile(r"(?:(?:前|第)\d*|同)[項条号]$|前各号$")


def _drop_provision(m: re.Match) -> str:
    return "" if _XREF_BEFORE_RE.search(m.string, max(0, m.start() - 8), m.start()) else m.group(0)


# A law's number cited after its name: 「個人情報の保護に関する法律（平成15年法律第57号）」 names
# the same law as 「個人情報の保護に関する法律」 (applied after kanji numerals become digits).
_LAW_NUMBER_RE = re.compile(r"\((?:明治|大正|昭和|平成|令和)(?:\d+|元)年(?:法律|政令|条例|規則|省令|府令|内閣府令)第\d+号\)")
# A party named twice: 「委託者である甲」, 「乙（受託者）」 (after the role words of a 甲/乙
# draft are mapped, 「甲である甲」) says 甲. Only where the role matches the party.
_ROLE_APPOSITION_RE = re.compile(
    r"(?:委託者|発注者|甲)(?:である|たる)(?=甲)|(?:受託者|受注者|請負者|乙)(?:である|たる)(?=乙)"
    r"|(?<=甲)\((?:委託者|発注者)\)|(?<=乙)\((?:受託者|受注者|請負者)\)")


@functools.lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


class Mapped:
    """Text with, for every character, the span of the source text it came from.

    Each normalisation step is a substitution; the characters it produces point at
    the whole source span it replaced. That lets a finding quote the draft's own words
    although the comparison ran on the normal form.
    """

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans

    @classmethod
    def of(cls, source: str) -> "Mapped":
        chars, spans = [], []
        for i, ch in enumerate(source):
            n = _nfkc_char(ch)
            chars.append(n)
            spans.extend([(i, i + 1)] * len(n))
        return cls("".join(chars), spans)

    def sub(self, pattern: re.Pattern, repl) -> "Mapped":
        out, spans, pos = [], [], 0
        for m in pattern.finditer(self.text):
            out.append(self.text[pos:m.start()])
            spans.extend(self.spans[pos:m.start()])
            new = repl(m) if callable(repl) else m.expand(repl)
            if new:
                src = (self.spans[m.start()][0], self.spans[m.end() - 1][1]) if m.end() > m.start() else \
                    (self.spans[m.start()][0],) * 2 if m.start() < len(self.spans) else (0, 0)
                out.append(new)
                spans.extend([src] * len(new))
            pos = m.end()
        out.append(self.text[pos:])
        spans.extend(self.spans[pos:])
        return Mapped("".join(out), spans)

    def source(self, source: str, start: int, end: int) -> str:
        """The source words behind characters [start, end) of the normal form."""
        if start >= end or start >= len(self.spans):
            return ""
        return source[self.spans[start][0]:self.spans[min(end, len(self.spans)) - 1][1]]


def _synonym_pattern() -> tuple[re.Pattern, dict[str, str]]:
    table = dict(SYNONYMS)
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), table


_SYN_RE, _SYN_TABLE = _synonym_pattern()


def apply_synonyms(text: str) -> str:
    return _SYN_RE.sub(_synonym, text)


def _digits(m: re.Match) -> str:
    return str(kanji_to_int(m.group(0)) or m.group(0))


def _synonym(m: re.Match) -> str:
    return _SYN_TABLE[m.group(0)]


# The normalising steps that follow the mapping of the parties, in order; `canon` and
# `canon_map` both run exactly these (one list, so the two cannot drift apart).
_STEPS = ((_ROLE_APPOSITION_RE, ""), (_KANJI_NUM_RE, _digits), (_LAW_NUMBER_RE, ""),
          (_PROVISION_RE, _drop_provision), (_LARGE_TSU_RE, "っ"), (_SYN_RE, _synonym),
          (_ANNEX_CITE_RE, "別添特記事項"))
_XREF_STEPS = ((_XREF_RE, _XREF_TOKEN), (_XREF_RUN_RE, _XREF_TOKEN))
_PUNCT_STEPS = ((_PUNCT_RE, ""),)


def _steps(parties: Parties, keep_punct: bool, keep_xref: bool) -> list[tuple[re.Pattern, object]]:
    return [*parties.substitutions(), *_STEPS, *(() if keep_xref else _XREF_STEPS),
            *(() if keep_punct else _PUNCT_STEPS)]


@functools.lru_cache(maxsize=8192)
def canon_map(text: str, parties: Parties = NO_PARTIES, keep_punct: bool = False,
              keep_xref: bool = False) -> Mapped:
    """`canon` with the source span of every character (see `Mapped`)."""
    m = Mapped.of(text).sub(_SPACE_RE, "")
    for pattern, repl in _steps(parties, keep_punct, keep_xref):
        m = m.sub(pattern, repl)
    return m


@functools.lru_cache(maxsize=16384)  # reference clauses, and boilerplate that recurs across drafts
def canon(text: str, parties: Parties = NO_PARTIES, keep_punct: bool = False, keep_xref: bool = False) -> str:
    """Character-level comparison form of `text` (see module docstring). `keep_xref`
    keeps cross-references as written, for the judge's cross-reference check.

    The same steps as `canon_map`, on plain strings (3× faster: alignment calls this
    for every paragraph); tests check that both agree."""
    text = _SPACE_RE.sub("", "".join(map(_nfkc_char, text)))
    for pattern, repl in _steps(parties, keep_punct, keep_xref):
        text = pattern.sub(repl, text)
    return text


# ------------------------------------------------------------------ Sudachi

SUDACHI_CHUNK_BYTES = 40_000  # Sudachi refuses more than ~49 KB of UTF-8 per call


@functools.lru_cache(maxsize=1)
def _tokenizer():
    from sudachipy import dictionary, tokenizer  # imported lazily: costs ~50 ms

    dic = dictionary.Dictionary(dict="core")
    make = getattr(dic, "tokenizer", None) or dic.create  # create() is deprecated since SudachiPy 0.7
    tok = make(tokenizer.Tokenizer.SplitMode.B)
    return tok, tokenizer.Tokenizer.SplitMode.B


@dataclass(frozen=True)
class Token:
    surface: str
    norm: str
    pos: str  # coarse part of speech (名詞, 動詞, 助詞, 補助記号 …)
    start: int = 0  # character offset in the tokenized text
    syn: tuple[int, ...] = ()  # synonym groups of the dictionary's synonym list (保つ, 保持: the same)

    @functools.cached_property  # asked for every token of every diff; tokens() results are cached
    def is_punct(self) -> bool:
        return self.pos in ("補助記号", "空白") or bool(_PUNCT_RE.fullmatch(self.surface))


# Verbs the dictionary keeps apart but a contract uses alike (実施する / 行う).
NORM_SYNONYMS = {"行う": "実施"}


def _chunks(text: str) -> list[str]:
    if len(text.encode("utf-8")) <= SUDACHI_CHUNK_BYTES:
        return [text]
    out, current = [], ""
    for piece in re.split(r"(?<=。)", text):
        if len((current + piece).encode("utf-8")) > SUDACHI_CHUNK_BYTES and current:
            out.append(current)
            current = ""
        while len(piece.encode("utf-8")) > SUDACHI_CHUNK_BYTES:
            out.append(piece[:10_000])
            piece = piece[10_000:]
        current += piece
    if current:
        out.append(current)
    return out


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """Sudachi tokens of an already `canon(..., keep_punct=True)`-ed text."""
    tok, mode = _tokenizer()
    out: list[Token] = []
    base = 0
    for chunk in _chunks(text):
        for m in tok.tokenize(chunk, mode):
            surface = m.surface()
            norm = apply_synonyms(m.normalized_form())
            norm = NORM_SYNONYMS.get(norm, norm)
            if norm in ("ず", "ぬ") and m.part_of_speech()[0] == "助動詞":
                norm = "ない"  # してはならず / してはならない: the same negation
            if surface == _XREF_TOKEN:
                norm = _XREF_TOKEN
            out.append(Token(surface=surface, norm=norm, pos=m.part_of_speech()[0], start=base + m.begin()))
        base += len(chunk)
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def coarse_tokens(text: str) -> tuple[Token, ...]:
    """Tokens of a short span in Sudachi's longest units (mode C: 不正プログラム, not 不正 +
    プログラム), with their synonym groups: what the judge asks when two words may be
    synonyms."""
    tok, _ = _tokenizer()
    from sudachipy import tokenizer

    out = []
    for m in tok.tokenize(text, tokenizer.Tokenizer.SplitMode.C):
        norm = apply_synonyms(m.normalized_form())
        out.append(Token(surface=m.surface(), norm=NORM_SYNONYMS.get(norm, norm), pos=m.part_of_speech()[0],
                         start=m.begin(), syn=tuple(m.synonym_group_ids())))
    return tuple(out)


def warm_up() -> None:
    """Load the dictionary now (once per worker process) rather than on the first file."""
    tokens("乙は、甲の承諾を得なければならない。")
