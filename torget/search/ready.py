"""A server process's search made ready before it answers: what a first search would pay.

Each process keeps the index's bitmaps (`bitmaps.py`) and the postings of its text
(`postings.py`). Read at the first search that needed them, they cost that search 2 s and
3-8 s of CPU at 100,000 datasets, and every process of `torget serve --workers N` had its own
first searcher. `keep_ready` reads them when the process starts, and makes one search for
what else a first search loads, before the process accepts a connection (the server's
start-up, `web/server.py`); from then on every new state of the index (another process's or
the command line's write, seen at the next search) gets its postings with it, from the older
state's (an applied change reads only the documents it
names), so no text search pays for them.

It also freezes what the process holds then (`gc.freeze`): Python's collector walks every
container object it tracks at each full collection, and a server's modules, app and kept
structures are about 130,000 of them: 80 ms of CPU each time, and 100-170 ms pauses under
load in the middle of a search. Frozen, they are never walked again; after a full read of
the index (a reindex), the new structures are frozen in turn. Only a process that called
`keep_ready` does either: a test run or the command line keeps the lazy, unfrozen way.
"""

from __future__ import annotations

import gc
import logging

import sqlalchemy as sa

from torget.accounts.permissions import ANONYMOUS
from torget.db.engine import read
from torget.search import bitmaps
from torget.search.query import search_datasets
from torget.search.request import SearchQuery

__all__ = ["keep_ready"]

_log = logging.getLogger(__name__)
_FIRST = [
    SearchQuery(filters={"theme": ["ENVI"], "format": ["CSV"]}),
    SearchQuery(text="torget", filters={"theme": ["ENVI"]}),
]


def keep_ready(engine: sa.Engine, freeze: bool = True) -> None:
    """Read the index's bitmaps and postings now, keep every later state of them ready, and
    (`freeze`) take what the process holds out of the collector's walks. A failure is logged,
    not raised: searches then read what they need, as before."""

    def made(conn: sa.Connection, kept: bitmaps.Bitmaps, whole: bool) -> None:
        kept.text.postings(conn, kept)  # from the older state's when changed from one
        if whole:
            for name in bitmaps.ORDERS:
                kept.rank(name)
            if freeze:
                _frozen()

    bitmaps.keep_with(engine, made)
    try:
        with read(engine) as conn:
            if bitmaps.current(conn) is not None:
                # What else a process's first searches load once (the facets' labels, among
                # them a specification's workbook; compiled statements): 50 ms more for the
                # first searcher. A word few datasets hold: nothing is ranked in advance.
                for query in _FIRST:
                    search_datasets(conn, ANONYMOUS, query)
    except sa.exc.SQLAlchemyError:
        _log.exception("search: the kept index could not be read at start-up")
    if freeze:
        _frozen()


def _frozen() -> None:
    gc.collect()  # the garbage first: a frozen cycle would never be freed
    gc.freeze()
