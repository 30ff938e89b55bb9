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

Kept per process and per database (engine), and brought up to date when `search_index_version`
moved: every write to the index (`documents.index_datasets`, `unindex_dataset`, `reindex`) adds
one to it in the writer's transaction and records the documents it added or removed under the
new version in `search_index_changes` (`changed`; a document is never changed in place), so
every server process (`torget serve --workers N`) sees a commit of another process, or of the
command line, at its next search, for the price of reading one row. The version is read before
the rows, so what is kept may be newer than its version, never older. A change is applied by
reading only the documents it names (`_updated`): the removed ones' bits cleared, the added
ones put at new positions and into each kept order by their sort keys, which are kept for that
and compare in Python as in SQL (byte order: SQLite's BINARY, PostgreSQL's "C"); what the
states hold per position is shared or kept in numpy arrays (`positions.py`), so that a change
costs the change: copied whole, it cost the first search after another process's write 40 of
its 57 ms of CPU at 100,000 datasets (bench/search.py). A full read
(every facet row and the sort orders: 1.5-2.5 s of CPU at 100,000 datasets on a busy machine,
one thread at a time; a server process pays it at start-up, `ready.py`) remains for a process
that keeps nothing yet, fell more than `KEEP` versions behind, or whose changes reach a tenth
of the index (a reindex); kept, about 50 MB at 100,000 datasets. A page of a kept order picks
the order's passing positions with numpy (`Bitmaps.page`): walking it in Python took 40 ms
of CPU to page 4,000.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.visibility import readable_by
from torget.db.schema import (
    dataset_facets,
    search_documents,
    search_facet_counts,
    search_index_changes,
    search_index_version,
)
from torget.memo import Memo
from torget.search.positions import Positions, grown
from torget.search.postings import KeptText

__all__ = ["Bitmaps", "Ranked", "ORDERS", "KEEP", "changed", "current", "keep_with", "members"]

_docs = search_documents
_K = TypeVar("_K")
# The kept orders of the page without text, each exactly as `query._Search._page` sorts.
ORDERS: dict[str, tuple[sa.ColumnElement[object], ...]] = {
    "title_sv": (_docs.c.title_key_sv.asc(), _docs.c.name.asc()),
    "title_en": (_docs.c.title_key_en.asc(), _docs.c.name.asc()),
    "modified": (_docs.c.modified.desc(), _docs.c.name.asc()),
    "name": (_docs.c.name.asc(),),
}


# How many versions of changes `search_index_changes` keeps: a process further behind reads
# the whole index again. Pruned every `_PRUNE` versions.
KEEP = 10_000
_PRUNE = 1000


def changed(conn: sa.Connection, documents: Iterable[int] | sa.Select[int]) -> None:
    """The index changed in this transaction: these documents (ids, or a select of them) were
    added or removed. Every process's bitmaps are out of date until they apply the change."""
    v, log = search_index_version, search_index_changes
    version = conn.execute(
        sa.update(v).where(v.c.id == 1).values(version=v.c.version + 1).returning(v.c.version)
    ).scalar()
    if version is None:
        conn.execute(sa.insert(v).values(id=1, version=1))
        conn.execute(sa.delete(log))  # a count started again: older changes mean nothing
        version = 1
    if isinstance(documents, sa.Select):
        chosen = documents.subquery()
        rows = sa.select(sa.literal(version, sa.BigInteger), chosen.c[0])
        conn.execute(sa.insert(log).from_select(["version", "doc_id"], rows))
    else:
        found = [{"version": version, "doc_id": d} for d in documents]
        if found:
            conn.execute(sa.insert(log), found)
    if version % _PRUNE == 0:
        conn.execute(sa.delete(log).where(log.c.version <= version - KEEP))


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
    order of their score, best first (`query._Search._ranked`): their positions (-1 for a
    document this state does not know), ids and scores, 24 bytes a match (a broad word's
    70,000 in 1.7 MB)."""

    matching: int
    positions: npt.NDArray[np.int64]
    ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]

    @classmethod
    def of(cls, kept: Bitmaps, rows: Iterable[tuple[int, float]]) -> Ranked:
        order = [(d, s) for d, s in rows]
        order.sort(key=itemgetter(1), reverse=True)
        listed = [d for d, _ in order]
        ids = np.array(listed, np.int64)
        positions = np.array(kept.positions.of(listed), np.int64)
        scores = np.array([s for _, s in order], np.float64)
        return cls(kept.of_documents(ids.tolist()), positions, ids, scores)

    @classmethod
    def at(
        cls,
        kept: Bitmaps,
        positions: npt.NDArray[np.int64],
        ids: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64],
    ) -> Ranked:
        """`of` the documents at these positions (ascending), with these ids and scores."""
        order = np.argsort(-scores, kind="stable")
        found = np.zeros(len(kept.ids), np.bool_)
        found[positions] = True
        matching = int.from_bytes(np.packbits(found, bitorder="little").tobytes(), "little")
        return cls(matching, positions[order], ids[order], scores[order])

    def best(self, kept: Bitmaps, passing: int, end: int) -> Ranked:
        """The `passing` documents down to the `end`-th one's score, ties included, best
        first (`matching` left empty)."""
        known = self.positions >= 0
        passes = np.zeros(len(self.positions), np.bool_)
        passes[known] = kept.flags(passing)[self.positions[known]]
        chosen = np.flatnonzero(passes)
        if len(chosen) > end:  # the scores fall along the ranking: the ties follow the end-th
            chosen = chosen[
                : int(np.count_nonzero(self.scores[chosen] >= self.scores[chosen[end - 1]]))
            ]
        return Ranked(0, self.positions[chosen], self.ids[chosen], self.scores[chosen])


@dataclass(frozen=True)
class Bitmaps:
    """One state of the index: documents by position (ids ascending when read whole; added
    documents after them, a removed one's place left empty: id -1), the bitmaps of each
    (organisation, state) and of each facet value, the kept orders as arrays of positions,
    and each position's sort keys (`SortKeys`, a removed one's kept), by which added
    documents find their places."""

    version: int
    ids: npt.NDArray[np.int64]
    positions: Positions
    groups: dict[tuple[str, str], int]
    values: dict[str, dict[str, int]]
    orders: dict[str, npt.NDArray[np.int64]]
    keys: list[SortKeys]  # shared with the states changed from this one (`positions.grown`)
    # The ranking of each recent text query, on this state of the index: a broad word is
    # scored once per process and change, not on every page and filter of it.
    ranked: Memo[Ranked] = field(default_factory=lambda: Memo(32))
    # The documents matching each recent text query, unscored (`kept_search._matched`).
    matched: Memo[int] = field(default_factory=lambda: Memo(32))
    # The documents' terms, to rank a text's matches in the process (`postings.py`).
    text: KeptText = field(default_factory=KeptText)
    # Each position's place in the kept orders (`rank`).
    _arrays: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)

    def of_documents(self, doc_ids: Iterable[int]) -> int:
        """The bitmap of these documents (ids unknown to this state are left out)."""
        found = self.positions.of(list(doc_ids))
        return _bits((p for p in found if p >= 0), len(self.ids))

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
        """The document ids at places start..end of `passing` in a kept order: the order's
        positions that pass, picked at once (numpy: about 1 ms at any depth of 100,000
        documents, where walking the order in Python took 40 ms of CPU to page 4,000)."""
        kept = self.order(order)
        found = kept[self.flags(passing)[kept]][start:end]
        return self.ids[found].tolist()  # type: ignore[no-any-return]

    def flags(self, bits: int) -> npt.NDArray[np.bool_]:
        """A bitmap as one flag per position."""
        raw = np.frombuffer(bits.to_bytes((len(self.ids) >> 3) + 1, "little"), np.uint8)
        return np.unpackbits(raw, bitorder="little")[: len(self.ids)].view(np.bool_)

    def order(self, name: str) -> npt.NDArray[np.int64]:
        """A kept order as an array of positions."""
        return self.orders[name]

    def rank(self, name: str) -> npt.NDArray[np.int64]:
        """Each position's place in a kept order (a removed document's: after every other)."""
        key = f"rank:{name}"
        found = self._arrays.get(key)
        if found is None:
            kept = self.order(name)
            found = np.full(len(self.ids), len(self.ids), np.int64)
            found[kept] = np.arange(len(kept))
            self._arrays[key] = found
        return found


# A document's sort keys: title_key_sv, title_key_en, its `modified` in microseconds negated
# (newest first), name. Compared as the database compares them (ORDERS).
SortKeys = tuple[str, str, int, str]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ORDER_KEYS: dict[str, Callable[[SortKeys], Any]] = {
    "title_sv": lambda k: (k[0], k[3]),
    "title_en": lambda k: (k[1], k[3]),
    "modified": lambda k: (k[2], k[3]),
    "name": lambda k: k[3],
}
_KEYED = (_docs.c.title_key_sv, _docs.c.title_key_en, _docs.c.modified, _docs.c.name)


def _sort_keys(title_sv: str, title_en: str, modified: dt.datetime, name: str) -> SortKeys:
    # SQLite gives back the stored (UTC) time without its zone, and orders the stored text.
    moment = modified if modified.tzinfo else modified.replace(tzinfo=dt.UTC)
    return title_sv, title_en, -((moment - _EPOCH) // dt.timedelta(microseconds=1)), name


def _listed(conn: sa.Connection) -> sa.ColumnElement[str]:
    """A group's documents' ids, comma-separated: one row per value instead of one per row."""
    f = dataset_facets.c
    if conn.dialect.name == "postgresql":
        return sa.func.string_agg(sa.cast(f.doc_id, sa.Text), ",")
    return sa.func.group_concat(f.doc_id, ",")


def _read(conn: sa.Connection, version: int) -> Bitmaps:
    d = _docs.c
    rows = conn.execute(sa.select(d.id, d.organisation_id, d.state, *_KEYED).order_by(d.id)).all()
    ids = [row[0] for row in rows]
    positions = {doc_id: i for i, doc_id in enumerate(ids)}
    size = len(ids)
    grouped: dict[tuple[str, str], list[int]] = {}
    for i, (_, organisation_id, state, *_rest) in enumerate(rows):
        grouped.setdefault((organisation_id, state), []).append(i)
    groups = {key: _bits(found, size) for key, found in grouped.items()}
    keys = [_sort_keys(*row[3:]) for row in rows]
    f = dataset_facets.c
    values: dict[str, dict[str, int]] = {}
    for facet, value, doc_ids in conn.execute(
        sa.select(f.facet, f.value, _listed(conn)).group_by(f.facet, f.value)
    ):
        docs = (positions.get(int(x)) for x in doc_ids.split(","))
        values.setdefault(facet, {})[value] = _bits((p for p in docs if p is not None), size)
    orders = {
        name: np.array([positions[i] for i in conn.execute(sa.select(d.id).order_by(*by)).scalars()
                        if i in positions], np.int64)
        for name, by in ORDERS.items()
    }  # fmt: skip
    return Bitmaps(
        version, np.array(ids, np.int64), Positions(positions), groups, values, orders, keys
    )


@dataclass(frozen=True)
class _Change:
    """What the change log names since a state: the documents' index rows now (those still
    there) and their facet rows."""

    doc_ids: set[int]
    rows: list[tuple[Any, ...]]  # id, organisation, state, the sort keys' columns
    facet_rows: list[tuple[Any, ...]]  # doc_id, facet, value


def _change(kept: Bitmaps, conn: sa.Connection, version: int) -> _Change | None:
    """The documents changed since `kept`'s version, read; None when a full read is due: the
    log does not reach back to `kept`, or the changes (or the places removed documents left
    empty) are too many."""
    if not 0 < version - kept.version < KEEP:
        return None
    log = search_index_changes.c
    named = (
        sa.select(log.doc_id)
        .where(log.version > kept.version, log.version <= version)
        .distinct()
        .subquery()
    )
    doc_ids = set(conn.execute(sa.select(named.c.doc_id)).scalars())
    live = len(kept.positions)
    if len(doc_ids) > max(1000, live // 10) or len(kept.ids) + len(doc_ids) > live * 5 // 4 + 1000:
        return None
    d, f = _docs.c, dataset_facets.c
    rows = conn.execute(
        sa.select(d.id, d.organisation_id, d.state, *_KEYED).where(d.id.in_(sa.select(named)))
    ).all()
    facet_rows = conn.execute(
        sa.select(f.doc_id, f.facet, f.value).where(f.doc_id.in_(sa.select(named)))
    ).all()
    return _Change(doc_ids, [tuple(r) for r in rows], [tuple(r) for r in facet_rows])


def _updated(kept: Bitmaps, conn: sa.Connection, version: int) -> Bitmaps | None:
    """`kept` with the changes since its version applied (`search_index_changes`), reading
    only the documents they name, at a cost that follows the change, not the catalogue: the
    removed ones' places emptied, the added ones put at new positions and into each kept
    order by their sort keys; None when a full read is due (`_change`, `_placed`)."""
    change = _change(kept, conn, version)
    if change is None:
        return None
    size = len(kept.ids)
    removed = sorted(kept.positions[d] for d in change.doc_ids if d in kept.positions)
    added = {row[0]: size + i for i, row in enumerate(change.rows)}
    ids = np.concatenate([kept.ids, np.fromiter(added, np.int64, len(added))])
    ids[removed] = -1
    keys = grown(kept.keys, size, (_sort_keys(*row[3:]) for row in change.rows))
    orders = {}
    for name, order in kept.orders.items():
        placed = _placed(order, _ORDER_KEYS[name], keys, removed, list(added.values()))
        if placed is None:
            return None
        orders[name] = placed
    groups, values = _regrouped(kept, change, removed, added, len(ids))
    positions = kept.positions.changed(change.doc_ids, added)
    return Bitmaps(version, ids, positions, groups, values, orders, keys, text=KeptText(kept.text))


def _regrouped(
    kept: Bitmaps, change: _Change, removed: list[int], added: dict[int, int], size: int
) -> tuple[dict[tuple[str, str], int], dict[str, dict[str, int]]]:
    """The bitmaps of the groups and of the facet values after the change."""
    gone = _bits(removed, size)
    grouped: dict[tuple[str, str], list[int]] = {}
    for doc_id, organisation_id, state, *_rest in change.rows:
        grouped.setdefault((organisation_id, state), []).append(added[doc_id])
    by_value: dict[str, dict[str, list[int]]] = {}
    for doc_id, facet, value in change.facet_rows:
        if doc_id in added:  # its facet rows may outlive it in a newer snapshot than its row's
            by_value.setdefault(facet, {}).setdefault(value, []).append(added[doc_id])
    groups = _applied(kept.groups, gone, grouped, size)
    values = {
        facet: _applied(kept.values.get(facet, {}), gone, by_value.get(facet, {}), size)
        for facet in {*kept.values, *by_value}
    }
    return groups, values


def _placed(
    order: npt.NDArray[np.int64],
    by: Callable[[SortKeys], Any],
    keys: list[SortKeys],
    removed: list[int],
    added: list[int],
) -> npt.NDArray[np.int64] | None:
    """A kept order without the `removed` positions and with the `added` ones, each found by
    bisection on its sort keys (keys end with the unique name, so a position's place is
    exact); None if the order and the keys disagree (a full read then puts it right)."""

    def key(p: int) -> Any:
        return by(keys[p])

    at = []
    for p in removed:
        i = bisect.bisect_left(order, key(p), key=key)
        if i == len(order) or order[i] != p:
            return None
        at.append(i)
    placed = np.delete(order, at) if at else order
    new = sorted(added, key=key)
    where = [bisect.bisect_left(placed, key(p), key=key) for p in new]
    return np.insert(placed, where, new) if new else placed


def _applied(
    bitmaps: dict[_K, int], gone: int, added: dict[_K, list[int]], size: int
) -> dict[_K, int]:
    """The bitmaps without the `gone` positions and with the `added` ones, empty ones left out."""
    out = {}
    for key, bits in bitmaps.items():
        if bits & gone:
            bits &= ~gone
        out[key] = bits
    for key, found in added.items():
        out[key] = out.get(key, 0) | _bits(found, size)
    return {key: bits for key, bits in out.items() if bits}


_kept: weakref.WeakKeyDictionary[sa.Engine, Bitmaps] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_made: weakref.WeakKeyDictionary[sa.Engine, Callable[[sa.Connection, Bitmaps, bool], None]] = (
    weakref.WeakKeyDictionary()
)


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
            updated = kept and _updated(kept, conn, int(version))
            kept = updated or _read(conn, int(version))
            if (made := _made.get(engine)) is not None:
                made(conn, kept, not updated)
            _kept[engine] = kept
    return kept


def keep_with(engine: sa.Engine, made: Callable[[sa.Connection, Bitmaps, bool], None]) -> None:
    """Call `made(conn, state, whole)` on each new state of the engine's bitmaps before any
    search uses it (`whole`: read whole, not changed from the state before): `ready.py`."""
    _made[engine] = made
