"""Rule cases (sqlfluff-style): tests/rules/cases.json drives the judge rule by rule.

Every case takes one reference clause of reference/oita-police-2023.json and a draft
variant written for this test (not copied from the corpora):

    id       "<rule>/<fail|pass>/<slug>"
    rule     the catalogue rule the case is about
    kind     "fail": the rule must fire (its name, or one named in `also`, is in the reasons)
             "pass": the rule must not fire (an editorial variant, or a change in the
                     other direction)
    expect   the status the clause must get (ok / altered / weakened)
    clause   reference clause id
    draft    the draft paragraph's sentences, or
    replace  [[old, new], ...] applied to the reference text
    item_edits  {item label: new text, or null to delete the item} applied to the
                reference items (labels as in the reference: (1), ア, 一)
    items_added  item texts appended after the reference items
    parties  {"kou": [...], "otsu": [...]}: the draft's names for 甲 and 乙
    draft_terms  the terms the draft defines (以下「…」という); by default those of the
             reference, as a draft that is the reference with edits defines them
    contract {"articles": [A, ...], "insert_after": {clause id: paragraph}}: instead of
             calling the judge, a small contract with those 特記事項 articles (reference
             text, plus the inserted paragraphs) goes through structure.parse_text and
             audit.audit_tree; used for override.added (an extra paragraph)
    xfail    why the current judge gets the case wrong (strict: it must still fail)

Cases are data so that adding one is a one-line change; run one rule with
`pytest tests/test_rules.py -k modality.softened`.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from keiyaku_lint.audit import audit_tree, reference_terms
from keiyaku_lint.japanese import NO_PARTIES, Parties, canon
from keiyaku_lint.judge import Terms, judge
from keiyaku_lint.reference import load_reference
from keiyaku_lint.rules.catalog import BY_NAME
from keiyaku_lint.structure import parse_text

from conftest import find_shared

CASES_FILE = Path(__file__).parent / "rules" / "cases.json"
CASES: list[dict] = json.loads(CASES_FILE.read_text(encoding="utf-8"))

# Every rule the judge (or the audit, for extras) can emit as a weakening, a strengthening
# or a change that a reviewer names; each needs at least one fail and one pass case.
JUDGED_RULES = [
    "modality.softened", "exception.added", "exception.removed", "exception.widened",
    "deadline.loosened", "deadline.tightened", "minimum.lowered", "minimum.raised",
    "survival.dropped", "item.deleted", "scope.narrowed", "means.loosened", "approval.downgraded",
    "oversight.downgraded", "party.shifted", "care.lowered", "liability.limited",
    "negation.flipped", "override.added", "term.replaced",
]
FW = str.maketrans("0123456789", "０１２３４５６７８９")


@functools.lru_cache(maxsize=1)
def reference():
    return load_reference()


def _parties(case: dict) -> Parties:
    spec = case.get("parties")
    if not spec:
        return NO_PARTIES
    return Parties(kou=tuple(spec.get("kou", ())), otsu=tuple(spec.get("otsu", ())))


def _terms(case: dict) -> Terms:
    ours = reference_terms(reference())
    if "draft_terms" not in case:
        return Terms(ours, ours)
    return Terms(ours, frozenset(canon(t) for t in case["draft_terms"]))


def draft_of(case: dict) -> tuple[str, list[str]]:
    """(paragraph text, item texts) of the draft a judge case describes."""
    clause = reference().clause(case["clause"])
    text = case.get("draft")
    if text is None:
        text = clause.text
        for old, new in case.get("replace", []):
            assert old in text, f"{case['id']}: {old!r} is not in {clause.id}"
            text = text.replace(old, new, 1)
    edits = dict(case.get("item_edits", {}))
    items = []
    for item in clause.walk_items():
        if item.label in edits:
            new = edits.pop(item.label)
            if new is not None:
                items.append(new)
        else:
            items.append(item.text)
    assert not edits, f"{case['id']}: no item labelled {sorted(edits)} in {clause.id}"
    return text, items + list(case.get("items_added", []))


def contract_of(case: dict) -> str:
    """A small contract: a one-article body and a 特記事項 annex with the given articles."""
    spec = case["contract"]
    inserts = spec.get("insert_after", {})
    lines = ["業務委託契約書", "（総則）", "第1条　乙は、本業務を誠実に履行しなければならない。",
             "別添", "機密保持及び個人情報保護に関する特記事項"]
    for number in spec["articles"]:
        clauses = [c for c in reference().clauses if c.part == "tokki" and c.article == number]
        lines.append(f"（{clauses[0].heading}）")
        n = 0
        for clause in clauses:
            for k, text in enumerate([clause.text] + ([inserts[clause.id]] if clause.id in inserts else [])):
                n += 1
                lines.append(f"第{number}条　{text}" if n == 1 else f"{str(n).translate(FW)}　{text}")
                if k == 0:
                    for item in clause.items:
                        lines.append(f"{item.label}　{item.text}")
                        lines.extend(f"{sub.label}　{sub.text}" for sub in item.items)
    return "\n".join(lines)


def _param(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


def _check(case: dict, status: str, rules: list[str], detail) -> None:
    assert status == case["expect"], detail
    wanted = [case["rule"], *case.get("also", [])]
    if case["kind"] == "fail":
        assert any(r in rules for r in wanted), detail
    else:
        assert case["rule"] not in rules, detail


# ------------------------------------------------------------------ the cases


@pytest.mark.parametrize("case", [_param(c) for c in CASES if "contract" not in c])
def test_judge_case(case):
    clause = reference().clause(case["clause"])
    text, items = draft_of(case)
    verdict = judge(clause, text, items, _parties(case), clause.polarity, _terms(case))
    rules = [r.rule for r in verdict.reasons]
    _check(case, verdict.status, rules, [(r.rule, r.ref_words, r.draft_words) for r in verdict.reasons])
    for reason in verdict.reasons:  # every reason renders in both languages
        assert reason.message("ja") and reason.message("en")


@pytest.mark.parametrize("case", [_param(c) for c in CASES if "contract" in c])
def test_contract_case(case):
    result = audit_tree(parse_text(contract_of(case), "case.txt"), reference())
    finding = {f.clause_id: f for f in result.findings}[case["clause"]]
    rules = [r.rule for r in finding.reasons]
    extras = [(e.location.article, e.location.paragraph, e.overrides) for e in result.extras]
    _check(case, finding.status, rules, (rules, extras))
    overriding = [e for e in result.extras if e.overrides == case["clause"]]
    if case["kind"] == "fail":
        assert len(overriding) == 1, extras
        assert case["contract"]["insert_after"][case["clause"]][:10] in overriding[0].text
    else:
        assert overriding == [], extras
        assert len(result.extras) == len(case["contract"].get("insert_after", {})), extras


# ------------------------------------------------------------------ the case file itself


def test_case_ids_unique_and_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    for c in CASES:
        assert c["id"].startswith(f"{c['rule']}/{c['kind']}/"), c["id"]
        assert c["kind"] in ("fail", "pass")
        assert c["expect"] in ("ok", "altered", "weakened")
        assert c["rule"] in BY_NAME
        assert all(r in BY_NAME for r in c.get("also", []))
        assert ("contract" in c) != ("draft" in c or "replace" in c or "item_edits" in c or "items_added" in c), c["id"]


@pytest.mark.parametrize("name", JUDGED_RULES)
def test_every_judged_rule_has_fail_and_pass_cases(name):
    kinds = {c["kind"] for c in CASES if c["rule"] == name}
    assert kinds == {"fail", "pass"}, name


def test_fail_cases_of_weakening_rules_expect_weakened():
    for c in CASES:
        if c["kind"] == "fail":
            effect = BY_NAME[c["rule"]].effect
            assert c["expect"] == ("weakened" if effect == "weaken" else "altered"), c["id"]


def test_cases_are_not_copied_from_the_corpora():
    """The draft wording of every case is written for the test: no new wording that an
    edit of the corpora introduced (its `to`, 8 characters or more, not itself reference
    text) appears in any case's draft."""
    shared = find_shared()
    if shared is None:
        pytest.skip("shared/ corpus not available")
    ref_text = "".join(c.full_text for c in reference().clauses)
    corpus_new = set()
    for labels in sorted((shared / "corpus").glob("*/labels.json")):
        for doc in json.loads(labels.read_text(encoding="utf-8"))["documents"]:
            for edit in doc.get("edits", []):
                to = edit.get("to", "").strip("。、 ")
                if len(to) >= 8 and to not in ref_text:
                    corpus_new.add(to)
    assert corpus_new
    for c in CASES:
        if "contract" in c:
            drafts = list(c["contract"].get("insert_after", {}).values())
        else:
            text, items = draft_of(c)
            drafts = [text, *items]
        for draft in drafts:
            copied = [to for to in corpus_new if to in draft]
            assert not copied, (c["id"], copied)


def test_case_count():
    assert len(CASES) >= 60


def test_consultation_for_one_of_two_same_decisions_does_not_crash():
    """甲の指示 twice in the reference, once in the draft: the lost one is still named."""
    from keiyaku_lint.judge import _approval

    reasons = _approval("甲の指示に従い、甲の指示を受ける。", "甲乙協議の上、甲の指示を受ける。", 1)
    assert [(r.rule, r.ref_words, r.draft_words) for r in reasons] == [("approval.downgraded", "甲の指示", "協議")]
