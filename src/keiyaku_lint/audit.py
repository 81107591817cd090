"""Audit one document: ingest -> structure -> parties -> align -> judge -> findings.

The result is plain data (`DocResult`); every output format is built from it in
`report`. An unreadable file becomes a DocResult with `error` set, never an exception.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from .align import Match, Unit, align
from .errors import KeiyakuLintError
from .japanese import (NO_PARTIES, Parties, defined_terms, detect_parties, guess_parties, renamed_terms,
                       term_definitions)
from .judge import NO_TERMS, Reason, Terms, Verdict, decide, judge
from .reference import RefClause, Reference
from .rules.catalog import rule
from .structure import DocTree, Item, Paragraph, parse_lines

SEVERITY = {"ok": 0, "accepted": 0, "altered": 1, "weakened": 2, "missing": 3, "error": 4}
# An added paragraph that disapplies, replaces, caps or extends past a duty overrides it.
OVERRIDE_RE = re.compile(r"にかかわらず|この限りでない|足りる|要しない|妨げない|免除|限度|上限|を超えない|適用しない"
                         r"|に代え|省略する|引き続き|継続して|完了後も|終了後も|消滅|失効|効力を失")


@dataclass
class Location:
    part: str = ""
    article: str = ""
    paragraph: int | None = None
    page: int | None = None
    line: int | None = None

    def as_dict(self) -> dict:
        return {"page": self.page, "part": self.part, "article": self.article,
                "paragraph": self.paragraph, "line": self.line}


@dataclass
class Finding:
    clause: RefClause
    status: str
    location: Location | None = None
    similarity: float = 0.0
    reasons: list[Reason] = field(default_factory=list)
    found_text: str = ""
    how: str = ""
    accepted_reason: str = ""

    @property
    def clause_id(self) -> str:
        return self.clause.id


@dataclass
class Extra:
    location: Location
    text: str
    overrides: str | None = None  # clause id whose duty this paragraph overrides


@dataclass
class DocResult:
    path: str
    error: str | None = None
    error_code: str | None = None
    findings: list[Finding] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    parties: Parties | None = None

    @property
    def worst(self) -> str:
        if self.error:
            return "error"
        return max((f.status for f in self.findings), key=lambda s: SEVERITY[s], default="ok")

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in ("ok", "altered", "weakened", "missing", "accepted")}
        for f in self.findings:
            out[f.status] = out.get(f.status, 0) + 1
        return out


def audit_file(path: str, ref: Reference, pdf_engine: str = "auto") -> DocResult:
    """`pdf_engine`: "auto" (pypdfium2, pdfplumber as the fallback), "pdfium" or "pdfplumber"."""
    from .ingest import load

    try:
        source = load(path, pdf_engine=pdf_engine)
        tree = parse_lines(source.lines, path)
    except KeiyakuLintError as exc:
        return DocResult(path, error=exc.one_line(), error_code=exc.code)
    return audit_tree(tree, ref)


def audit_tree(tree: DocTree, ref: Reference) -> DocResult:
    parties = detect_parties(_preamble(tree))
    if parties == NO_PARTIES:
        parties = guess_parties("".join(p.full_text for _, _, p in tree.paragraphs()))
    # only paragraphs that define a term (以下「…」という) are read for it: NFKC over a whole
    # draft costs more than the rest of the judging
    defining = "\n".join(t for t in (p.full_text for _, _, p in tree.paragraphs()) if "以下" in t and _DEFINES_RE.search(t))
    definitions = term_definitions(defining)
    renamed = renamed_terms(reference_definitions(ref), definitions)
    if renamed:
        parties = dataclasses.replace(parties, terms=renamed)
    matches, leftover = align(ref, tree, parties)
    terms = Terms(reference_terms(ref), defined_terms(definitions))
    findings = [_finding(matches[c.id], parties, terms) for c in ref.clauses]
    by_id = {f.clause_id: f for f in findings}
    extras = _extras(leftover, matches, by_id)
    return DocResult(tree.path, findings=findings, extras=extras, parties=parties)


def _preamble(tree: DocTree) -> str:
    """Text where parties are defined: the cover and preamble, and a 定義 article."""
    chunks = []
    for part in tree.parts[:1]:
        chunks += [p.text for p in part.loose[:40]]
        for art in part.articles[:3]:
            chunks += [p.full_text for p in art.paragraphs]
    return "\n".join(chunks)


def _location(unit: Unit) -> Location:
    art = unit.article
    return Location(part=unit.part.display, article=art.display if art else "",
                    paragraph=unit.para.index, page=unit.para.page, line=unit.para.lineno)


def _item_texts(items: list[Item]) -> list[str]:
    out = []
    for it in items:
        out.append(it.text)
        out.extend(_item_texts(it.items))
    return out


_DEFINES_RE = re.compile(r"以下(?:単に)?「")
_REF_TERMS: dict[int, tuple[frozenset[str], dict[str, str]]] = {}


def _reference_term_data(ref: Reference) -> tuple[frozenset[str], dict[str, str]]:
    if id(ref) not in _REF_TERMS:
        definitions = term_definitions("\n".join(c.full_text for c in ref.clauses))
        _REF_TERMS[id(ref)] = (defined_terms(definitions), definitions)
    return _REF_TERMS[id(ref)]


def reference_terms(ref: Reference) -> frozenset[str]:
    """The terms the reference set defines, once per reference set (per process)."""
    return _reference_term_data(ref)[0]


def reference_definitions(ref: Reference) -> dict[str, str]:
    """Each term the reference defines with its defining words (`term_definitions`)."""
    return _reference_term_data(ref)[1]


def _finding(match: Match, parties: Parties, terms: Terms = NO_TERMS) -> Finding:
    clause = match.clause
    if not match.units:
        return Finding(clause, "missing", reasons=[])
    text = "".join(u.para.text for u in match.units)
    items = [t for u in match.units for t in _item_texts(u.para.items)]
    verdict: Verdict = judge(clause, text, items, parties, getattr(clause, "polarity", 1), terms)
    found = "\n".join(u.para.full_text for u in match.units)
    return Finding(clause, verdict.status, _location(match.units[0]), round(match.score, 3),
                   verdict.reasons, found, match.how)


def _extras(leftover: list[Unit], matches: dict[str, Match], by_id: dict[str, Finding]) -> list[Extra]:
    """Unmatched paragraphs of the audited parts; an overriding one weakens its target."""
    owner = {id(u.para): cid for cid, m in matches.items() for u in m.units}
    audited_articles = {id(u.article) for m in matches.values() for u in m.units}
    out = []
    for unit in leftover:
        if unit.article is None:
            # (align leaves over text outside articles only in a part with no articles)
            if unit.part.kind != "annex":
                continue  # an annex whose articles were not recognised, not a form or cover page
        elif id(unit.article) not in audited_articles and unit.part.kind != "annex":
            continue
        extra = Extra(_location(unit), unit.para.full_text)
        if OVERRIDE_RE.search(unit.para.full_text) or _grants_contractor(unit.para):
            target = _override_target(unit, owner)
            if target and target in by_id:
                extra.overrides = target
                _mark_overridden(by_id[target], unit.para)
        out.append(extra)
    return out


def _grants_contractor(para: Paragraph) -> bool:
    """「乙は、…ことができる」: a permission for the contractor."""
    return bool(re.match(r"^(乙|受託者|受注者)は", para.text)) and "ことができる" in para.text


def _override_target(unit: Unit, owner: dict[int, str]) -> str | None:
    """The clause the overriding paragraph points at (前項, 第N項); without a pointer,
    the reference paragraph of the same article it resembles most."""
    art = unit.article
    if art is None:
        return None
    idx = unit.para.index
    # a pointer to a rule (前項の規定にかかわらず, 第２項を適用しない), not to an object
    # (第１項の機密情報)
    rule_ref = r"(の規定|にかかわらず|を適用|の定め|の義務|の[^、。]{0,10}(に代え|は))"
    m = re.search(r"第([0-9０-９]+)項[^、。]{0,6}" + rule_ref, unit.para.text)
    wanted = None
    if re.search(r"(前項|前各項|前[0-9０-９二三]項)" + rule_ref, unit.para.text):
        wanted = idx - 1
    elif m:
        wanted = int(m.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if wanted is not None:
        return next((owner[id(p)] for p in art.paragraphs if p.index == wanted and id(p) in owner), None)
    from rapidfuzz import fuzz

    owned = [p for p in art.paragraphs if id(p) in owner]
    best = max(owned, key=lambda p: fuzz.ratio(p.full_text, unit.para.full_text), default=None)
    return owner[id(best)] if best is not None else None


def _mark_overridden(finding: Finding, para: Paragraph) -> None:
    r = rule("override.added")
    text = para.text if len(para.text) <= 40 else para.text[:39] + "…"
    finding.reasons.append(Reason(r.name, r.code, r.effect, "", text))
    if finding.status in ("ok", "altered"):
        finding.status = decide(finding.reasons)
