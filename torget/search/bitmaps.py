"""The documents of each facet value as bitmaps, kept per process, to count large result sets.

Counting facets by joining the matches to their facet rows reads about ten rows per match: for
two facets without text, or a broad word ("data": a quarter of 100,000 datasets), 300-570 ms of
CPU per search (bench/search.py). Here every facet value has a bitmap of its documents (a
Python int: bit i for the i-th document by id), so a facet's counts over any set of documents
are one AND and one popcount per value, about 2 ms for 200 values at 100,000 documents; and the
page of a search without text is a walk along the sort order kept beside them (`Bitmaps.page`),
which reaches page 1 of a quarter of the catalogue after 80 documents. A text query's matches
are scored once per state (`Ranked`, the last 32 queries): ranking every match of a broad
word cost 200-500 ms (bm25 or ts_rank of tens of thousands of documents), and its next page,
filter or sort order then walks the kept ranking to the page's last score and orders only
those few by use, recency and name, as `query._Search._page` does.

Kept per process and per database (engine), and rebuilt when `search_index_version` moved:
every write to the index (`documents.index_datasets`, `unindex_dataset`, `reindex`) adds one to
it in the writer's transaction (`changed`), so every server process (`torget serve --workers
N`) sees a commit of another process, or of the command line, at its next search, for the price
of reading one row. The version is read before the rows, so what is kept may be newer than its
version, never older. A rebuild reads every facet row and the sort orders: 1.5-2.5 s of CPU at
100,000 datasets on a busy machine, paid by the first search after a change in each process,
one thread at a time (the others wait for it); kept, about 30 MB.
"""

from __future__ import annotations

import threading
import weakref
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.visibility import readable_by
from torget.db.schema import (
    dataset_facets,
    search_documents,
    search_facet_counts,
    search_index_version,
)
from torget.memo import Memo

__all__ = ["Bitmaps", "Ranked", "ORDERS", "changed", "current"]

_docs = search_documents
# The kept orders of the page without text, each exactly as `query._Search._page` sorts.
ORDERS: dict[str, tuple[sa.ColumnElement[object], ...]] = {
    "title_sv": (_docs.c.title_key_sv.asc(), _docs.c.name.asc()),
    "title_en": (_docs.c.title_key_en.asc(), _docs.c.name.asc()),
    "modified": (_docs.c.modified.desc(), _docs.c.name.asc()),
    "name": (_docs.c.name.asc(),),
}


def changed(conn: sa.Connection) -> None:
    """The index changed in this transaction: every process's bitmaps are out of date."""
    v = search_index_version
    moved = conn.execute(sa.update(v).where(v.c.id == 1).values(version=v.c.version + 1))
    if moved.rowcount == 0:
        conn.execute(sa.insert(v).values(id=1, version=1))


def _bits(positions: Iterable[int], size: int) -> int:
    found = bytearray((size >> 3) + 1)
    for p in positions:
        found[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(found, "little")


def members(bits: int) -> list[int]:
    """The positions of the set bits, in increasing order."""
    out: list[int] = []
    for i, byte in enumerate(bits.to_bytes((bits.bit_length() >> 3) + 1, "little")):
        if byte:
            out.extend(i * 8 + j for j in range(8) if byte >> j & 1)
    return out


@dataclass(frozen=True)
class Ranked:
    """The documents matching one query, by position: all of them as a bitmap, and in the
    order of their score, best first (`query._Search._ranked`)."""

    matching: int
    ids: array[int]  # compact: 16 bytes a match, a broad word's 70,000 in 1.1 MB
    scores: array[float]

    @classmethod
    def of(cls, kept: Bitmaps, rows: Iterable[tuple[int, float]]) -> Ranked:
        order = [(d, s) for d, s in rows]
        order.sort(key=itemgetter(1), reverse=True)
        ids = array("q", (d for d, _ in order))
        return cls(kept.of_documents(ids), ids, array("d", (s for _, s in order)))

    def best(self, kept: Bitmaps, passing: int, end: int, most: int) -> dict[int, float] | None:
        """The `passing` documents (id → score) down to the `end`-th one's score, ties
        included; None when they are more than `most`."""
        flags = passing.to_bytes((len(kept.ids) >> 3) + 1, "little")
        where = kept.positions
        found: dict[int, float] = {}
        last = None
        for doc_id, score in zip(self.ids, self.scores, strict=True):
            p = where.get(doc_id)
            if p is None or not flags[p >> 3] >> (p & 7) & 1:
                continue
            if len(found) >= end and score != last:
                break
            found[doc_id] = last = score
            if len(found) > most:
                return None
        return found


@dataclass(frozen=True)
class Bitmaps:
    """One state of the index: documents by position (ids ascending), the bitmaps of each
    (organisation, state) and of each facet value, and the kept orders as positions."""

    version: int
    ids: list[int]
    positions: dict[int, int]
    groups: dict[tuple[str, str], int]
    values: dict[str, dict[str, int]]
    orders: dict[str, list[int]]
    # The ranking of each recent text query, on this state of the index: a broad word is
    # scored once per process and change, not on every page and filter of it.
    ranked: Memo[Ranked] = field(default_factory=lambda: Memo(32))

    def of_documents(self, doc_ids: Iterable[int]) -> int:
        """The bitmap of these documents (ids unknown to this state are left out)."""
        where = self.positions
        return _bits((where[d] for d in doc_ids if d in where), len(self.ids))

    def readable(self, conn: sa.Connection, actor: Actor) -> int:
        """The documents the actor may read: the (organisation, state) groups that
        `readable_by` lets through, as the kept counts list them (every document has an
        organisation facet row)."""
        c = search_facet_counts.c
        keys = conn.execute(
            sa.select(c.organisation_id, c.state)
            .where(readable_by(actor, search_facet_counts), c.facet == "organisation")
            .distinct()
        )
        found = 0
        for organisation_id, state in keys:
            found |= self.groups.get((organisation_id, state), 0)
        return found

    def chosen(self, facet: str, values: list[str]) -> int:
        """The documents with any of the values of `facet`."""
        kept = self.values.get(facet, {})
        found = 0
        for value in values:
            found |= kept.get(value, 0)
        return found

    def counts(
        self, within: int, filters: dict[str, int], facets: list[str]
    ) -> dict[str, dict[str, int]]:
        """Per facet, the count of each value among the documents `within` that pass every
        filter (a bitmap per stored facet) but the facet's own."""
        out: dict[str, dict[str, int]] = {}
        for facet in facets:
            base = within
            for name, passing in filters.items():
                if name != facet:
                    base &= passing
            found = {}
            for value, bits in self.values.get(facet, {}).items():
                n = (base & bits).bit_count()
                if n:
                    found[value] = n
            out[facet] = found
        return out

    def page(self, passing: int, order: str, start: int, end: int) -> list[int]:
        """The document ids at places start..end of `passing` in a kept order: a walk along
        the order when it reaches the page soon, else the passing documents sorted."""
        n = passing.bit_count()
        if n == 0 or start >= n:
            return []
        kept = self.orders[order]
        if end * len(kept) // n <= 4 * n:
            found, seen = [], 0
            flags = passing.to_bytes((len(self.ids) >> 3) + 1, "little")
            for p in kept:
                if flags[p >> 3] >> (p & 7) & 1:
                    if seen >= start:
                        found.append(p)
                        if len(found) == end - start:
                            break
                    seen += 1
        else:
            rank = self._ranks(order)
            found = sorted(members(passing), key=rank.__getitem__)[start:end]
        return [self.ids[p] for p in found]

    def _ranks(self, order: str) -> list[int]:
        rank = [0] * len(self.ids)
        for i, p in enumerate(self.orders[order]):
            rank[p] = i
        return rank


def _read(conn: sa.Connection, version: int) -> Bitmaps:
    d = _docs.c
    rows = conn.execute(sa.select(d.id, d.organisation_id, d.state).order_by(d.id)).all()
    ids = [row[0] for row in rows]
    positions = {doc_id: i for i, doc_id in enumerate(ids)}
    size = len(ids)
    grouped: dict[tuple[str, str], list[int]] = {}
    for i, (_, organisation_id, state) in enumerate(rows):
        grouped.setdefault((organisation_id, state), []).append(i)
    groups = {key: _bits(found, size) for key, found in grouped.items()}
    f = dataset_facets.c
    # One row per value with its documents' ids, instead of a row per document and value.
    listed = (
        sa.func.string_agg(sa.cast(f.doc_id, sa.Text), ",")
        if conn.dialect.name == "postgresql"
        else sa.func.group_concat(f.doc_id, ",")
    )
    values: dict[str, dict[str, int]] = {}
    for facet, value, doc_ids in conn.execute(
        sa.select(f.facet, f.value, listed).group_by(f.facet, f.value)
    ):
        docs = (positions.get(int(x)) for x in doc_ids.split(","))
        values.setdefault(facet, {})[value] = _bits((p for p in docs if p is not None), size)
    orders = {
        name: [positions[i] for i in conn.execute(sa.select(d.id).order_by(*keys)).scalars()
               if i in positions]
        for name, keys in ORDERS.items()
    }  # fmt: skip
    return Bitmaps(version, ids, positions, groups, values, orders)


_kept: weakref.WeakKeyDictionary[sa.Engine, Bitmaps] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def current(conn: sa.Connection) -> Bitmaps | None:
    """The bitmaps of the index as the connection sees it now (None on a database whose index
    has no version yet: searches then count in SQL)."""
    v = search_index_version
    version = conn.execute(sa.select(v.c.version).where(v.c.id == 1)).scalar()
    if version is None:
        return None
    engine = conn.engine
    kept = _kept.get(engine)
    if kept is not None and kept.version == version:
        return kept
    with _lock:
        kept = _kept.get(engine)
        if kept is None or kept.version != version:
            kept = _read(conn, int(version))
            _kept[engine] = kept
    return kept
