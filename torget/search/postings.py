"""Each document's terms per weighted field, kept per process beside the bitmaps, to rank a
text's matches without asking the database.

A broad word matches tens of thousands of documents, and scoring all of them in the database
cost 170-430 ms of CPU per new word at 100,000 datasets (SQLite: FTS5 finding the prefix's
terms and bm25 of each match, then Python reading the rows; bench/search.py). Here every term
has its postings (the documents, by the bitmaps' positions, with the term's count in each of
the four weighted fields: title, keywords and themes, description, the rest) and every
document its fields' lengths, as numpy arrays (and its title's words and roots, for the
title's bonus: `scores.title_bonus`), so that `scores.py` computes the backend's own
formula over all matches at once, in the order of operations the backend uses, for the same
numbers to the last bit.

Kept on a state of the bitmaps (`Bitmaps.text`) and made when a text search first needs it,
or, in a server process, with the state itself (`ready.py`):
read whole (the documents' terms: 3-6 s of CPU at 100,000 datasets on a busy machine, about
70 MB, and 32 MB of titles; once per process and full read of the bitmaps), or from the
postings of an older state, which an applied change leaves valid for every position it had
(a removed document's place is emptied in the bitmaps, never reused) with the documents at
the new positions read and kept apart (`_Segment`, rebuilt from their kept texts at each
change: the changes between two full reads are few).
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa

from torget.db.schema import search_documents
from torget.search.positions import grown

if TYPE_CHECKING:
    from torget.search.bitmaps import Bitmaps

__all__ = ["Postings", "KeptText", "FIELDS", "Title", "Places", "MAX_PLACES", "MAX_PLACE"]

# The weighted fields, in the order both backends keep them (FTS5's columns, PostgreSQL's
# A-D labels): what a document's text is split into.
FIELDS = 4
_LAST = "\U0010ffff"
Texts = tuple[str, str, str, str]  # a document's terms per field, space-separated
IntArray = npt.NDArray[np.int64]
# A term's places in a document, as PostgreSQL's tsvector keeps them: the field in the top two
# bits (0: the title, weight A … 3: the rest, D), the position (from 1, the fields one after
# the other) in the other 14.
Places = npt.NDArray[np.uint16]
_NO_PLACES: Places = np.zeros(0, np.uint16)
# PostgreSQL's limits: a tsvector keeps at most 255 places of a term per field (256 after
# concatenating the fields), positions up to 16,383 (later ones are merged into it).
MAX_PLACES = 255
MAX_PLACE = 16383
# A document's title as its relevance compares it with a query (`scores.title_bonus`): its
# plain words (`title_words`) and its Swedish and English roots, each space-separated and
# with a space before and after (as `query._tier` compares them).
Title = tuple[str, str, str]


def _places(lengths: IntArray) -> IntArray:
    """Each occurrence's place (`Places`), in the order `_Segment.of` lists them: field by
    field, document by document, word by word."""
    found = []
    before = np.zeros(len(lengths), np.int64)  # the document's words in the earlier fields
    for f in range(FIELDS):
        n = lengths[:, f]
        start = np.cumsum(n) - n  # where each document's words begin in this field's run
        position = np.arange(int(n.sum())) - np.repeat(start - before - 1, n)
        found.append(np.minimum(position, MAX_PLACE) | f << 14)
        before = before + n
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def _fields(title_sv: str, title_en: str, keywords: str, body: str, extra: str) -> Texts:
    return f"{title_sv} {title_en}", keywords, body, extra


@dataclass(frozen=True)
class _Segment:
    """The postings of some documents: term i's are `positions[starts[i]:starts[i+1]]`
    (ascending), with their counts per field in the same rows of `counts`; with `places`
    (PostgreSQL only), each posting's places in its document, ascending, term i's being
    `places[place_starts[i]:place_starts[i+1]]`."""

    terms: list[str]  # sorted: a prefix's terms are a run of them
    starts: IntArray
    positions: IntArray
    counts: npt.NDArray[np.int32]  # one row per posting, one column per field
    places: Places
    place_starts: IntArray
    crowded: IntArray  # the positions with a term more than MAX_PLACES times (ascending)

    @classmethod
    def of(
        cls, texts: Sequence[tuple[int, Texts]], places: bool = False
    ) -> tuple[_Segment, IntArray]:
        """The segment of these documents' texts, and their fields' lengths (a row each)."""
        where = np.array([p for p, _ in texts], dtype=np.int64)
        tokens: list[list[str]] = []
        lengths = np.zeros((len(texts), FIELDS), dtype=np.int64)
        for f in range(FIELDS):
            split = [fields[f].split() for _, fields in texts]
            lengths[:, f] = [len(found) for found in split]
            tokens.append(list(itertools.chain.from_iterable(split)))
        terms = sorted(set(itertools.chain.from_iterable(tokens)))
        index = {t: i for i, t in enumerate(terms)}
        term_of = np.array([index[t] for found in tokens for t in found], dtype=np.int64)
        at = np.concatenate([np.repeat(where, lengths[:, f]) for f in range(FIELDS)])
        size = int(where.max()) + 1 if len(where) else 1
        # Every occurrence by term, document and place: a posting is a run of them.
        keys = np.sort((term_of * size + at) << 16 | _places(lengths))
        rows = keys >> 16
        first = np.ones(len(keys), np.bool_)
        first[1:] = rows[1:] != rows[:-1]
        row = np.cumsum(first) - 1
        flat = np.bincount(row * FIELDS + (keys >> 14 & 3), minlength=int(first.sum()) * FIELDS)
        counts = flat.reshape(-1, FIELDS).astype(np.int32)
        rows = rows[first]
        starts = np.searchsorted(rows // size, np.arange(len(terms) + 1)).astype(np.int64)
        sizes = counts.sum(axis=1)
        crowded = np.unique(rows[sizes > MAX_PLACES] % size)
        if not places:
            return cls(terms, starts, rows % size, counts, _NO_PLACES, starts * 0, crowded), lengths
        ends = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        kept = (keys & 0xFFFF).astype(np.uint16)
        return cls(terms, starts, rows % size, counts, kept, ends[starts], crowded), lengths

    def matching(self, lexeme: str, prefix: bool) -> Iterator[tuple[str, slice]]:
        """The terms a query form matches (itself, or every term it begins), in byte order,
        each with its rows of postings."""
        lo = bisect.bisect_left(self.terms, lexeme)
        hi = bisect.bisect_left(self.terms, lexeme + _LAST) if prefix else lo + 1
        for i in range(lo, min(hi, len(self.terms))):
            if prefix or self.terms[i] == lexeme:
                yield self.terms[i], slice(int(self.starts[i]), int(self.starts[i + 1]))


@dataclass(frozen=True)
class Postings:
    """The postings of every document of one state of the bitmaps: `base` (read whole),
    `added` (the documents placed by changes since, with their texts), and each position's
    field lengths."""

    base: _Segment
    added: _Segment
    added_texts: tuple[tuple[int, Texts], ...]
    lengths: npt.NDArray[np.int64]  # positions × fields
    ids: IntArray  # the document at each position (-1: removed), as `Bitmaps.ids`
    titles: list[Title | None]  # each position's title (a list the states share: `grown`)

    def postings(
        self, lexeme: str, prefix: bool
    ) -> list[tuple[str, IntArray, npt.NDArray[np.int32]]]:
        """(term, positions, counts per field) of every term the form matches, in the order
        of the terms (a term kept in both segments: its base postings, then its added ones)."""
        found = [
            (t, s, rows) for s in (self.base, self.added) for t, rows in s.matching(lexeme, prefix)
        ]
        found.sort(key=lambda item: item[0])  # stable: base before added
        return [(t, s.positions[rows], s.counts[rows]) for t, s, rows in found]

    def occurrences(self, lexeme: str, prefix: bool) -> list[tuple[IntArray, IntArray, Places]]:
        """(positions, the number of places in each, the places) of every term the form
        matches, in `postings`' order: kept on PostgreSQL only (`_Segment.places`)."""
        found = [
            (t, s, rows) for s in (self.base, self.added) for t, rows in s.matching(lexeme, prefix)
        ]
        found.sort(key=lambda item: item[0])
        out = []
        for _, s, rows in found:
            i = int(np.searchsorted(s.starts, rows.start, side="right")) - 1
            places = s.places[s.place_starts[i] : s.place_starts[i + 1]]
            out.append((s.positions[rows], s.counts[rows].sum(axis=1, dtype=np.int64), places))
        return out

    def crowded(self, positions: IntArray) -> bool:
        """Whether a document at these positions is beyond what the kept places say of
        PostgreSQL's tsvector: a term more than `MAX_PLACES` times (PostgreSQL drops the
        rest, and its length then counts fewer), or a place beyond `MAX_PLACE`."""
        if not len(positions):
            return False
        many = np.concatenate([self.base.crowded, self.added.crowded])
        long = int(self.lengths[positions].sum(axis=1).max()) >= MAX_PLACE
        return long or bool(np.isin(positions, many).any())


def _read_texts(
    conn: sa.Connection, positions: Mapping[int, int], ids: Iterable[int] | None
) -> tuple[list[tuple[int, Texts]], list[tuple[int, Title]]]:
    """The documents' texts by position, and their titles."""
    d = search_documents.c
    stmt = sa.select(
        d.id, d.title_sv, d.title_en, d.keywords, d.body, d.extra,
        d.title_words, d.roots_sv, d.roots_en,
    )  # fmt: skip
    if ids is not None:
        stmt = stmt.where(d.id.in_(list(ids)))
    out, titles = [], []
    for doc_id, *fields in conn.execute(stmt):
        p = positions.get(doc_id)
        if p is not None:
            out.append((p, _fields(*fields[:5])))
            titles.append((p, (f" {fields[5]} ", f" {fields[6]} ", f" {fields[7]} ")))
    return out, titles


def _titles(
    read: list[tuple[int, Title]],
    size: int,
    older: list[Title | None] | None = None,
    known: int = 0,
) -> list[Title | None]:
    """Every position's title: the first `known` that `older` (a list the states share,
    `positions.grown`) holds, and these read ones."""
    titles: list[Title | None] = [None] * (size - known)
    for p, title in read:
        titles[p - known] = title
    return titles if older is None else grown(older, known, titles)


def _lengths(
    texts: Sequence[tuple[int, Texts]], rows: IntArray, size: int, older: IntArray | None = None
) -> IntArray:
    """Every position's field lengths: those `older` knew, and these texts' `rows`."""
    lengths = np.zeros((size, FIELDS), dtype=np.int64)
    if older is not None:
        lengths[: len(older)] = older
    lengths[[p for p, _ in texts]] = rows
    return lengths


def _postings(conn: sa.Connection, kept: Bitmaps, before: Postings | None) -> Postings:
    size = len(kept.ids)
    places = conn.dialect.name == "postgresql"  # only `ts_rank` weighs the words' places
    ids = kept.ids
    if before is None:
        texts, read = _read_texts(conn, kept.positions, None)
        base, rows = _Segment.of(texts, places)
        lengths = _lengths(texts, rows, size)
        return Postings(base, _Segment.of([])[0], (), lengths, ids, _titles(read, size))
    known = len(before.lengths)
    new = kept.ids[known:]
    new = new[new >= 0]
    texts, read = _read_texts(conn, kept.positions, new.tolist()) if len(new) else ([], [])
    titles = _titles(read, size, before.titles, known)
    if not texts:
        lengths = _lengths([], np.zeros((0, FIELDS), np.int64), size, before.lengths)
        return Postings(before.base, before.added, before.added_texts, lengths, ids, titles)
    added = (*before.added_texts, *texts)
    segment, rows = _Segment.of(added, places)
    lengths = _lengths(added, rows, size, before.lengths)
    return Postings(before.base, segment, added, lengths, ids, titles)


class KeptText:
    """The postings of one state of the bitmaps, made at the first text search that needs
    them, from those of the state it was changed from (`before`) when that had them."""

    def __init__(self, before: KeptText | None = None):
        self._before = before
        self._postings: Postings | None = None
        self._lock = threading.Lock()

    def latest(self) -> KeptText | None:
        """This holder if it has postings, else the nearest older one that has."""
        here: KeptText | None = self
        while here is not None and here._postings is None:
            here = here._before
        return here

    @property
    def ready(self) -> bool:
        """Whether this state's postings are made."""
        return self._postings is not None

    def postings(self, conn: sa.Connection, kept: Bitmaps) -> Postings:
        if self._postings is None:
            with self._lock:
                if self._postings is None:
                    older = self._before.latest() if self._before else None
                    self._postings = _postings(conn, kept, older._postings if older else None)
                    self._before = None  # the older states' postings may go
        return self._postings
