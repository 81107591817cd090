"""Judge: is an aligned (reference clause, draft text) pair ok, altered or weakened?

Two layers feed one decision:

1. Detectors for the kinds of change a reviewer names (modality, time limits, minima,
   survival, approvals, oversight, care standard, liability, party shift) compare
   the whole clause with the draft: each yields a Reason with a rule from the catalogue.
2. A polarity analysis of every word-level edit the detectors did not explain. Each
   edit changes the *coverage* of what it touches (deleting content or inserting a
   limiting condition narrows it; deleting a condition or inserting content widens
   it), and the edited span has a *polarity* toward protection: +1 in a duty or in a
   definition of what is protected, −1 inside an exception (ただし…この限りでない,
   …を除き) or in a clause that is itself an exclusion or a concession. Coverage ×
   polarity < 0 reduces protection (weakened); > 0 only adds duties (altered,
   "strengthened"); content swapped for content is a plain change (altered).

Editorial differences never reach either layer: the texts are compared in the
normal form of `japanese` (orthography, width, numerals, party names, renumbered
cross-references), and edits made only of particles or punctuation are dropped.
"""
from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from .japanese import NO_PARTIES, TERM_DEFINITION_RE, Parties, Token, canon, canon_map, coarse_tokens, tokens
from .reference import RefClause
from .rules.catalog import rule

EFFECT_RANK = {"alter": 1, "strengthen": 1, "weaken": 2}
# An item label left in running text when a draft folds the items into a sentence.
ITEM_LABEL_RE = re.compile(r"(^|[。：:\s　])(?:[一二三四五六七八九十]{1,2}|[（(][0-9０-９]{1,2}[）)]|[ア-オ])[\s　]+")


@dataclass
class Reason:
    rule: str  # dotted name, e.g. "modality.softened"
    code: str  # KL101
    effect: str  # weaken | alter | strengthen
    ref_words: str = ""
    draft_words: str = ""
    detail: str = ""

    def message(self, lang: str = "ja") -> str:
        r = rule(self.rule)
        head = r.summary_ja if lang == "ja" else r.summary_en
        if self.effect == "strengthen" and lang == "en" and "strength" not in head:
            head += " (strengthened)"
        if self.effect == "strengthen" and lang == "ja" and "強化" not in head:
            head += "（強化）"
        words = ""
        if self.ref_words or self.draft_words:
            words = f"（{self.ref_words or '∅'} → {self.draft_words or '∅'}）" if lang == "ja" \
                else f" ({self.ref_words or '∅'} → {self.draft_words or '∅'})"
        return head + words + (f" {self.detail}" if self.detail else "")


@dataclass
class Verdict:
    status: str  # ok | altered | weakened
    reasons: list[Reason] = field(default_factory=list)


def _make(name: str, ref_words: str = "", draft_words: str = "", detail: str = "") -> Reason:
    r = rule(name)
    return Reason(r.name, r.code, r.effect, ref_words, draft_words, detail)


def decide(reasons: list[Reason]) -> str:
    if not reasons:
        return "ok"
    worst = max(EFFECT_RANK[r.effect] for r in reasons)
    return "weakened" if worst == 2 else "altered"


# ------------------------------------------------------------------ vocabulary

MODAL_RE = re.compile(
    r"努めなければならない|努めるものとする|努める|よう配慮|配慮する|ことができる|差し支えない|妨げない"
    r"|なければならない|てはならない|ではならない|ものとする|こととする|義務を負う|責任を負う|負担する|ものではない"
    r"|遵守させ|ことを確認する|に限定しなければ|望ましい")
MODAL_LEVEL = {"努めなければならない": 2, "努めるものとする": 1, "努める": 1, "よう配慮": 1, "配慮する": 1,
               "望ましい": 1,
               "ことができる": 0, "差し支えない": 0, "妨げない": 0}

URGENT = {"直ちに": 4, "即時": 4, "即座に": 4, "速やかに": 3, "遅滞なく": 3, "早急に": 3, "至急": 3}
PRIOR_RE = re.compile(r"あらかじめ|事前に|事前の|前に|前まで|までに|着手前|契約時|締結時")
DEADLINE_RE = re.compile(r"(\d+)(日|週間|月|年)以内")
UNIT_DAYS = {"日": 1, "週間": 7, "週": 7, "月": 30, "年": 365}
MINIMUM_RE = re.compile(r"(\d+)(日|週間|月|年)(?:間)?以上")
FREQUENCY_RE = re.compile(r"(\d*)(日|週間|週|月|年)に?(\d+)回")  # 1年に1回, 年1回, 月2回
SURVIVAL_RE = re.compile(r"(終了し.{0,8}解除され.{0,6}後|解除又は終了した後|終了した後|終了後も|契約期間中はもとより"
                         r"|(?:終了|解除)(?:後|の後)[^。]{0,8}(?:においても|も))")  # 終了後又は解除後においても
WEAK_CONTROL_RE = re.compile(r"協議|通知|報告|届出|届け出|連絡|判断|必要")
ONSITE_RE = re.compile(r"作業場所において|立入|立ち入|実地|立会")
PAPER_RE = re.compile(r"書面|書類|資料|報告|自己点検|自ら点検|チェック|確認書|聴取|ヒアリング|電話|電子メール"
                      r"|オンライン|リモート|遠隔|映像|ウェブ|Web")
CARE_RE = re.compile(r"善良な(る)?管理者の注意")
LIABILITY_LIMIT_RE = re.compile(r"上限|限度|を超えない|故意又は重大な過失|重大な過失|に限り賠償|立証")

# What an edited span does to the coverage of what it touches. Inserting any of these
# narrows; deleting a softener or a condition widens, deleting a constraint narrows.
SOFTENER_RE = re.compile(r"可能な限り|できる限り|なるべく|必要に応じ|原則として|適宜|努めて|必要があると認め"
                         r"|支障のない|合理的な範囲|業務上(の)?必要|業務の遂行上必要|必要な場合|やむを得ない|差し支え"
                         r"|適切に|適正に")
CONDITION_RE = re.compile(r"場合|とき|(求め|要請|請求|指示)に応じ|により|によって|において|に基づ|事由|理由|責に帰|責めに帰|故意|過失|重大|重要|著しい|相当の|明らか"
                          r"|期間中|いずれにも|おそれ|要する|ただし|除|規定にかかわらず|上限|限度|ことなく|なく$|ずに$")
# Limits on the contractor's own action (deleting one frees the contractor) …
CONSTRAINT_RE = re.compile(r"範囲|のみ|限り|限る|限定|容易|直接|最小限|手段|程度|特定の")
# A concrete means or standard (確実に, 台帳で, 書面で) replaced by a vague one (適切に).
STRICT_MEANS_RE = re.compile(r"確実|完全|必ず|常に|台帳|書面|物理的|暗号|直ちに|一切|全て|最小限")
VAGUE_MEANS_RE = re.compile(r"適切|適正|相当|適宜|可能な|必要な|必要と認め|認められる|合理的な(方法|範囲|措置)|口頭")
# … and limits on the object protected (deleting one protects more information).
OBJECT_SCOPE_RE = re.compile(r"提供を受け|引き渡され|から受領|のうち|に関するもの|記録され|記録さ$|記載され|保存され")
# Universal words: deleting one narrows twice as much as an ordinary word.
# (「全部又は一部」 reaches any part of the work: its 一部 is universal too.)
UNIVERSAL_RE = re.compile(r"一切|全て|すべて|あらゆる|いかなる|全部|一部")
RESTRICTIVE_RE = re.compile(r"^[^。、]{0,12}?(に限定|に限る|に限り|のみ|を除き|以外)")
# A step towards 甲 that must come first: 「あらかじめ…を甲に通知した上で」「甲の承諾を得た上で」.
PRIOR_STEP_RE = re.compile(r"甲(?:に|へ|に対し|の)[^、。]{0,24}?(?:通知|報告|届け出|届出|提出|承諾を得|同意を得|許可を得"
                           r"|確認を受け)(?:し)?た?(?:上で|の上)$")
# Procedural words that add a duty (a form, a report, a deadline): content, never a limit.
INTENSIFIER_RE = re.compile(
    r"速やか|直ちに|遅滞なく|あらかじめ|事前|確実|完全|必ず|常に|少なくとも|定期的|一切|全て|すべて"
    r"|書面|様式|以内|までに|前に|提出|届|証明|立会|記録|暗号|連帯")
TIME_WORD_RE = re.compile(r"^(あらかじめ|速やかに|直ちに|遅滞なく|事前に|ただちに|すみやかに)$")
PRONOUN_RE = re.compile(r"(その|これ|それ|当該|同)(の|を|に|は|が)?")
AT_LEAST_RE = re.compile(r"\d+回以上")
EQUIVALENT_RE = re.compile(r"同等以上|同等程度以上|同等の水準以上")
DISCRETION_RE = re.compile(r"乙(が|の)[^、。甲]{0,10}(認め|判断|指定|選定|選択|決定)")  # 乙が指定する場所
TIME_POINT_RE = re.compile(r"(完了|終了|満了|解除|発生)時")
# A right given to the contractor: 乙は、…を拒むことができる / …を要しない.
CONTRACTOR_RIGHT_RE = re.compile(r"乙は[^。]*(ことができる|拒む|拒否|要しない|妨げない|免れる)")
# Verbs that turn a duty to do into a duty to ask, tell or take note (no 努める needed).
SOFT_DUTY_RE = re.compile(r"よう(に)?[^、。]{0,12}(求め|依頼|要請|働きかけ|促|指導|努め|配慮|伝え)"
                          r"|周知|注意し|参考として|参考に|検討する|検討し")  # 公表を検討するものとする
# 「…しないこと。」 ends a prohibition in the list style of 特記事項.
STRONG_CONTROL_RE = re.compile(r"承諾|承認|同意|許可|限定|に限(?:る|らなければ|ること)|指示|算定"
                               r"|[てで]はならな|[てで]はならず|ないものとする"
                               r"|ないこと(?=[。」）)]|$)")
PROHIBITION_RE = re.compile(r"[てで]はならな|[てで]はならず|ないものとする|ないこと(?=[。」）)]|$)")
EXCEPTION_KEEP_RE = re.compile(r"この限りでない|を除き|を除いて|を除く|除き")
XREF_COUNT_RE = re.compile(r"前([0-9]*)項")
DEFINITION_RE = re.compile(r"[^、。]*?と定義する")
# Markers that open an exception inside a reference sentence.
EXCEPTION_CORE_RE = re.compile(r"ただし|この限りでない|を除き|を除いて|を除く|除き|可能な限り|原則として|必要に応じ")
FUNCTION_POS = {"助詞", "補助記号", "空白", "接頭辞"}


# ------------------------------------------------------------------ entry point


class Terms(NamedTuple):
    """Defined terms (以下「作業場所」という), in comparison form: those of the reference
    set and those the draft defines itself."""

    reference: frozenset[str] = frozenset()
    draft: frozenset[str] = frozenset()


NO_TERMS = Terms()


def judge(clause: RefClause, draft_text: str, draft_items: list[str], parties: Parties,
          polarity: int = 1, terms: Terms = NO_TERMS) -> Verdict:
    """Verdict for a reference clause against the draft paragraph(s) aligned to it.

    `draft_text` is the draft paragraph's own sentences, `draft_items` its item texts
    (all depths, in order). `polarity` is −1 for a clause that is itself an exclusion
    or a concession to 乙 (the reference data says which). `terms`: see `_term_replaced`.
    """
    ref_items = [it.text for it in clause.walk_items()]
    if ref_items and not draft_items:
        # The draft folded the items into running text: compare everything at once.
        ref_main, ref_items = clause.text + "".join(ref_items), []
        draft_main = ITEM_LABEL_RE.sub(r"\1", draft_text)
    else:
        ref_main, draft_main = clause.text, draft_text
    ref_all = canon(clause.text + "".join(it.text for it in clause.walk_items()), keep_punct=True)
    draft_all = canon(draft_text + "".join(draft_items), parties, keep_punct=True)
    ref_x = canon(clause.text + "".join(it.text for it in clause.walk_items()), keep_punct=True, keep_xref=True)
    draft_x = canon(draft_text + "".join(draft_items), parties, keep_punct=True, keep_xref=True)
    if _plain(ref_all) == _plain(draft_all):
        # identical but for cross-references: renumbering is editorial, pointing at fewer is not
        xref = _xref_scope(ref_x, draft_x, polarity)
        return Verdict(decide(xref), xref)
    reasons = detect_whole_clause(ref_x, draft_x, polarity)
    reasons += analyse_edits(ref_main, draft_main, polarity, parties)
    reasons += compare_items(ref_items, draft_items, parties, polarity)
    reasons = sorted(_dedupe(reasons), key=lambda r: -EFFECT_RANK[r.effect])  # weakening first
    if all(_small_paraphrase(r) and not _word_of_the_clause(r, ref_all) for r in reasons):
        # nothing but short swaps (or nothing the edit rules name): wording, unless one of
        # them replaces a defined term, which then explains the clause on its own
        term = _term_replaced(ref_all, draft_all, terms)
        if term is None:
            return Verdict("ok")
        reasons = [r for r in reasons if term.ref_words not in _plain(r.ref_words)] + [term]
    return Verdict(decide(reasons), reasons)


PARAPHRASE_CHARS = 6  # a word or two swapped, with no signal any rule recognises


def _small_paraphrase(reason: Reason) -> bool:
    """A short word swap (のっとり → 沿って, 構築し → 確立し) that no rule recognised: at this
    size, with no number involved, it is wording, not a change of content."""
    words = _plain(reason.ref_words) + _plain(reason.draft_words)
    # Numbers, parties, range words and the characters of antonyms (国内/国外, 前/後, 有/無,
    # 可/不可, 許可/禁止) are never mere wording.
    either_both = re.search(r"又は|若しくは", reason.ref_words) and re.search(r"及び|並びに", reason.draft_words) \
        or re.search(r"及び|並びに", reason.ref_words) and re.search(r"又は|若しくは", reason.draft_words) \
        or len(re.findall(r"又は|若しくは", reason.ref_words)) != len(re.findall(r"又は|若しくは", reason.draft_words))
    return reason.rule == "content.changed" and not either_both and not re.search(
        r"[0-9０-９甲乙内外前後無不非未禁許否]|以上|以下|以内|未満|超え|まで|毎", words) \
        and len(_plain(reason.ref_words)) <= PARAPHRASE_CHARS and len(_plain(reason.draft_words)) <= PARAPHRASE_CHARS


def _term_replaced(ref: str, draft: str, terms: Terms) -> Reason | None:
    """The draft uses a term the reference defines (作業場所, 業務従事者) fewer or more times
    than the clause does: 作業場所 → 事業所 (or 事業所 → 作業場所) is then a different
    place, never a word or two of wording, however short. The one exception is a draft
    that does not define the term but uses a term of its own here (以下「取扱場所」という):
    it may have renamed it."""
    own = [t for t in terms.draft - terms.reference if t in draft]
    for term in sorted(terms.reference, key=len, reverse=True):
        if ref.count(term) > draft.count(term) and (term in terms.draft or not own):
            counterpart = _counterpart(ref, draft, term)
            if PRONOUN_RE.fullmatch(_plain(counterpart)):
                continue  # 当該パソコン等を → これを: the term, by a pronoun
            return _make("term.replaced", term, counterpart)
        if draft.count(term) > ref.count(term):
            return _make("term.replaced", _counterpart(draft, ref, term), term)
    return None


def _counterpart(ref: str, draft: str, term: str) -> str:
    """The draft's words where the reference has `term` (its first occurrence the draft
    changed), found by mapping the term's ends through a character diff."""
    blocks = difflib.SequenceMatcher(None, ref, draft, autojunk=False).get_opcodes()

    def at(i: int, end: bool) -> int:
        for tag, i1, i2, j1, j2 in blocks:
            if i1 <= i < i2 or (end and i == i2):
                return j1 + (i - i1) if tag == "equal" else (j2 if end else j1)
        return len(draft)

    start = ref.find(term)
    while start >= 0:
        words = draft[at(start, False):at(start + len(term), True)]
        if words != term:
            return words
        start = ref.find(term, start + 1)
    return ""


def _word_of_the_clause(reason: Reason, ref_all: str) -> bool:
    """A word swapped for another word the reference clause already uses for something else
    (複写し、又は複製し → 複写し、又は複写し): two listed things made one, not wording."""
    old, words = _plain(reason.ref_words), _plain(reason.draft_words)
    return bool(_KANJI_WORD_RE.fullmatch(old) and _KANJI_WORD_RE.fullmatch(words)) and words in _plain(ref_all)


_KANJI_WORD_RE = re.compile(r"[一-龥]{2,}")


def _plain(text: str) -> str:
    return re.sub(r"[、。，．,.・「」『』()（）\s]", "", text)


def _dedupe(reasons: list[Reason]) -> list[Reason]:
    seen, out = set(), []
    for r in reasons:
        key = (r.rule, r.ref_words, r.draft_words)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


# ------------------------------------------------------------------ layer 1: detectors


def detect_whole_clause(ref: str, draft: str, polarity: int) -> list[Reason]:
    out: list[Reason] = []
    for detector in (_modality, _soft_duty, _deadline, _minimum, _survival, _approval, _oversight, _delivery,
                     _care, _liability, _xref_scope):
        out.extend(detector(ref, draft, polarity))
    return out


def _modal_levels(text: str) -> list[tuple[int, str]]:
    return [(MODAL_LEVEL.get(m.group(0), 3), m.group(0)) for m in MODAL_RE.finditer(text)]


def _modality(ref: str, draft: str, polarity: int) -> list[Reason]:
    rl, dl = _modal_levels(ref), _modal_levels(draft)
    if not rl or not dl:
        return []
    r_sorted, d_sorted = sorted(rl), sorted(dl)
    lowered = d_sorted[0][0] < r_sorted[0][0] or (
        len(rl) == len(dl) and any(d[0] < r[0] for r, d in zip(r_sorted, d_sorted)))
    raised = len(rl) == len(dl) and any(d[0] > r[0] for r, d in zip(r_sorted, d_sorted))
    if lowered:
        r_word = next((r[1] for r in r_sorted if r[1] not in {d[1] for d in dl}), r_sorted[0][1])
        d_word = d_sorted[0][1]
        return [_make("modality.softened" if polarity > 0 else "modality.strengthened", r_word, d_word)]
    if raised:
        r_word = r_sorted[0][1]
        d_word = next((d[1] for d in d_sorted if d[1] not in {r[1] for r in rl}), d_sorted[-1][1])
        return [_make("modality.strengthened" if polarity > 0 else "modality.softened", r_word, d_word)]
    return []


def _urgency(text: str) -> tuple[int, str]:
    best = (0, "")
    for word, rank in URGENT.items():
        if word in text and rank > best[0]:
            best = (rank, word)
    return best


def _deadline_days(text: str) -> list[int]:
    return [int(n) * UNIT_DAYS[u] for n, u in DEADLINE_RE.findall(text)]


def _deadline(ref: str, draft: str, polarity: int) -> list[Reason]:
    out = []
    (r_rank, r_word), (d_rank, d_word) = _urgency(ref), _urgency(draft)
    r_days, d_days = _deadline_days(ref), _deadline_days(draft)
    if r_rank and d_rank < r_rank and not (d_days and not r_days and min(d_days) <= 1):
        out.append(_make("deadline.loosened", r_word, d_word or _new_words(draft, ref, 12)))
    elif d_rank > r_rank and r_rank:
        out.append(_make("deadline.tightened", r_word, d_word))
    if r_days and d_days and max(d_days) > max(r_days):
        out.append(_make("deadline.loosened", _m(DEADLINE_RE, ref), _m(DEADLINE_RE, draft)))
    elif r_days and d_days and max(d_days) < max(r_days):
        out.append(_make("deadline.tightened", _m(DEADLINE_RE, ref), _m(DEADLINE_RE, draft)))
    point = TIME_POINT_RE.search(ref)
    if point and not TIME_POINT_RE.search(draft) and re.search(point.group(1) + "後", draft) \
            and not _urgency(draft)[0]:
        # 完了時 → 完了後N日以内 / 完了後、協議の上定める時期
        later = re.search(point.group(1) + r"後[^、。]{0,16}", draft)
        out.append(_make("deadline.loosened", point.group(0), later.group(0) if later else ""))
    # (a 事前に inside an exception the draft deleted went with the exception)
    prior = _outside_exceptions(PRIOR_RE, ref)
    if prior and not PRIOR_RE.search(draft):
        out.append(_make("deadline.loosened", prior[0], ""))
    out.extend(_act_moved_after(ref, draft))
    out.extend(_trigger_delayed(ref, draft))
    return out


# An event as it happens (漏えい等があった場合) and the same event only once confirmed.
EVENT_RE = re.compile(r"(?:があった|が発生した|が生じた|のおそれがある)(?:場合|とき)")
CONFIRMED_RE = re.compile(r"[^、。]{0,8}(?:確定|確認され)(?:した|た)?(?:場合|とき|後)")


def _trigger_delayed(ref: str, draft: str) -> list[Reason]:
    """「漏えい等があった場合は、…速やかに報告し」 → 「漏えい等が確定した場合は」: the duty now
    waits until the event is confirmed, so a suspected leak goes unreported meanwhile."""
    event = EVENT_RE.search(ref)
    if not event or CONFIRMED_RE.search(ref) or EVENT_RE.search(draft):
        return []
    later = CONFIRMED_RE.search(draft)
    return [_make("deadline.loosened", event.group(0), later.group(0))] if later else []


# A duty tied to the time before or of an act: 「変更しようとするとき」「取得するときは」.
ACT_BEFORE_RE = re.compile(r"([一-龥々]{2,})(?:しようとする|する)(?:とき|場合)")


def _act_moved_after(ref: str, draft: str) -> list[Reason]:
    """「変更しようとするときも、同様とする」 → 「変更したときも、同様とする」: the same act, now
    in the past (した, があった, 後), so the duty follows the act instead of coming before it
    — a prior notice becomes a report after the fact. The past tense alone is grammar to
    the word diff, so this compares the two texts as wholes."""
    out = []
    for m in ACT_BEFORE_RE.finditer(ref):
        act = re.escape(m.group(1))
        if re.search(act + r"(?:しようとする|する)(?:とき|場合)", draft):
            continue
        after = re.search(act + r"(?:した|が(?:あった|生じた)|の?後)(?:とき|場合|[はに、])?", draft)
        if after:
            out.append(_make("deadline.loosened", m.group(0), after.group(0)))
    return out


def _m(rx: re.Pattern, text: str) -> str:
    m = rx.search(text)
    return m.group(0) if m else ""


def _new_words(draft: str, ref: str, width: int) -> str:
    sm = difflib.SequenceMatcher(None, ref, draft, autojunk=False)
    for op, _i1, _i2, j1, j2 in sm.get_opcodes():
        if op in ("insert", "replace") and j2 - j1 >= 2:
            return draft[j1:j2][:width]
    return ""


# A cap on how often 甲 may act: 年1回に限り, 2回まで
COUNT_CAP_RE = re.compile(r"(?:年|月|週)?\d+回(?:に限り|に限る|まで|を限度|を上限)")


def _minimum(ref: str, draft: str, polarity: int) -> list[Reason]:
    out = []
    r_min = [int(n) * UNIT_DAYS[u] for n, u in MINIMUM_RE.findall(ref)]
    d_min = [int(n) * UNIT_DAYS[u] for n, u in MINIMUM_RE.findall(draft)]
    if r_min and d_min and min(d_min) < min(r_min):
        out.append(_make("minimum.lowered", _m(MINIMUM_RE, ref), _m(MINIMUM_RE, draft)))
    elif r_min and d_min and min(d_min) > min(r_min):
        out.append(_make("minimum.raised", _m(MINIMUM_RE, ref), _m(MINIMUM_RE, draft)))
    r_freq = [int(c) * 365 / (int(n or 1) * UNIT_DAYS[u]) for n, u, c in FREQUENCY_RE.findall(ref)]
    d_freq = [int(c) * 365 / (int(n or 1) * UNIT_DAYS[u]) for n, u, c in FREQUENCY_RE.findall(draft)]
    if r_freq and (not d_freq or min(d_freq) < min(r_freq)):
        out.append(_make("minimum.lowered", _m(FREQUENCY_RE, ref), _m(FREQUENCY_RE, draft)))
    elif r_freq and d_freq and min(d_freq) > min(r_freq):
        out.append(_make("minimum.raised", _m(FREQUENCY_RE, ref), _m(FREQUENCY_RE, draft)))
    if "少なくとも" in ref and "少なくとも" not in draft and not any(r.rule == "minimum.lowered" for r in out) \
            and not AT_LEAST_RE.search(draft):  # 少なくとも１年に１回 = １年に１回以上
        out.append(_make("minimum.lowered", "少なくとも", ""))
    if EQUIVALENT_RE.search(ref) and not EQUIVALENT_RE.search(draft):
        # 暗号化処理又はこれと同等以上の保護措置: the floor is gone, whatever replaces it
        out.append(_make("minimum.lowered", _m(EQUIVALENT_RE, ref), ""))
    if polarity > 0 and COUNT_CAP_RE.search(draft) and not COUNT_CAP_RE.search(ref):
        out.append(_make("scope.narrowed", "", _m(COUNT_CAP_RE, draft)))
    return out


def _survival(ref: str, draft: str, polarity: int) -> list[Reason]:
    if SURVIVAL_RE.search(ref) and not SURVIVAL_RE.search(draft):
        return [_make("survival.dropped", _m(SURVIVAL_RE, ref), "")]
    limited = re.search(r"後\d+(年|月|日|週間)間?(は|に限り|を経過)", draft)
    if SURVIVAL_RE.search(ref) and limited and not re.search(r"後\d+(年|月|日)", ref):
        return [_make("survival.dropped", _m(SURVIVAL_RE, ref), limited.group(0))]
    # a duty with no end (or one borrowed from another article: 第２条に準ずる) given a term
    # that runs out after the contract: 「終了後１年間とする」
    term = re.search(r"(終了|解除|完了|満了)(し?た)?後\d+(年|月|日|週間)間?(は|に限り|を経過|とする|まで)", draft)
    if polarity > 0 and term and not re.search(r"\d+(年|月|日|週間)", ref):
        return [_make("survival.dropped", "", term.group(0))]
    return []


def _outside_exceptions(rx: re.Pattern, text: str) -> list[str]:
    spans = exception_spans(text)
    return [m.group(0) for m in rx.finditer(text)
            if not any(s <= m.start() < e for s, e in spans)]


OTSU_CONSENT_RE = re.compile(r"乙(?:の|が)(?:同意|承諾|承認|許可)")
# 甲 deciding alone (the amount, the instruction, what is needed)
KOU_CHOICE_RE = re.compile(r"甲(?:が|の)(?:指定|定め|承認|承諾|指示)(?:する|た|した|る)?(?:の)?")
DUTY_RE = re.compile(r"なければならない|なければならず")
UNILATERAL_RE = re.compile(r"甲の(?:算定|指示|判断|決定|定める)|甲が(?:定め|指定|認め|算定|判断)")


def _approval(ref: str, draft: str, polarity: int) -> list[Reason]:
    """An approval, a restriction or a prohibition of the duty itself (not of an
    exception to it) replaced by a notice, a consultation or nothing; 甲's right made
    subject to 乙's consent, or 甲's own decision to a consultation with 乙."""
    if polarity > 0 and len(OTSU_CONSENT_RE.findall(draft)) > len(OTSU_CONSENT_RE.findall(ref)):
        return [_make("exception.added", "", _m(OTSU_CONSENT_RE, draft))]  # 乙の同意を得て、監査…
    r_alone, d_alone = UNILATERAL_RE.findall(ref), UNILATERAL_RE.findall(draft)
    if polarity > 0 and draft.count("協議") > ref.count("協議") and len(d_alone) < len(r_alone):
        lost = next(w for w in r_alone if r_alone.count(w) > d_alone.count(w))
        return [_make("approval.downgraded", lost, "協議")]  # 甲の算定 → 甲乙協議の上算定
    if polarity > 0 and draft.count("協議") > ref.count("協議") and len(DUTY_RE.findall(draft)) < len(DUTY_RE.findall(ref)):
        # これに応じなければならない → 甲乙協議の上、その可否を決定する: a duty become a talk
        return [_make("approval.downgraded", _m(DUTY_RE, ref), "協議")]
    if len(EXCEPTION_KEEP_RE.findall(draft)) >= len(EXCEPTION_KEEP_RE.findall(ref)):
        # the exceptions are still there: an approval inside one is its protective part
        r_ctl, d_ctl = STRONG_CONTROL_RE.findall(ref), STRONG_CONTROL_RE.findall(draft)
    else:
        r_ctl = _outside_exceptions(STRONG_CONTROL_RE, ref)
        d_ctl = _outside_exceptions(STRONG_CONTROL_RE, draft)
    if len(d_ctl) > len(r_ctl) and polarity > 0 and not PROHIBITION_RE.search("".join(d_ctl)):
        gained = next((w for w in d_ctl if d_ctl.count(w) > r_ctl.count(w)), d_ctl[0])
        return [_make("content.added", "", gained)]  # an approval or restriction added: stricter
    if len(d_ctl) >= len(r_ctl) or polarity < 0:
        return []
    lost = next((w for w in r_ctl if r_ctl.count(w) > d_ctl.count(w)), r_ctl[0])
    if _other_alternative_kept(lost, ref, d_ctl):
        return []  # 甲の指示又は承諾を得たとき → 甲の書面による承諾を得たとき: fewer ways out
    new_weak = [w for w in WEAK_CONTROL_RE.findall(draft) if w not in WEAK_CONTROL_RE.findall(ref)]
    name = "negation.flipped" if PROHIBITION_RE.search(lost) else "approval.downgraded"
    return [_make(name, lost, new_weak[0] if new_weak else "")]


def _soft_duty(ref: str, draft: str, polarity: int) -> list[Reason]:
    r_words = [m.group(0) for m in SOFT_DUTY_RE.finditer(ref)]
    added = [w for w in (m.group(0) for m in SOFT_DUTY_RE.finditer(draft))
             if w not in r_words and _new_soft_verb(w, ref, draft)]
    if added:
        return [_make("modality.softened" if polarity > 0 else "modality.strengthened", "", added[0])]
    return []


def _new_soft_verb(words: str, ref: str, draft: str) -> bool:
    """公表に努め → 公表するよう努め is the same effort duty said with a verb: the soft verb
    is new only when the draft uses it more often than the reference."""
    verb = re.search(r"(求め|依頼|要請|働きかけ|促|指導|努め|配慮|伝え|検討)(する|し)?$", words)
    return verb is None or draft.count(verb.group(1)) > ref.count(verb.group(1))


_CONTROL_PAIR_RE = re.compile(rf"({STRONG_CONTROL_RE.pattern})(?:又は|若しくは|・|、)({STRONG_CONTROL_RE.pattern})")


def _other_alternative_kept(lost: str, ref: str, kept: list[str]) -> bool:
    """`lost` was one of two alternatives (指示又は承諾) and the other one is still there."""
    for m in _CONTROL_PAIR_RE.finditer(ref):
        pair = (m.group(1), m.group(2))
        if lost in pair and pair[1 - pair.index(lost)] in kept:
            return True
    return False


def _xref_scope(ref: str, draft: str, polarity: int) -> list[Reason]:
    """前２項 → 前項 refers to fewer paragraphs (a renumbering only ever adds)."""
    r = [int(n or 1) for n in XREF_COUNT_RE.findall(ref)]
    d = [int(n or 1) for n in XREF_COUNT_RE.findall(draft)]
    if r and d and len(r) == len(d) and sum(d) < sum(r):
        return [_make("scope.narrowed", _m(XREF_COUNT_RE, ref), _m(XREF_COUNT_RE, draft))]
    narrowed = re.compile(r"(前\d*項|第\d+項)第\d+号")
    if narrowed.search(draft) and not narrowed.search(ref):
        return [_make("scope.narrowed", "", _m(narrowed, draft))]
    return []


def _oversight(ref: str, draft: str, polarity: int) -> list[Reason]:
    if ONSITE_RE.search(ref) and not ONSITE_RE.search(draft) and PAPER_RE.search(draft):
        return [_make("oversight.downgraded", _m(ONSITE_RE, ref), _m(PAPER_RE, draft))]
    if "証明書" in ref and "証明書" not in draft and not re.search(r"証明する(書類|書面|文書)", draft):
        return [_make("oversight.downgraded", "証明書", _m(PAPER_RE, draft))]
    return []


# 甲 alone or first of several recipients joined by 及び (甲及び個人情報保護委員会に報告): still
# handed to 甲. (又は would make 甲 one choice among others, which this does not accept.)
DELIVERY_RE = re.compile(r"甲(?:(?:及び|並びに)[^、。にへを又]{1,20}?)?(に|へ|に対し)[^。]{0,12}?"
                         r"(提出|報告|届け出|届出|通知|交付|返還|返却|提示)")


def _delivery(ref: str, draft: str, polarity: int) -> list[Reason]:
    """Something 乙 had to hand to 甲 (a certificate, a report) is no longer handed over."""
    r, d = DELIVERY_RE.findall(ref), DELIVERY_RE.findall(draft)
    upgraded = len(STRONG_CONTROL_RE.findall(draft)) > len(STRONG_CONTROL_RE.findall(ref))  # 報告 → 承認
    if polarity > 0 and len(d) < len(r) and not upgraded:
        return [_make("oversight.downgraded", _m(DELIVERY_RE, ref), "")]
    return []


def _care(ref: str, draft: str, polarity: int) -> list[Reason]:
    if CARE_RE.search(ref) and not CARE_RE.search(draft):
        return [_make("care.lowered", _m(CARE_RE, ref), _new_words(draft, ref, 20))]
    return []


def _liability(ref: str, draft: str, polarity: int) -> list[Reason]:
    added = [w for w in LIABILITY_LIMIT_RE.findall(draft) if w not in LIABILITY_LIMIT_RE.findall(ref)]
    if added and polarity > 0:
        return [_make("liability.limited", "", added[0])]
    return []


# ------------------------------------------------------------------ layer 2: edits and polarity


@dataclass
class Edit:
    ref_tokens: list[Token]
    draft_tokens: list[Token]
    ref_start: int  # character offset in the (normalised) reference text where the edit sits
    ref_end: int = -1  # character offset just after the edit's last reference token
    draft_start: int = 0
    draft_end: int = 0

    @property
    def ref_words(self) -> str:
        return "".join(t.surface for t in self.ref_tokens)

    @property
    def draft_words(self) -> str:
        return "".join(t.surface for t in self.draft_tokens)


@functools.lru_cache(maxsize=1024)
def _offsets(text: str) -> tuple[tuple[tuple[Token, int, int], ...], tuple[str, ...]]:
    """The tokens of `text` but punctuation, with their character spans, and their normal
    forms. Cached: the reference side is the same text for every draft."""
    spans = tuple((t, t.start, t.start + len(t.surface)) for t in tokens(text) if not t.is_punct)
    return spans, tuple(t.norm for t, _, _ in spans)


def word_edits(ref: str, draft: str) -> list[Edit]:
    """Token-level diff on normalised forms, punctuation ignored, neighbours merged."""
    rt, ref_norms = _offsets(ref)
    dt, draft_norms = _offsets(draft)
    sm = difflib.SequenceMatcher(None, ref_norms, draft_norms, autojunk=False)
    edits: list[Edit] = []
    last_i2 = last_j2 = -10
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        start = rt[i1][1] if i1 < len(rt) else len(ref)
        stop = rt[i2 - 1][2] if i2 > i1 else start
        d_start = dt[j1][1] if j1 < len(dt) else len(draft)
        d_stop = dt[j2 - 1][2] if j2 > j1 else d_start
        if edits and i1 - last_i2 <= 1 and j1 - last_j2 <= 1:
            prev = edits[-1]  # a one-token gap: one edit, not two
            prev.ref_tokens += [t for t, _, _ in rt[last_i2:i2]]
            prev.draft_tokens += [t for t, _, _ in dt[last_j2:j2]]
            prev.ref_end = max(prev.ref_end, stop)
            prev.draft_end = max(prev.draft_end, d_stop)
        else:
            edits.append(Edit([t for t, _, _ in rt[i1:i2]], [t for t, _, _ in dt[j1:j2]],
                              start, stop, d_start, d_stop))
        last_i2, last_j2 = i2, j2
    return [e for e in edits if not _editorial(e) and not _imperative_restated(e, ref, draft)
            and not _example_added(e, draft) and not _shared_head(e, draft) and not _referent_named(e, draft)]


def _referent_named(edit: Edit, draft: str) -> bool:
    """「…甲に速やかに報告し、その指示に従わなければならない」 → 「…甲の指示に…」: その replaced
    by the party it pointed back to, the one named last before it in the same sentence."""
    if [t.norm for t in edit.ref_tokens] != ["其の"]:
        return False
    named = [t.norm for t in edit.draft_tokens]
    if len(named) != 2 or named[0] not in ("甲", "乙") or named[1] != "の":
        return False
    before = draft[draft.rfind("。", 0, edit.draft_start) + 1:edit.draft_start]
    nearest = max(before.rfind("甲"), before.rfind("乙"))
    return nearest >= 0 and before[nearest] == named[0]  # the party named last, not just any


_COORDINATOR_RE = re.compile(r"[、，]?(又は|若しくは|及び|並びに)")


def _shared_head(edit: Edit, draft: str) -> bool:
    """「意見を述べる機会又は意見書を提出する機会」 → 「意見を述べ、又は意見書を提出する機会」:
    the word dropped before 又は / 及び is the head both conjuncts share, and it is still
    written once after the second one, in the same sentence."""
    if edit.draft_tokens or not _COORDINATOR_RE.match(draft, edit.draft_end):
        return False
    dropped = [t.norm for t in edit.ref_tokens if not _grammatical(t)]
    sentence_rest = draft[edit.draft_end:].split("。", 1)[0]
    return bool(dropped) and all(word in sentence_rest for word in dropped)


# What follows an added example up to the list's 「その他(の)」: more examples, nothing else.
_REST_OF_EXAMPLES_RE = re.compile(r"[、・]?(?:[^、。をにはがでとへもや]{1,20}[、・])*[^、。をにはがでとへもや]{0,20}その他")


def _example_added(edit: Edit, draft: str) -> bool:
    """「特許権、商標権その他の知的財産権」 → 「特許権、実用新案権、商標権その他の…」: one more
    example in a list that ends in その他(の) names something the general term already
    covers, so the scope is the same. Only nouns added; deleting an example is not this."""
    if edit.ref_tokens or not edit.draft_tokens:
        return False
    if not all(t.pos in ("名詞", "接尾辞", "補助記号") for t in edit.draft_tokens):
        return False
    return bool(_REST_OF_EXAMPLES_RE.match(draft, edit.draft_end))




def _grammatical(t: Token) -> bool:
    return t.pos in FUNCTION_POS or (t.pos == "助動詞" and t.norm not in MEANINGFUL_AUX)


# How a sentence ends when it binds: a duty (…しなければならない / …するものとする / the
# list style …すること。) or a prohibition (…してはならない / …しないものとする / …しないこと。).
_BAN_END_RE = re.compile(r"([てで]はならない|ないものとする|ないこと)$")
_DUTY_END_RE = re.compile(r"(なければならない|ものとする|こととする|こと)$")


def _binding_end(words: str) -> tuple[str, str] | None:
    """("ban" | "duty", what precedes the ending) when `words` ends a binding sentence."""
    for kind, rx in (("ban", _BAN_END_RE), ("duty", _DUTY_END_RE)):
        m = rx.search(words)
        if m:
            return kind, words[:m.start()]
    return None


def _ends_sentence(text: str, pos: int) -> bool:
    """Position `pos` of `text` is the end of a sentence (before 。, a closing bracket and
    。, or the end of the text)."""
    rest = text[pos:pos + 2]
    return rest[:1] in ("。", "") or (rest[:1] in ("」", "）", ")") and rest[1:] in ("。", ""))


def _imperative_restated(edit: Edit, ref: str, draft: str) -> bool:
    """「講じなければならない。」 ↔ 「講じること。」, 「使用してはならない。」 ↔ 「使用しないこと。」:
    the same duty or prohibition in the list style of 特記事項, at the end of a sentence,
    with nothing but conjugation (kana) changed around it."""
    if not (_ends_sentence(ref, edit.ref_end) and _ends_sentence(draft, edit.draft_end)):
        return False
    r, d = _binding_end(edit.ref_words), _binding_end(edit.draft_words)
    return bool(r and d and r[0] == d[0] and not re.sub(r"[ぁ-ん]", "", r[1] + d[1]))


DISJUNCTIONS = {"又は", "又", "若しくは", "或いは"}  # Sudachi splits 又は into 又 + は
CONJUNCTIONS = {"及び", "並びに"}


def _logic_swapped(edit: Edit) -> bool:
    """又は/若しくは (either) became 及び/並びに (both): 「施錠若しくは入退室管理の可能な」 →
    「施錠及び入退室管理の可能な」 asks for both. Only this direction: inside a negation
    (漏えい、毀損及び滅失…することのないよう → …又は滅失…) 及び → 又は says the same, and telling
    that scope from a duty list is not done yet. (又は ↔ 若しくは and 及び ↔ 並びに only follow
    the nesting of the list: editorial.)"""
    r = {t.norm for t in edit.ref_tokens}
    d = {t.norm for t in edit.draft_tokens}
    return bool(r & DISJUNCTIONS and d & CONJUNCTIONS and not d & DISJUNCTIONS)


def _editorial(edit: Edit) -> bool:
    if _logic_swapped(edit):
        return False
    toks = edit.ref_tokens + edit.draft_tokens
    if all(_grammatical(t) or t.norm in EDITORIAL_NORMS for t in toks):
        return True
    rl, dl = _modal_levels(edit.ref_words), _modal_levels(edit.draft_words)
    if rl and dl and sorted(x[0] for x in rl) == sorted(x[0] for x in dl):
        rest = MODAL_RE.sub("", edit.ref_words) + MODAL_RE.sub("", edit.draft_words)
        if not re.sub(r"[ぁ-ん]", "", rest):
            return True  # 講じなければならない / 講ずるものとする: the same binding duty
    # the same words in another order or split differently
    return Counter(_content(edit.ref_tokens)) == Counter(_content(edit.draft_tokens))


# Words that carry grammar, not content: light verbs, formal nouns, demonstratives and
# the verbs of compound particles (における, による, に係る, に関する, に対し, に当たり,
# について, とともに). A change made only of these is editorial.
LIGHT_NORMS = {"為る", "ため", "為", "こと", "もの", "上", "際", "よう", "的", "等", "及び", "並びに", "当該",
               "其の", "此の", "有る", "実施", "行う", "おく", "よる", "とも", "掛かる", "関する", "当たる",
               "対する", "つく", "又は", "又", "若しくは", "など", "並び"}
EDITORIAL_NORMS = LIGHT_NORMS | {"〓"}
# Auxiliary verbs that carry meaning (negation); the others (passive れる, past た …) are grammar.
MEANINGFUL_AUX = {"ない", "ぬ", "ず", "べし", "まい", "せる", "させる"}


@functools.lru_cache(maxsize=1024)
def _content_counts(text: str) -> Counter:
    """Counter of `_content` over all of `text` (cached: the reference side repeats; never
    mutate the result)."""
    return Counter(_content(tokens(text)))


@functools.lru_cache(maxsize=1024)
def _logic_counts(text: str) -> tuple[bool, bool]:
    """Whether `text` has 「either」 (又は, 若しくは) and 「both」 (及び, 並びに) words (how many
    follows how a list is split into verbs: 返還、廃棄又は消去 / 返還し、又は廃棄し、若しくは消去し)."""
    norms = {t.norm for t in tokens(text)}
    return bool(norms & DISJUNCTIONS), bool(norms & CONJUNCTIONS)


def _content(toks) -> list[str]:
    """Characters of the content words: what a reordering or re-segmentation keeps."""
    return [c for t in toks if not _grammatical(t) and t.norm not in LIGHT_NORMS for c in t.norm]


@functools.lru_cache(maxsize=2048)  # asked of the same reference clauses for every draft
def definition_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Parentheticals that define what is protected (「…もの」, 「…をいう。」, nested
    or not), and 「…と定義する」 sentences."""
    spans, stack = [], []
    for pos, ch in enumerate(text):
        if ch in "(（":
            stack.append(pos)
        elif ch in ")）" and stack:
            start = stack.pop()
            inner = text[start + 1:pos]
            if re.search(r"(もの|をいう。?)$", inner):
                spans.append((start, pos + 1))
    spans += [(m.start(), m.end()) for m in DEFINITION_RE.finditer(text)]
    return tuple(spans)


@functools.lru_cache(maxsize=2048)  # asked of the same reference clauses for every draft
def term_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The words a term stands for: 「…を取り扱う場所（以下「作業場所」という。）」."""
    spans = []
    for m in TERM_DEFINITION_RE.finditer(text):
        start = max(text.rfind(c, 0, m.start()) for c in "、。)）") + 1
        spans.append((max(start, m.start() - 40), m.start()))
    return tuple(spans)


@functools.lru_cache(maxsize=2048)  # asked of the same reference clauses for every draft
def exception_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the reference text that are exceptions to its duty."""
    spans = []
    for m in re.finditer(r"ただし[^。]*。?", text):
        spans.append((m.start(), m.end()))
    for m in re.finditer(r"(を除き|を除いて|を除く|除き)", text):
        start = max(text.rfind("、", 0, m.start()), text.rfind("。", 0, m.start()), -1) + 1
        spans.append((start, m.end()))
    for m in re.finditer(r"可能な限り|原則として|必要に応じて?|必要があると認めるときは", text):
        spans.append((m.start(), m.end()))
    return tuple(spans)


def span_kind(words: str) -> str:
    """softener | constraint | object | condition | content: judged on a short span, or
    on how a long span ends (「…場合は」 is a condition however long)."""
    probe = words if len(words) <= 20 else words[-8:]
    if words.startswith(("ただし", "但し")):
        return "condition"  # a proviso carves something out of the main rule
    if SOFTENER_RE.search(words if len(words) <= 30 else probe):
        return "softener"
    if len(words) > 8 and re.search(r"(とする|ならない|できる|こと|する)$", words):
        return "content"  # a whole sentence: a duty of its own
    if OBJECT_SCOPE_RE.search(probe):
        return "object"
    if CONSTRAINT_RE.search(probe):
        return "constraint"
    if len(words) <= 12 and re.search(r"(により|によって)$", words) and INTENSIFIER_RE.search(words):
        return "content"  # a required form (書面により): a duty of its own, not a trigger
    if PRIOR_STEP_RE.search(words):
        return "content"  # 乙 must first tell 甲 or get 甲's consent: a duty of its own
    if re.search(r"(により|によって|において|場合は|場合に|ときは|とき|ことなく|なく|ずに|されず|の上|上で)$", words):
        return "condition"
    if len(words) <= 12 and CONDITION_RE.search(words):
        return "condition"
    if len(words) <= 8 and re.search(r"[^しさ]して$|的に$", words) and not INTENSIFIER_RE.search(words):
        return "condition"  # an adverbial of manner (一括して, 個別に): the duty applies only that way
    if len(words) <= 12 and re.search(r"(の|な|する|した|される|された|に係る)$", words) \
            and not INTENSIFIER_RE.search(words):
        return "object"  # an adnominal modifier: 紙媒体の個人情報, 新たに配置する業務従事者
    if INTENSIFIER_RE.search(probe) and len(words) <= 20:
        return "content"
    if CONDITION_RE.search(probe):
        return "condition"
    return "content"


def _coverage(words: str, inserted: bool, in_definition: bool = False, restrictive: bool = False,
              in_exception: bool = False) -> int:
    """+1 when the edit widens what the clause (or the exception it sits in) covers,
    −1 when it narrows it."""
    kind = span_kind(words)
    if re.search(r"含む|含め", words):
        return +1 if inserted else -1  # an inclusion: (バックアップデータを含む。)
    if words.endswith("かかわらず") and "規定にかかわらず" not in words:
        return +1 if inserted else -1  # 「…にかかわらず」 makes the duty unconditional
    alternative = bool(re.search(r"又は|若しくは|その他|並びに|及び", words))
    if inserted:
        if alternative and in_exception:
            return +1  # another case in which the exception applies
        if alternative and restrictive:
            return -1  # more places / cases allowed by a restriction
        if restrictive and kind == "object":
            return +1  # fewer places allowed: 「甲が指定する」日本国内の場所に限定
        if in_definition and alternative:
            return +1
        return -1 if kind != "content" or in_definition else +1
    if in_definition:
        return -1 if kind == "content" or alternative else +1
    if kind == "content" and UNIVERSAL_RE.search(words):
        return -2
    return {"softener": +1, "condition": +1, "object": +1, "constraint": -1, "content": -1}[kind]


def analyse_edits(ref_src: str, draft_src: str, polarity: int,
                  parties: Parties = NO_PARTIES, whole_exception: bool = False) -> list[Reason]:
    """Reasons for the word-level edits between a reference text and its draft text;
    each reason quotes the words as written in the reference and in the draft."""
    rm = canon_map(ref_src, keep_punct=True)
    dm = canon_map(draft_src, parties, keep_punct=True)
    ref, draft = rm.text, dm.text
    if _plain(ref) == _plain(draft):
        return []
    if _content_counts(ref) == _content_counts(draft) and _logic_counts(ref) == _logic_counts(draft):
        return []  # the same words in another order
    spans = exception_spans(ref)
    definitions = definition_spans(ref), term_spans(ref)
    out = []
    for edit in _drop_restatements(_drop_moves(word_edits(ref, draft), ref)):
        found = _judge_edit(edit, spans, definitions, polarity, ref, whole_exception)
        ref_words = rm.source(ref_src, edit.ref_start, edit.ref_end).strip()
        draft_words = dm.source(draft_src, edit.draft_start, edit.draft_end).strip()
        for reason in found:
            if reason.ref_words == edit.ref_words:
                reason.ref_words = ref_words
            if reason.draft_words == edit.draft_words:
                reason.draft_words = draft_words
        out.extend(found)
    return out


MOVE_RESIDUE = 3  # characters of content a moved phrase may change on the way


def _drop_moves(edits: list[Edit], ref: str = "") -> list[Edit]:
    """A phrase deleted in one place and written again elsewhere (「甲の承諾があるときを
    除き、…複写し」 → 「…を、甲の承諾なく複写し」) is a move, not two changes. Words the
    moved phrase picks up from its own sentence (データ（バックアップデータを含む。）の保管場所
    → データの保管場所（バックアップデータの保管場所を含む。）) are not new."""
    dels = [e for e in edits if e.ref_tokens and not e.draft_tokens]
    inss = [e for e in edits if e.draft_tokens and not e.ref_tokens]
    moved: set[int] = set()
    for d in dels:
        dc = Counter(_content(d.ref_tokens))
        for i in inss:
            if id(i) in moved or not dc:
                continue
            ic = Counter(_content(i.draft_tokens))
            common = sum((dc & ic).values())
            residue = sum((dc - ic).values()) + sum(n for c, n in (ic - dc).items() if c not in ref)
            plain_move = residue <= MOVE_RESIDUE and _neg_count(d.ref_tokens) == _neg_count(i.draft_tokens)
            # the same exception said another way (…を除き ↔ …なく) may differ in its grammar words
            rephrased = residue <= common + MOVE_RESIDUE and _exception_like(d.ref_words) \
                and _exception_like(i.draft_words)
            if common >= 2 and (plain_move or rephrased):
                moved.update((id(d), id(i)))
                break
    return [e for e in edits if id(e) not in moved]


REWRITE_LIGHT = LIGHT_NORMS | {"係る"}  # に係る = に関する


_HIRAGANA_RE = re.compile(r"[ぁ-ゖ]")


STEM_ALIKE = {"時": "場合"}  # 完了時に = 完了したときは (ときは is canon's 場合は)


def _stems(toks: list[Token]) -> tuple[str, ...]:
    """Content words without their kana (取扱い, 取り扱う → 取扱), light verbs left out."""
    stems = (_HIRAGANA_RE.sub("", STEM_ALIKE.get(t.norm, t.norm)) for t in toks
             if not _grammatical(t) and t.norm not in REWRITE_LIGHT)
    return tuple(s for s in stems if s)


def _meaningful_aux(toks: list[Token]) -> int:
    return sum(1 for t in toks if t.norm in MEANINGFUL_AUX)


def _drop_restatements(edits: list[Edit]) -> list[Edit]:
    """The same content words in another grammatical form: a verbal noun with 行う said with
    its own verb (取扱いを適正に行う → 適正に取り扱う: a deletion and a replacement together)
    or a verb said as a noun (を取り扱う → の取扱いに係る). Nothing that names a party,
    and the negations and causatives must match."""
    if not edits:
        return edits
    sides = {id(e): (_stems(e.ref_tokens), _stems(e.draft_tokens),
                     _meaningful_aux(e.ref_tokens) - _meaningful_aux(e.draft_tokens)) for e in edits}

    def same(group: list[Edit]) -> bool:
        ref = sorted(s for e in group for s in sides[id(e)][0])
        draft = sorted(s for e in group for s in sides[id(e)][1])
        return bool(ref) and ref == draft and "甲" not in ref and "乙" not in ref \
            and sum(sides[id(e)][2] for e in group) == 0
    dropped = {id(e) for e in edits if e.ref_tokens and e.draft_tokens and same([e])}
    # 少なくとも１年に１回 → 年１回以上: the same floor said after the count
    floor_out = [e for e in edits if _plain(e.ref_words) == "少なくとも" and not e.draft_tokens]
    floor_in = [e for e in edits if _plain(e.draft_words) == "以上" and not e.ref_tokens]
    if floor_out and floor_in:
        dropped.update((id(floor_out[0]), id(floor_in[0])))
    # pairs: a word deleted (or added) with another edit that says it again
    one_sided = [e for e in edits if id(e) not in dropped and bool(e.ref_tokens) != bool(e.draft_tokens)]
    for a in one_sided:
        for b in edits:
            if b is not a and id(a) not in dropped and id(b) not in dropped and same([a, b]):
                dropped.update((id(a), id(b)))
    return [e for e in edits if id(e) not in dropped]


def _neg_count(toks: list[Token]) -> int:
    return sum(1 for t in toks if t.norm in ("ない", "無い") )


def _exception_like(words: str) -> bool:
    """「…を除き」 and 「…なく / …ないで / …ずに」 say the same thing before a prohibition."""
    return bool(re.search(r"除き|除いて|なく|ないで|ずに|限り", words))


def _whole_parenthetical(text: str, start: int, end: int) -> bool:
    before = text[max(start - 1, 0):start]
    after = text[end:end + 2]
    return before in ("（", "(") and after[:1] in ("）", ")", "")


def _content_words(toks: list[Token]) -> str:
    return "".join(t.surface for t in toks if t.pos not in FUNCTION_POS)


def _judge_edit(edit: Edit, spans, definitions, polarity: int,
                ref_text: str = "", whole_exception: bool = False) -> list[Reason]:
    rw, dw = edit.ref_words, edit.draft_words
    if (_modal_only(rw) or not rw) and (_modal_only(dw) or not dw):
        return []  # a change of modality is the modality detector's business
    if not rw and _addressee_named(dw, ref_text):
        return []
    if rw and dw and _synonym_swap(edit, ref_text):
        return []
    if _plain(rw).startswith("当該") and PRONOUN_RE.fullmatch(_plain(dw)) and len(_plain(rw)) <= 14 \
            and not re.search(r"、|及び|又は|並びに|若しくは", rw):
        return []  # 当該機密情報・個人情報の → その: the one thing named just before, by a pronoun
    if _party_shift(edit) or _approver_replaced(rw, dw, ref_text[edit.ref_end:] if edit.ref_end >= 0 else ""):
        return [_make("party.shifted", rw, dw)]
    if _negation_flip(edit):
        return [_make("negation.flipped", rw, dw)]
    if DISCRETION_RE.search(dw) and not DISCRETION_RE.search(rw):
        return [_make("party.shifted", rw, dw)]
    if polarity > 0 and not rw and KOU_CHOICE_RE.fullmatch(_plain(dw)):
        # 甲が指定するデータ消去用ソフトウェア: 甲 now chooses what 乙 uses, a tighter duty
        return [_make("content.added", rw, dw)]
    if polarity > 0 and CONTRACTOR_RIGHT_RE.search(dw) and not CONTRACTOR_RIGHT_RE.search(rw):
        return [_make("exception.added", rw, dw)]  # the contractor may now refuse or skip
    if TIME_WORD_RE.match(rw) and not dw:
        return []  # a time word alone is the deadline detector's business
    end = edit.ref_end if edit.ref_end >= 0 else edit.ref_start + len(rw)
    inside = whole_exception or any(s <= edit.ref_start and end <= e + 1 for s, e in spans)
    if rw and dw and _looser_means(rw, dw):
        name = "exception.widened" if inside else "means.loosened" if polarity > 0 else "content.changed"
        return [_make(name, rw, dw)]
    if inside:
        return _judge_in_exception(rw if _content_words(edit.ref_tokens) else "",
                                   dw if _content_words(edit.draft_tokens) else "", polarity)
    # Inside what a term stands for only words added narrow it (業務に専ら従事する者); a
    # rewrite there (を取り扱う → の取扱いに係る) is judged like any other.
    in_def = any(s <= edit.ref_start and end <= e + 1 for s, e in definitions[0]) or not rw and any(
        s <= edit.ref_start and end <= e + 1 for s, e in definitions[1])
    # alternatives inserted just before 「…に限定」「…を除き」 widen what is allowed
    restrictive = bool(RESTRICTIVE_RE.search(ref_text[edit.ref_start:]))
    # 「…があった場合は」 → 「…が発生し、又は発生したおそれがある場合は」: another case that
    # triggers the duty, so the duty covers more.
    another_trigger = bool(re.search(r"又は|若しくは", dw) and re.match(r"^[^、。]{0,3}(場合|とき)", ref_text[end:])
                           or re.match(r"^(及び|並びに|又は)[^、。]*(場合|とき)(は|に)?$", dw))  # 完了時及び…ときは
    if dw and another_trigger and polarity > 0 and not restrictive:
        return [_make("scope.broadened", rw, dw)]
    if rw and not dw and polarity > 0 and not restrictive and re.search(r"又は|若しくは", rw) \
            and re.match(r"^[^、。]{0,4}(場合|とき|後)", ref_text[end:]):
        # 終了し、又は解除された後においても → 終了した後においても: one case fewer in which the duty applies
        return [_make("scope.narrowed", rw, dw)]
    if dw and not rw and polarity > 0 and _in_ban(ref_text, edit.ref_start) and len(_plain(dw)) <= 8 \
            and span_kind(dw) != "condition" and not INTENSIFIER_RE.search(dw) \
            and not re.search(r"又は|若しくは|その他|等|など|及び|並びに|含", dw):
        # 他者へ提供してはならない → 他者へ有償で提供してはならない: a qualifier on the banned
        # act lets the act go free in every other case
        return [_make("scope.narrowed", rw, dw)]
    cov = 0
    if rw and _whole_parenthetical(ref_text, edit.ref_start, end) and not re.search(r"除", rw):
        cov += -1  # a deleted parenthetical spelled out what is required or covered
    elif rw:
        cov += _coverage(rw, inserted=False, in_definition=in_def)
    if dw:
        cov += _coverage(dw, inserted=True, in_definition=in_def, restrictive=restrictive)
    if rw and dw and cov != 0 and _same_role(rw, dw) and not in_def and not restrictive:
        cov = 0  # 求める → 要求する, 内部における → 組織内の: one word for another, not a narrower scope
    if rw and dw and cov == 0 and span_kind(rw) == span_kind(dw) == "content" \
            and len(_plain(rw)) >= 6 and len(_plain(rw)) >= 2.5 * len(_plain(dw)) \
            and sum(1 for t in edit.ref_tokens if not _grammatical(t)) >= 2:
        cov = -1  # several duties or items replaced by one short word (概要, 責任者)
    effect = cov * polarity
    if rw and dw and cov == 0:
        return [_make("content.changed", rw, dw)]
    if effect < 0:
        if dw and not rw and (span_kind(dw) in ("condition", "softener") or EXCEPTION_CORE_RE.search(dw)):
            name = "exception.added" if not re.search(r"容易|のみ|いずれにも", dw) else "scope.narrowed"
        elif rw and not dw:
            name = "content.deleted"
        else:
            name = "scope.narrowed"
        return [_make(name, rw, dw)]
    if effect > 0:
        return [_make("content.added" if dw else "scope.broadened", rw, dw)]
    return [_make("content.changed", rw, dw)]


def _synonym_swap(edit: Edit, ref_text: str = "") -> bool:
    """Each content word swapped for one of its synonyms in the dictionary's synonym list
    (Sudachi's 同義語辞書: 保つ → 保持する, 不正プログラム → マルウェア), word for word, with
    the same negations: wording. The list groups words of one sense, but a contract may
    keep two of them apart (複写又は複製): a word the reference clause already uses
    elsewhere is never a synonym of the one it replaces."""
    ref = [t for t in coarse_tokens(edit.ref_words) if not _grammatical(t) and t.norm not in REWRITE_LIGHT]
    draft = [t for t in coarse_tokens(edit.draft_words) if not _grammatical(t) and t.norm not in REWRITE_LIGHT]
    if not ref or len(ref) != len(draft) or _meaningful_aux(edit.ref_tokens) != _meaningful_aux(edit.draft_tokens):
        return False
    changed = [(a, b) for a, b in zip(ref, draft) if a.norm != b.norm]
    return bool(changed) and all(set(a.syn) & set(b.syn) and b.surface not in ref_text and b.norm not in ref_text
                                 for a, b in changed)


def _addressee_named(words: str, ref_text: str) -> bool:
    """報告を求めることができる → 乙に報告を求めることができる (the clause's subject is 甲):
    naming the other party as the one addressed only says who was meant."""
    m = re.fullmatch(r"(甲|乙)(?:に対して|に対し|に)", _plain(words))
    return bool(m) and re.match(r"(甲|乙)は", ref_text) is not None and not ref_text.startswith(m.group(1))


def _same_role(rw: str, dw: str) -> bool:
    """Two short spans that are each a word or a modifier (content or object, as span_kind
    reads them; their forms differ, 保つ / 保持する), with nothing that widens or narrows
    on its own (全て, 容易に, のみ, 等): a swap the coverage rules have no ground to read
    as narrower or wider."""
    short = len(_plain(rw)) <= 8 and len(_plain(dw)) <= 8
    kinds = {span_kind(rw), span_kind(dw)} <= {"content", "object"}
    return short and kinds and _shape(rw) == _shape(dw) and not _SCOPE_SIGNAL_RE.search(rw + dw) \
        and not UNIVERSAL_RE.search(rw + dw)


# Words that widen or narrow on their own: a swap containing one is never "one word for another".
_SCOPE_SIGNAL_RE = re.compile(r"全て|すべて|一切|容易|のみ|限り|等|など|含|除|以外|特に|一部|主として|又は|若しくは"
                              r"|及び|並びに|その他|[・、]")


def _shape(words: str) -> str:
    """How a span attaches: a modifier (…の, …における), a verb (保つ, 要求する) or a noun.
    機密情報 → 紙媒体の is a noun become a modifier: a narrower object, not a synonym."""
    plain = _plain(words)
    if re.search(r"(の|における|に係る|に関する|な)$", plain):
        return "modifier"
    return "verb" if re.search(r"[うくぐすつぬぶむる]$", plain) else "noun"


def _in_ban(text: str, pos: int) -> bool:
    """The sentence of `text` at `pos` is a prohibition (…してはならない。)."""
    end = text.find("。", pos)
    return bool(_BAN_END_RE.search(text[:end] if end >= 0 else text))


def _strictness(words: str) -> int:
    return len(STRICT_MEANS_RE.findall(words)) - len(VAGUE_MEANS_RE.findall(words))


def _looser_means(rw: str, dw: str) -> bool:
    """A concrete means or limit replaced by a vaguer one (確実に → 適切に, 最小限 → 必要と認められる)."""
    return bool(STRICT_MEANS_RE.search(rw)) and bool(VAGUE_MEANS_RE.search(dw)) and _strictness(dw) < _strictness(rw)


def _modal_only(words: str) -> bool:
    """Only a modal ending (ものとする, ことができる, なければならない …)."""
    return bool(MODAL_RE.search(words)) and not re.sub(r"[ぁ-ん]", "", MODAL_RE.sub("", words))


def _judge_in_exception(rw: str, dw: str, polarity: int) -> list[Reason]:
    """An edit inside an exception (ただし…この限りでない, …を除き, an exclusion item).

    Everything in an exception but its core marker is a condition of the exception:
    deleting words widens it, adding a condition narrows it, adding an alternative
    (又は…) widens it. Deleting the core marker removes the exception altogether.
    `polarity` is that of the duty the exception belongs to.
    """
    deleted_core = bool(EXCEPTION_CORE_RE.search(rw)) and not EXCEPTION_CORE_RE.search(dw)
    if deleted_core:
        effect = polarity
    elif rw and not dw:
        # a deleted alternative (「…又は既に保有していた情報」) is one case fewer; any other
        # deleted words were a condition, and the exception now applies more widely
        effect = polarity if re.search(r"又は|若しくは|その他", rw) else -polarity
    elif dw and not rw:
        effect = -polarity if re.search(r"又は|若しくは|その他|及び|並びに", dw) else polarity
    elif re.search(r"問わず|かかわらず", dw) and not re.search(r"問わず|かかわらず", rw):
        effect = -polarity  # its condition replaced by 「理由のいかんを問わず」
    else:
        return [_make("content.changed", rw, dw)]
    if effect < 0:
        name = "content.deleted" if deleted_core else "exception.added" if dw and not rw else "exception.widened"
        return [_make(name, rw, dw)]
    return [_make("exception.removed" if deleted_core or not dw else "content.added", rw, dw)]


def _party_shift(edit: Edit) -> bool:
    r = [t.norm for t in edit.ref_tokens if t.norm in ("甲", "乙")]
    d = [t.norm for t in edit.draft_tokens if t.norm in ("甲", "乙")]
    return bool(r) and bool(d) and r != d and len(r) == len(d)


_APPROVAL_WORDS = r"(?:承諾|許可|同意|承認|認め)"
_KOU_APPROVES_RE = re.compile(rf"甲(?:が|の){_APPROVAL_WORDS}")
_APPROVES_RE = re.compile(rf"(?:が|の){_APPROVAL_WORDS}")


def _approver_replaced(rw: str, dw: str, after: str = "") -> bool:
    """甲が承諾した場合を除き → 業務責任者が許可した場合を除き (or 甲 → 情報管理責任者 before
    an unchanged の承認): someone other than 甲 now gives the approval."""
    if "甲" in dw or "乙" in dw:
        return False  # 甲 → 乙 is _party_shift's
    if _KOU_APPROVES_RE.search(rw) and _APPROVES_RE.search(dw):
        return True
    return _plain(rw) == "甲" and bool(dw) and bool(_APPROVES_RE.match(after))


def _negation_flip(edit: Edit) -> bool:
    if len(edit.ref_tokens) > 8 or len(edit.draft_tokens) > 8:
        return False  # a rewritten passage, not a flipped word
    neg = lambda toks: sum(1 for t in toks if t.norm in ("ない", "ず", "ぬ") and t.pos == "助動詞")  # noqa: E731
    # のみならず, に限らず, を問わず: a ず that widens, not a negated duty
    return neg(edit.ref_tokens) != neg(edit.draft_tokens) and not re.search(
        r"なければ|努め|できる|ものとする|のみならず|に限らず|を問わず", edit.ref_words + edit.draft_words)


# ------------------------------------------------------------------ items (号)


def compare_items(ref_items: list[str], draft_items: list[str], parties: Parties, polarity: int) -> list[Reason]:
    """Items (号) paired by similarity, then by position; each pair judged like a text."""
    if not ref_items:
        return [_make("item.added", "", _clip(d)) for d in draft_items]
    rc = [canon(t) for t in ref_items]
    dc = [canon(t, parties) for t in draft_items]
    pairs = _pair_items(rc, dc)
    out: list[Reason] = []
    for i, j in pairs:
        if j is None:
            name = "item.deleted" if polarity > 0 else "exception.removed"
            out.append(_make(name, _clip(ref_items[i]), ""))
        elif rc[i] != dc[j]:
            # the items of an exclusion clause are exceptions to the protection (see _judge_in_exception)
            out.extend(analyse_edits(ref_items[i], draft_items[j], abs(polarity), parties,
                                     whole_exception=polarity < 0))
    used = {j for _, j in pairs if j is not None}
    for j, text in enumerate(draft_items):
        if j not in used:  # in a list of exclusions, another item is another exception
            out.append(_make("item.added" if polarity > 0 else "exception.added", "", _clip(text)))
    return out


def _pair_items(rc: list[str], dc: list[str]) -> list[tuple[int, int | None]]:
    scored = sorted(((fuzz.ratio(r, d), i, j) for i, r in enumerate(rc) for j, d in enumerate(dc)), reverse=True)
    pair: dict[int, int] = {}
    used: set[int] = set()
    for score, i, j in scored:
        if score < 55 or i in pair or j in used:
            continue
        pair[i] = j
        used.add(j)
    left_r = [i for i in range(len(rc)) if i not in pair]
    left_d = [j for j in range(len(dc)) if j not in used]
    if left_r and len(left_r) == len(left_d):
        pair.update(zip(left_r, left_d))  # reworded items in the same places
    return [(i, pair.get(i)) for i in range(len(rc))]


def _clip(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
