"""Align: each reference clause (項) to its counterpart anywhere in the draft.

Candidates come from the whole document (記載例 clauses live in the body under any
article number; some drafts put the 特記事項 into the body). The method, in order:

1. similarity of every (clause, draft paragraph) pair on the character-level normal
   form (`japanese.canon`): rapidfuzz's normalised Indel similarity and the share of
   the clause covered by the longest common subsequence (derived from the same
   score: ratio = 2·LCS / (len(a) + len(b))), one rapidfuzz `extract` per clause;
2. one-to-one greedy assignment of confident pairs, best first;
3. a paragraph the draft merged from two clauses serves both (high coverage of each);
4. a clause the draft split in two is matched to two adjacent paragraphs;
5. a clause left over whose neighbours were found is matched to the unclaimed
   paragraph between them when it still resembles it (a heavy rewrite in place), with a
   lower bar when that paragraph is alone in the clause's own slot (its 項 number, the
   neighbours' article) and resembles no other unmatched clause more (a short rewrite);
6. anything else is missing.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .japanese import Parties, canon
from .reference import RefClause, Reference
from .structure import Article, DocTree, Paragraph, Part

STRONG = 0.60  # similarity at which a pair is taken without context
SHARE = 0.80  # coverage of a clause inside a paragraph that merged two clauses
SPLIT = 0.62  # similarity of two adjacent paragraphs joined, for a split clause
IN_PLACE = 0.30  # similarity enough for a paragraph standing where the clause belongs
IN_SLOT = 0.15  # ... when it is the clause's very slot: its 項 number, alone between the neighbours
CONTAINED = 0.85  # share of a clause found inside a longer, otherwise unclaimed paragraph
CONTAINED_MIN_CHARS = 30  # below this a clause is too generic to be found by containment


@dataclass
class Unit:
    """A draft paragraph as an alignment candidate."""

    order: int
    part: Part
    article: Article | None
    para: Paragraph
    canon: str

    @property
    def text(self) -> str:
        return self.para.full_text


@dataclass
class Match:
    clause: RefClause
    units: list[Unit] = field(default_factory=list)
    score: float = 0.0
    how: str = "missing"  # best | merged | split | in-place | missing


def compare_text(para: Paragraph) -> str:
    """Paragraph text and item texts without item labels (items get renumbered)."""
    parts = [para.text]
    stack = list(reversed(para.items))
    while stack:
        item = stack.pop()
        parts.append(item.text)
        stack.extend(reversed(item.items))
    return "".join(parts)


def clause_compare_text(clause: RefClause) -> str:
    return clause.text + "".join(item.text for item in clause.walk_items())


def draft_units(tree: DocTree, parties: Parties) -> list[Unit]:
    """Every paragraph that may hold a clause: those of articles, and the text outside any
    article (a cover page, signatures, but also an annex whose articles structure did not
    recognise: a clause found there is better than a clause reported missing). Appendix
    parts (forms, tables) are left out."""
    units = []
    for part, art, para in tree.paragraphs():
        if part.kind == "appendix":
            continue
        text = compare_text(para)
        if text.strip():
            units.append(Unit(len(units), part, art, para, canon(text, parties)))
    return units


def align(ref: Reference, tree: DocTree, parties: Parties) -> tuple[dict[str, Match], list[Unit]]:
    """Returns the match of every clause id and the draft units left unmatched."""
    units = draft_units(tree, parties)
    clauses = list(ref.clauses)
    matches = {c.id: Match(c) for c in clauses}
    if not units:
        return matches, []
    ref_canon, codes, ref_dense = _reference_forms(ref)
    sim, cover = similarity(ref_dense, [u.canon.translate(codes) for u in units])

    owner: dict[int, str] = {}
    _assign_confident(clauses, units, sim, matches, owner)
    _assign_merged(clauses, units, cover, matches, owner, ref_canon)
    _assign_split(clauses, units, ref_canon, matches, owner)
    _assign_in_place(clauses, units, sim, cover, matches, owner)
    _assign_contained(clauses, units, cover, ref_canon, matches, owner)
    _extend_splits(clauses, units, ref_canon, matches, owner)
    # Text outside articles is left over only where a part has nothing else (an annex whose
    # articles were not recognised); a cover page or a preamble is not an added paragraph.
    leftover = [u for u in units if u.order not in owner and (u.article is not None or not u.part.articles)]
    return matches, leftover


_REF_FORMS: dict[int, tuple[list[str], dict[int, int], list[str]]] = {}


def reference_canon(ref: Reference) -> list[str]:
    """The clauses' normal forms, computed once per reference set (per process)."""
    return _reference_forms(ref)[0]


def _reference_forms(ref: Reference) -> tuple[list[str], dict[int, int], list[str]]:
    """Once per reference set: the clauses' normal forms, their `dense_alphabet` and the
    normal forms renamed with it (what the similarity matrix compares)."""
    key = id(ref)
    if key not in _REF_FORMS:
        forms = [canon(clause_compare_text(c)) for c in ref.clauses]
        codes = dense_alphabet("".join(forms))
        _REF_FORMS[key] = (forms, codes, [f.translate(codes) for f in forms])
    return _REF_FORMS[key]


def dense_alphabet(sample: str) -> dict[int, int]:
    """A translation table that renames characters: the 256 most frequent in `sample`
    get the codes 0–255, the characters that had those codes take the codes freed.

    rapidfuzz looks a character below 256 up in an array and any other in a hash map;
    Japanese text is all "other", and renamed this way the clause × paragraph matrix
    is computed about four times faster (8.8 → 2.2 ms for the 18-page sample). The
    scores do not change: a renaming that is one-to-one keeps every common subsequence.
    """
    top = [ord(c) for c, _ in Counter(sample).most_common(256)]
    table = {code: new for new, code in enumerate(top) if code != new}
    taken = set(top)
    displaced = [code for code in range(len(top)) if code not in taken]  # their code went to a top char
    freed = [code for code in top if code >= len(top)]
    table.update(zip(displaced, freed))
    return table


def warm_up() -> None:
    """Import numpy (~80 ms; rapidfuzz's cdist needs it) now rather than on the first file."""
    import numpy  # noqa: F401


def similarity(refs: list[str], drafts: list[str]) -> tuple[list[list[float]], list[list[float]]]:
    """(ratio, coverage) matrices, clause × paragraph, as nested lists (indexing a list is
    cheaper than a numpy scalar). Coverage is the share of the clause inside the paragraph:
    the LCS, recovered exactly from the Indel ratio, ratio = 2·LCS / (len(a) + len(b)).
    `align` passes both sides renamed by the reference's `dense_alphabet`, for speed only."""
    import numpy as np

    ratio = process.cdist(refs, drafts, scorer=fuzz.ratio, workers=1, dtype=np.float64)
    ref_len = np.array([len(r) for r in refs], dtype=np.float64)[:, None]
    draft_len = np.array([len(d) for d in drafts], dtype=np.float64)[None, :]
    lcs = np.rint(ratio * (ref_len + draft_len) / 200.0)
    cover = lcs / np.maximum(ref_len, 1.0)
    return (ratio / 100.0).tolist(), cover.tolist()


def _take(match: Match, units: list[Unit], score: float, how: str, owner: dict[int, str]) -> None:
    match.units, match.score, match.how = units, float(score), how
    for u in units:
        owner.setdefault(u.order, match.clause.id)


def _assign_confident(clauses, units, sim, matches, owner) -> None:
    pairs = [(score, i, j) for i, row in enumerate(sim) for j, score in enumerate(row) if score >= STRONG]
    for score, i, j in sorted(pairs, key=lambda p: -p[0]):
        match = matches[clauses[i].id]
        if match.units or j in owner:
            continue
        _take(match, [units[j]], score, "best", owner)


def _assign_merged(clauses, units, cover, matches, owner, ref_canon) -> None:
    """A paragraph that holds two neighbouring clauses: it covers this one and is as
    long as both together (a short clause inside a longer one is not a merge)."""
    ref_canon_by_id = {c.id: r for c, r in zip(clauses, ref_canon)}
    for i, clause in enumerate(clauses):
        match = matches[clause.id]
        if match.units:
            continue
        j = max(range(len(units)), key=lambda k: cover[i][k])
        other = owner.get(j)
        other_len = len(ref_canon_by_id[other]) if other else 0
        long_enough = len(units[j].canon) >= 0.75 * (len(ref_canon_by_id[clause.id]) + other_len)
        if other and cover[i][j] >= SHARE and _neighbours(clause.id, other) and long_enough:
            _take(match, [units[j]], cover[i][j], "merged", owner)


def _neighbours(a: str, b: str) -> bool:
    """Two clause ids of the same article (a paragraph merged from both)."""
    return a.rsplit("-", 1)[0] == b.rsplit("-", 1)[0]


def _assign_split(clauses, units, ref_canon, matches, owner) -> None:
    free = [u for u in units if u.order not in owner]
    # consecutive free paragraphs of one block, joined once (not once per clause)
    pairs = [((a, b), a.canon + b.canon) for a, b in zip(free, free[1:])
             if b.order == a.order + 1 and same_block(a, b)]
    if not pairs:
        return
    for i, clause in enumerate(clauses):
        match = matches[clause.id]
        if match.units:
            continue
        best = (0.0, None)
        for pair, joined in pairs:
            score = fuzz.ratio(ref_canon[i], joined) / 100.0
            if score > best[0]:
                best = (score, pair)
        if best[1] and best[0] >= SPLIT and all(u.order not in owner for u in best[1]):
            _take(match, list(best[1]), best[0], "split", owner)


def _assign_in_place(clauses, units, sim, cover, matches, owner) -> None:
    order = {c.id: k for k, c in enumerate(clauses)}
    for i, clause in enumerate(clauses):
        match = matches[clause.id]
        if match.units:
            continue
        lo, hi, same_article = _bounds(clauses, order[clause.id], matches)
        if lo is None and hi is None:
            continue
        window = [u for u in units
                  if u.order not in owner
                  and (lo is None or u.order > lo.order) and (hi is None or u.order < hi.order)
                  and _same_region(u, lo, hi)]
        best = max(window, key=lambda u: sim[i][u.order], default=None)
        if best is None:
            continue
        in_slot = same_article and len(window) == 1 and _in_slot(best, clause, lo, hi) \
            and _closest_unmatched(i, best, clauses, sim, matches)
        floor = IN_SLOT if in_slot else IN_PLACE
        if max(sim[i][best.order], cover[i][best.order]) >= floor:
            _take(match, [best], sim[i][best.order], "in-place", owner)


def _closest_unmatched(i: int, u: Unit, clauses, sim, matches) -> bool:
    """No other clause still unmatched resembles `u` more than clause i does (when 第2項
    was deleted and 第3項 rewritten, the paragraph now numbered 2 is 第3項's)."""
    return all(sim[j][u.order] <= sim[i][u.order] for j, c in enumerate(clauses) if not matches[c.id].units)


def _in_slot(u: Unit, clause: RefClause, lo: Unit | None, hi: Unit | None) -> bool:
    """`u` holds the clause's own place: the paragraph with its number, in the draft article
    of the clause's found neighbours (paragraphs of the same reference article). A short
    rewrite there shares too few characters with the clause to be recognised by text alone."""
    return u.article is not None and u.para.index == clause.paragraph \
        and any(a is not None and a.article is u.article for a in (lo, hi))


def same_block(a: Unit, b: Unit) -> bool:
    """Two units of one article, or both outside articles in the same part."""
    return a.article is b.article and (a.article is not None or a.part is b.part)


def _assign_contained(clauses, units, cover, ref_canon, matches, owner) -> None:
    """A clause kept whole inside a paragraph that the draft extended (more items,
    another sentence), wherever the draft put it."""
    for i, clause in enumerate(clauses):
        match = matches[clause.id]
        if match.units or len(ref_canon[i]) < CONTAINED_MIN_CHARS:
            continue
        free = [u for u in units if u.order not in owner]
        best = max(free, key=lambda u: cover[i][u.order], default=None)
        if best is not None and cover[i][best.order] >= CONTAINED:
            _take(match, [best], cover[i][best.order], "contained", owner)


def _extend_splits(clauses, units, ref_canon, matches, owner) -> None:
    """A clause matched to one paragraph whose unclaimed neighbour (before or after it,
    in the same article) holds the rest of it: the draft split the clause in two."""
    for i, clause in enumerate(clauses):
        match = matches[clause.id]
        if len(match.units) != 1:
            continue
        u = match.units[0]
        alone = fuzz.ratio(ref_canon[i], u.canon) / 100.0
        for k in (u.order - 1, u.order + 1):
            other = units[k] if 0 <= k < len(units) else None
            if other is None or other.order in owner or not same_block(other, u):
                continue
            pair = [other, u] if k < u.order else [u, other]
            joined = fuzz.ratio(ref_canon[i], pair[0].canon + pair[1].canon) / 100.0
            if joined >= alone + 0.05:
                _take(match, pair, joined, "split", owner)
                owner[other.order] = clause.id
                break


def _bounds(clauses, k, matches) -> tuple[Unit | None, Unit | None, bool]:
    """The draft units matched to the nearest found clauses before and after clause k:
    within the same reference article when any was found (third value True), else within
    the same part."""
    for same_article in (True, False):
        lo = _nearest(clauses, k, matches, -1, same_article)
        hi = _nearest(clauses, k, matches, +1, same_article)
        if lo is not None and hi is not None and lo.order >= hi.order:
            lo = hi = None  # the draft reordered things around it: no usable window
        if lo is not None or hi is not None:
            if not same_article and (lo is None or hi is None):
                return None, None, False
            return lo, hi, same_article
    return None, None, False


def _nearest(clauses, k, matches, step, same_article) -> Unit | None:
    target = clauses[k]
    j = k + step
    while 0 <= j < len(clauses):
        c = clauses[j]
        if c.part != target.part or (same_article and c.article != target.article):
            return None
        if matches[c.id].units:
            return matches[c.id].units[0 if step > 0 else -1]
        j += step
    return None


def _same_region(u: Unit, lo: Unit | None, hi: Unit | None) -> bool:
    """The candidate lies in the article of a neighbour, or in the part between them."""
    anchors = [x for x in (lo, hi) if x is not None]
    if any(same_block(u, a) for a in anchors):
        return True
    return all(u.part is a.part for a in anchors) and lo is not None and hi is not None \
        and hi.order - lo.order <= 12
