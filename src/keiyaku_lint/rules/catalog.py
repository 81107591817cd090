"""The rule catalogue: every reason the judge can give, with an id, a name and docs.

Like ruff / sqlfluff, each rule has a short code and a dotted name, and the docs
(What it does / Why it matters / Example) are generated from this table
(`keiyaku-lint rules`, and docs/rules.md). `effect` says what the rule does to a
clause's status: "weaken" -> weakened, "alter" -> altered, "strengthen" -> altered
with "strengthened" in the reason.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    effect: str  # weaken | alter | strengthen
    summary_ja: str
    summary_en: str
    why: str
    example: str


RULES: tuple[Rule, ...] = (
    Rule("KL101", "modality.softened", "weaken",
         "義務が緩和", "duty softened",
         "A binding duty (しなければならない / してはならない / ものとする) turned into an effort duty "
         "(努める), a consideration (配慮) or a permission (できる) is no longer enforceable as such.",
         "安全な管理に努めなければならない → 安全な管理に努めるものとする"),
    Rule("KL102", "modality.strengthened", "strengthen",
         "義務が強化", "duty strengthened",
         "A softer modality raised to a binding one adds duties: a change, but not a weakening.",
         "措置の実施に努めなければならない → 措置を講じなければならない"),
    Rule("KL111", "exception.added", "weaken",
         "例外・条件の追加", "exception or condition added",
         "A ただし書き, 「…場合を除き」, 必要に応じて, 原則として or a new condition lets the duty lapse "
         "in cases the reference does not allow.",
         "…持ち出してはならない。→ …持ち出してはならない。ただし、業務上必要な場合は、この限りでない。"),
    Rule("KL112", "exception.removed", "strengthen",
         "例外の削除", "exception removed",
         "Deleting an exception, an exclusion item, or one alternative of one (…公知であった情報又は"
         "既に保有していた情報 → …公知であった情報) makes the duty apply more widely.",
         "甲が同意した場合を除き、持ち出してはならない → 持ち出してはならない"),
    Rule("KL113", "exception.widened", "weaken",
         "例外の要件を緩和", "exception widened",
         "Deleting the words that limit an exception or an exclusion (合理的に必要な最小限の範囲で, "
         "受領者の責めに帰すべからざる事由により) widens the exception.",
         "合理的に必要な最小限の範囲で、事前に甲と協議し → 事前に甲と協議し"),
    Rule("KL121", "deadline.loosened", "weaken",
         "期限の緩和・削除", "time limit loosened or dropped",
         "速やかに, 直ちに, 遅滞なく, あらかじめ, or N日以内 made longer or removed lets a duty be "
         "performed late; so does a duty tied to the time before an act (変更しようとするとき, "
         "取得するときは) tied to the time after it (変更したとき, 取得後), or to an event only once it "
         "is confirmed (漏えい等があった場合 → 漏えい等が確定した場合).",
         "甲に速やかに報告し → 甲に報告し"),
    Rule("KL122", "deadline.tightened", "strengthen",
         "期限の厳格化", "time limit tightened",
         "A shorter or newly added time limit adds duties.",
         "速やかに報告 → 直ちに（遅くとも翌日までに）報告"),
    Rule("KL123", "means.loosened", "weaken",
         "方法・基準の曖昧化", "means or standard made vague",
         "A concrete means or standard (確実に, 台帳で, 書面で, 物理的に破壊) replaced by a vague one "
         "(適切に, 相当の, 合理的な) leaves the contractor to decide what is enough.",
         "確実な方法で廃棄しなければならない → 適切な方法で廃棄しなければならない"),
    Rule("KL131", "minimum.lowered", "weaken",
         "最低基準の引下げ", "minimum lowered",
         "A minimum retention period or frequency lowered (1年以上 → 6月以上, 少なくとも1年に1回 → 必要に応じて).",
         "その記録を１年以上保存し → その記録を６月以上保存し"),
    Rule("KL132", "minimum.raised", "strengthen",
         "最低基準の引上げ", "minimum raised",
         "A higher minimum (more frequent audits, longer retention) adds duties.",
         "少なくとも１年に１回 → 少なくとも６月に１回"),
    Rule("KL141", "survival.dropped", "weaken",
         "契約終了後の存続条項の削除", "survival after termination dropped",
         "Confidentiality that no longer survives the end of the contract stops protecting "
         "information the day the contract ends.",
         "…漏らしてはならない。この契約が終了し、又は解除された後においても同様とする。→ (deleted)"),
    Rule("KL151", "item.deleted", "weaken",
         "号の削除", "item of an enumeration deleted",
         "An item deleted from a list of duties, protected information or grounds for termination "
         "removes that protection (the paragraph itself is still there, so it is not missing).",
         "(5) 盗難・漏えい・改ざんを防止する適切な措置を講ずること。→ (deleted)"),
    Rule("KL152", "item.added", "alter",
         "号の追加", "item added",
         "A new item changes the list; whether it adds or removes protection depends on the list.",
         "(6) … → (6) … (7) 新たな号"),
    Rule("KL161", "scope.narrowed", "weaken",
         "対象範囲の縮小", "scope narrowed",
         "A qualifier inserted (容易に照合), an inclusion dropped (バックアップデータを含む), an object "
         "reduced (甲又は第三者 → 甲) or a list shortened narrows what the clause protects.",
         "他の情報と照合することができ → 他の情報と容易に照合することができ"),
    Rule("KL162", "scope.broadened", "strengthen",
         "対象範囲の拡大", "scope broadened",
         "More information or more cases covered: a stricter clause.",
         "提供を受けた機密情報 → 提供を受け、又は取得した機密情報"),
    Rule("KL163", "term.replaced", "alter",
         "定義語の置換", "defined term replaced",
         "A clause that uses a term the reference defines (以下「作業場所」という, 業務従事者, パソコン等) "
         "now says something else in its place, or the other way round (事業所 → 作業場所). However "
         "short the swap, the clause then speaks of another place, person or thing, so it is never "
         "taken for wording. "
         "(A draft that defines a term of its own instead, 以下「取扱場所」という, is taken to have renamed it.)",
         "当該パソコン等を作業場所から持ち出して → 当該パソコン等を事業所から持ち出して"),
    Rule("KL171", "approval.downgraded", "weaken",
         "承諾要件の格下げ", "approval downgraded",
         "承諾 / 承認 / 同意 / 許可 replaced by 協議, 通知, 報告 or 届出: the client no longer decides.",
         "その承諾を得た場合 → 書面で通知した場合"),
    Rule("KL172", "oversight.downgraded", "weaken",
         "監査・確認方法の格下げ", "oversight downgraded",
         "An on-site audit (作業場所において / 立入 / 実地) or a certificate replaced by a paper "
         "report or a self-check: the client no longer sees for itself.",
         "原則として当該作業を行う作業場所において監査 → 乙から提出される書面により調査"),
    Rule("KL181", "party.shifted", "weaken",
         "義務・責任の主体の移動", "duty or liability moved from 乙 to 甲",
         "The contractor's duty or liability given to the client (or to the client's judgement "
         "replaced by the contractor's).",
         "甲の算定に基づき → 乙の算定に基づき"),
    Rule("KL182", "care.lowered", "weaken",
         "注意義務の程度の引下げ", "care standard lowered",
         "善良なる管理者の注意 lowered to 自己の財産と同一の注意 (a lower legal standard of care).",
         "善良なる管理者の注意義務をもって → 自己の財産に対するのと同一の注意をもって"),
    Rule("KL183", "liability.limited", "weaken",
         "責任の制限", "liability capped or limited",
         "A cap (委託料を上限), a fault threshold (故意又は重大な過失) or a shifted burden of proof "
         "limits what the client can recover.",
         "当該損害を補償又は賠償する → 委託料の額を上限として賠償する"),
    Rule("KL191", "negation.flipped", "weaken",
         "否定の反転", "negation flipped",
         "A prohibition turned into a permission (しない ↔ する) inverts the clause.",
         "持ち出してはならない → 持ち出すことができる"),
    Rule("KL201", "override.added", "weaken",
         "規定を覆す条項の追加", "overriding paragraph added",
         "An added paragraph (前項の規定にかかわらず…, or a new ただし書き after the clause) lets 乙 "
         "do what the clause forbids; the clause's own words are unchanged but it no longer binds.",
         "２ 前項の規定にかかわらず、乙は…保有することができる。"),
    Rule("KL901", "content.deleted", "weaken",
         "文言の削除", "protective wording deleted",
         "Words that define or carry the protection were deleted.",
         "漏えい、毀損及び滅失 → 漏えい及び滅失"),
    Rule("KL902", "content.changed", "alter",
         "文言の変更", "wording changed",
         "A substantive change that does not reduce the protection as far as the judge can tell.",
         "提供を受けた → 取り扱う"),
    Rule("KL903", "content.added", "strengthen",
         "文言の追加", "wording added",
         "Words added that only add duties (a form named, a report required).",
         "書面により → 書面（様式１）により"),
)

BY_CODE = {r.code: r for r in RULES}
BY_NAME = {r.name: r for r in RULES}


def rule(name: str) -> Rule:
    return BY_NAME[name]


def rules_markdown() -> str:
    """docs/rules.md, generated from the catalogue."""
    out = ["# keiyaku-lint rules", "",
           "Generated by `keiyaku-lint rules --markdown` from `src/keiyaku_lint/rules/catalog.py`.", ""]
    for r in RULES:
        status = {"weaken": "weakened", "alter": "altered", "strengthen": "altered (strengthened)"}[r.effect]
        out += [f"## {r.code} `{r.name}` — {r.summary_ja} / {r.summary_en}", "",
                f"**What it does:** reports the clause as `{status}`.", "",
                f"**Why it matters:** {r.why}", "",
                f"**Example:** {r.example}", ""]
    return "\n".join(out)
