"""PostgreSQL's `ts_rank` of a query of several words, from the kept places of the terms.

For a query whose top operator is AND, `ts_rank` (src/backend/utils/adt/tsrank.c,
`calc_rank_and`, PostgreSQL 15) weighs how near the words are: it takes the query's operands
(every form of every word) sorted and deduplicated by their text, and for each operand i,
each term of the document it matches, each earlier operand k that matched (its last matched
term), and each pair of places of the two terms at a distance d > 0, it folds

    w = sqrt(weight(a) × weight(b) × word_distance(d))       in floats, the root in doubles
    res = w for the first pair, then 1 - (1 - res) × (1 - w)  in doubles, kept as a float

where word_distance(d) = 1 / (1.005 + 0.05 × exp(d / 1.5 - 2)) (1e-30 beyond 100). No pair
leaves 1e-20. Every step rounds to a float, so the pairs are folded in that order, one
step for every document at a time (the documents are independent): the pairs of every
document are first laid out in its order, then folded column by column, the documents with
the most pairs first, the last few one by one. Operands that deduplicate to one are ranked
by `calc_rank_or` (`scores._ts_rank`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from torget.search.postings import IntArray, Places, Postings
from torget.search.text import Form, QueryWord

__all__ = ["operands", "rank_and"]

Floats = npt.NDArray[np.float32]
# ts_rank's default weights, by field: A (title), B, C, D.
_WEIGHTS = np.array([1.0, 0.4, 0.2, 0.1], np.float32)
_FAR = 100  # word_distance beyond it: 1e-30
_NO_PAIR = np.float32(1e-20)
# Documents still folding below which the rest is folded one document at a time (a document
# with a word 100 times near another 100 times: 10,000 steps, ~3 ms instead of ~100 ms).
_FEW = 2


def _word_distance() -> Floats:
    """word_distance(d) for d = 0 … 101 (0 is never asked; 101 stands for any farther)."""
    near = [1.0 / (1.005 + 0.05 * math.exp(float(np.float32(d)) / 1.5 - 2)) for d in range(101)]
    return np.array([*near, 1e-30], np.float32)


_DISTANCE = _word_distance()


def operands(words: list[QueryWord]) -> list[Form] | None:
    """The query's operands as `SortAndUniqItems` leaves them: every form of every word, in
    byte order, one per text. None when a text is asked for both as itself and as a prefix,
    as PostgreSQL keeps whichever its sort puts first."""
    kinds: dict[str, set[bool]] = {}
    for word in words:
        for form in word.forms():
            kinds.setdefault(form.lexeme, set()).add(form.prefix)
    if any(len(prefix) > 1 for prefix in kinds.values()):
        return None
    return [Form(t, kinds[t].pop()) for t in sorted(kinds, key=lambda t: t.encode())]


@dataclass(frozen=True)
class _Operand:
    """An operand's matched terms among the candidates: per term, each posting's candidate
    (its index among them), first place in `places` and number of places; and per candidate,
    where the places of its last matched term begin, and how many there are (0: none)."""

    terms: list[tuple[IntArray, IntArray, IntArray]]
    places: Places
    last_first: IntArray
    last_size: IntArray

    @classmethod
    def of(cls, postings: Postings, form: Form, dense: IntArray, count: int) -> _Operand:
        terms, found, offset = [], [], 0
        last_first, last_size = np.zeros(count, np.int64), np.zeros(count, np.int64)
        for positions, sizes, places in postings.occurrences(form.lexeme, form.prefix):
            firsts = np.cumsum(sizes) - sizes + offset
            which = dense[positions]
            among = which >= 0
            which, firsts, sizes = which[among], firsts[among], sizes[among]
            if len(which):
                terms.append((which, firsts, sizes))
                last_first[which], last_size[which] = firsts, sizes  # later terms: the last
            found.append(places)
            offset += len(places)
        joined = np.concatenate(found) if found else np.zeros(0, np.uint16)
        return cls(terms, joined, last_first, last_size)


def _pairs(
    term: tuple[IntArray, IntArray, IntArray], one: _Operand, other: _Operand
) -> tuple[IntArray, Floats]:
    """The candidate and `w` of every pair of a term of `one` with the last term of `other`
    in each candidate, in `calc_rank_and`'s order within each (pairs at distance 0 left out)."""
    which, firsts, sizes = term
    theirs = other.last_size[which]
    n = sizes * theirs
    row = np.repeat(np.arange(len(which)), n)
    within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    mine = one.places[firsts[row] + within // theirs[row]].astype(np.int64)
    near = other.places[other.last_first[which][row] + within % theirs[row]].astype(np.int64)
    distance = np.abs((mine & 0x3FFF) - (near & 0x3FFF))
    apart = distance > 0
    weights = _WEIGHTS[mine[apart] >> 14] * _WEIGHTS[near[apart] >> 14]
    w = weights * _DISTANCE[np.minimum(distance[apart], _FAR + 1)]
    return which[row[apart]], np.sqrt(w.astype(np.float64)).astype(np.float32)


def _fold(count: int, pairs: list[tuple[IntArray, Floats]]) -> Floats:
    """`res` of each candidate after its pairs, given in its order (`_pairs` in order)."""
    made = np.zeros(count, np.int64)
    at: list[IntArray] = []
    for which, _ in pairs:  # each candidate's pairs (ascending) numbered on from its earlier
        per = np.bincount(which, minlength=count)
        at.append(made[which] + np.arange(len(which)) - (np.cumsum(per) - per)[which])
        made += per
    first = np.cumsum(made) - made
    laid = np.zeros(int(made.sum()), np.float32)
    for (which, w), number in zip(pairs, at, strict=True):
        laid[first[which] + number] = w
    order = np.argsort(-made, kind="stable")  # the most pairs first: a shrinking prefix
    res = np.full(count, -1.0, np.float32)
    folded = res[order]
    starts, counts = first[order], made[order]
    for step in range(int(counts[0]) if count else 0):
        active = int(np.searchsorted(-counts, -step, side="left"))
        if active <= _FEW:  # a step per numpy call no longer pays: one document at a time
            for d in range(active):
                folded[d] = _fold_one(folded[d], laid[starts[d] + step : starts[d] + counts[d]])
            break
        w = laid[starts[:active] + step]
        if step == 0:
            folded[:active] = w
        else:
            before = 1.0 - folded[:active].astype(np.float64)
            folded[:active] = (1.0 - before * (1.0 - w.astype(np.float64))).astype(np.float32)
    res[order] = folded
    res[res < 0] = _NO_PAIR
    return res


def _fold_one(res: np.float32, pairs: Floats) -> np.float32:
    """`_fold`'s steps for one document, from `res`."""
    folded = float(res)
    for w in pairs.tolist():
        folded = w if folded < 0 else float(np.float32(1.0 - (1.0 - folded) * (1.0 - w)))
    return np.float32(folded)


def rank_and(postings: Postings, candidates: IntArray, forms: list[Form]) -> Floats:
    """`calc_rank_and`'s result (before the length's normalisation) for each candidate
    position (ascending), the query's operands being `forms` (`operands`, two or more)."""
    dense = np.full(len(postings.ids), -1, np.int64)
    dense[candidates] = np.arange(len(candidates))
    found = [_Operand.of(postings, form, dense, len(candidates)) for form in forms]
    pairs = [
        _pairs(term, one, found[k])
        for i, one in enumerate(found)
        for term in one.terms
        for k in range(i)
    ]
    return _fold(len(candidates), pairs)
