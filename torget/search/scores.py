"""The backends' relevance formulas over the kept postings (`postings.py`), all matches at once.

Each formula is the backend's own, step by step in its order of operations and its number
types, so that every score equals, bit for bit, what the database computes (the test
`tests/search/test_scores.py` compares them on many queries, and the pages built on them):

* SQLite: FTS5's `bm25` (sqlite/ext/fts5/fts5_aux.c) with the column weights of migration
  0024 (10, 5, 2, 1), k1 = 1.2, b = 0.75, one IDF per phrase (query form) from the number of
  documents holding it, each document's length the sum of its fields', all in doubles.
* PostgreSQL: `ts_rank(document, query, 1)` (src/backend/utils/adt/tsrank.c). A query of
  one word (or whose forms are one text) by `calc_rank_or`: per query form in byte order,
  per matching term in byte order, the positions' weights A-D summed as Σ w/i² in floats,
  added in doubles and kept as a float, divided by the number of forms; a query of several
  words by `calc_rank_and`, which weighs the distances between the words' places
  (`proximity.py`, from the places the postings keep on PostgreSQL); either then divided by
  log2(1 + the document's length). Not kept here (`rank` answers None, and PostgreSQL ranks
  in SQL): a query asking for one text both as itself and as a prefix (which of the two
  PostgreSQL keeps depends on its sort), and a match near the tsvector's limits (a term
  more than 255 times, or 16,383 positions), where PostgreSQL drops or merges positions.

The document's positions of a term are those of its fields in the order title (A), keywords
(B), description (C), the rest (D), as the generated tsvector concatenates them, so a term's
counts per field say all its weights in order.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt

from torget.search.postings import FIELDS, IntArray, Postings, Title
from torget.search.proximity import Floats, operands, rank_and
from torget.search.text import Form, QueryWord, fold

__all__ = ["matching", "rank", "keeps_formula", "title_bonus", "TIER", "SHORT"]

Mask = npt.NDArray[np.bool_]
Scores = npt.NDArray[np.float64]

# The order of relevance: the tier of the title's match, then the title's shortness, then the
# backend's score (bm25, ts_rank), each step above any difference in the next.
TIER = 100_000.0
SHORT = 1000.0

_K1, _B = 1.2, 0.75
_BM25_WEIGHTS = np.array([10.0, 5.0, 2.0, 1.0])
# ts_rank's default weights, by field: A (title), B, C, D.
_TS_WEIGHTS = tuple(np.float32(w) for w in (1.0, 0.4, 0.2, 0.1))


def _form_hits(postings: Postings, lexeme: str, prefix: bool) -> tuple[IntArray, IntArray]:
    """The positions holding any term of a form (repeated once per term), with the counts
    per field of each."""
    found = postings.postings(lexeme, prefix)
    if not found:
        return np.zeros(0, np.int64), np.zeros((0, FIELDS), np.int64)
    return (np.concatenate([p for _, p, _ in found]),
            np.concatenate([c for _, _, c in found]).astype(np.int64))  # fmt: skip


def matching(postings: Postings, words: list[QueryWord], title: bool = False) -> Mask:
    """The live documents holding every word in some form (in the title, when `title`: the
    backends' `in_title`)."""
    found = postings.ids >= 0
    for word in words:
        has = np.zeros(len(found), np.bool_)
        for form in word.forms():
            where, counts = _form_hits(postings, form.lexeme, form.prefix)
            has[where[counts[:, 0] > 0] if title else where] = True
        found &= has
    return found


def title_bonus(postings: Postings, titled: IntArray, words: list[QueryWord]) -> Scores:
    """The part of relevance from the title (`query._Search.title_bonus`) of each of these
    positions, whose titles hold every word (`matching(..., title=True)`), from the kept
    titles: what the database computed row by row (15-35 ms for a broad word's 7,800 titles).

    The tiers are `query._tier`'s steps on the same strings, in one loop without a call per
    title (a few ms for thousands). Every titled position has at least tier 1, since its title
    holds every word in some form (`_tier`'s last test, which asks the same of the same
    terms). Both databases compute the bonus in doubles (the literals are bound as floats,
    the count of spaces cast to one), in this order."""
    typed = " " + " ".join(fold(w.word) for w in words) + " "
    sv, en = (" " + " ".join(w.roots[i] for w in words) + " " for i in (0, 1))
    tiers = np.ones(len(titled), np.float64)
    spaces = np.zeros(len(titled), np.int64)
    titles = postings.titles
    for k, p in enumerate(titled.tolist()):
        title: Title | None = titles[p]
        if title is None:
            continue
        plain, roots_sv, roots_en = title
        spaces[k] = plain.count(" ") - 2
        if plain == typed:
            tiers[k] = 4.0
        elif roots_sv == sv or roots_en == en:
            tiers[k] = 3.0
        elif sv in roots_sv or en in roots_en:
            tiers[k] = 2.5 if typed in plain else 2.0
    return tiers * TIER + (1.0 / (spaces + 1.0)) * SHORT


def rank(
    dialect: str, postings: Postings, words: list[QueryWord]
) -> tuple[IntArray, Scores] | None:
    """The positions of the documents matching every word, with the backend's score of each;
    None when the formula is not kept here (see the module's docstring)."""
    if dialect == "postgresql":
        return _ts_rank(postings, words)
    return _bm25(postings, words)


def keeps_formula(dialect: str, words: list[QueryWord]) -> bool:
    """Whether `rank` computes the backend's formula for this query over documents within
    the tsvector's limits (`Postings.crowded`)."""
    return dialect != "postgresql" or operands(words) is not None


def _bm25(postings: Postings, words: list[QueryWord]) -> tuple[IntArray, Scores]:
    live = postings.ids >= 0
    size = len(live)
    rows = int(live.sum())
    total = int(postings.lengths[live].sum())
    found = live.copy()
    frequencies: list[Scores] = []
    for word in words:
        has = np.zeros(size, np.bool_)
        for form in word.forms():
            where, counts = _form_hits(postings, form.lexeme, form.prefix)
            weights = counts @ _BM25_WEIGHTS
            frequency = np.bincount(where, weights, size).astype(np.float64, copy=False)
            frequency[~live] = 0.0
            frequencies.append(frequency)
            has |= frequency > 0
        found &= has
    positions = np.flatnonzero(found)
    if not rows or not len(positions):
        return positions, np.zeros(len(positions))
    average = float(total) / float(rows)
    length = postings.lengths[positions].sum(axis=1).astype(np.float64)
    norm = _K1 * ((1 - _B) + _B * length / average)
    score: Scores = np.zeros(len(positions))
    for frequency in frequencies:
        hits = int(np.count_nonzero(frequency))
        idf = math.log((rows - hits + 0.5) / (hits + 0.5))
        f = frequency[positions]
        score = score + (idf if idf > 0.0 else 1e-6) * ((f * (_K1 + 1.0)) / (f + norm))
    return positions, score


@functools.lru_cache(maxsize=4096)
def _or_part(counts: tuple[int, ...]) -> float:
    """`calc_rank_or`'s addition for one term of a document whose positions carry these
    counts of each weight, A first: (wjm + Σ w/i² - wjm/(jm+1)²) / 1.64493406685."""
    resj, wjm, jm, j = np.float32(0.0), np.float32(-1.0), 0, 0
    for weight, n in zip(_TS_WEIGHTS, counts, strict=True):
        for _ in range(n):
            resj = np.float32(resj + np.float32(weight / np.float32((j + 1) * (j + 1))))
            if weight > wjm:
                wjm, jm = weight, j
            j += 1
    first = np.float32(wjm / np.float32((jm + 1) * (jm + 1)))
    return float(np.float32(np.float32(wjm + resj) - first)) / 1.64493406685


@functools.lru_cache(maxsize=65536)
def _log_length(length: int) -> float:
    return math.log(float(length + 1)) / math.log(2.0)


def _rank_or(postings: Postings, positions: IntArray, forms: list[Form]) -> Floats:
    """`calc_rank_or`'s result for the documents at these positions, holding some form."""
    found = [hit for f in forms for hit in postings.postings(f.lexeme, f.prefix)]
    counts = np.concatenate([c for _, _, c in found]).astype(np.int64)
    # Each document's term's addition depends only on its counts per field: one per kind.
    key = ((counts[:, 0] * 256 + counts[:, 1]) * 256 + counts[:, 2]) * 256 + counts[:, 3]
    kinds, which = np.unique(key, return_inverse=True)
    part = np.array([_or_part(tuple(int(k) >> s & 255 for s in (24, 16, 8, 0))) for k in kinds])
    parts = part[which.ravel()]
    res = np.zeros(len(postings.ids), np.float32)
    start = 0
    for _, where, _ in found:  # in order: a document's additions are rounded one by one
        end = start + len(where)
        res[where] = (res[where].astype(np.float64) + parts[start:end]).astype(np.float32)
        start = end
    return res[positions] / np.float32(len(forms))


def _ts_rank(postings: Postings, words: list[QueryWord]) -> tuple[IntArray, Scores] | None:
    forms = operands(words)
    positions = np.flatnonzero(matching(postings, words))
    if forms is None or postings.crowded(positions):
        return None
    if not len(positions):
        return positions, np.zeros(0)
    if len(words) > 1 and len(forms) > 1:  # the query's top operator is AND
        res = rank_and(postings, positions, forms)
    else:
        res = _rank_or(postings, positions, forms)
    length = postings.lengths[positions].sum(axis=1)
    lengths, back = np.unique(length, return_inverse=True)
    logs = np.array([_log_length(int(n)) for n in lengths], np.float64)[back.ravel()]
    return positions, (res.astype(np.float64) / logs).astype(np.float32).astype(np.float64)
