"""Read-only DuckDB connections to table files, kept open per file and shared by threads.

Each request takes its own cursor (`con.cursor()`), which DuckDB makes safe across threads.
Because every loaded version is a new file, a cached connection never sees a half-swapped
table; connections to superseded files drop out of the small cache.

A table's sort-key copies (`sort_keys`, a file written beside the table's after it went live)
are attached to its connection once, when the file is there, and so to every cursor taken
after: an `ATTACH IF NOT EXISTS` on each request's cursor cost a tenth of a deep keyset page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from torget.datastore.sort_keys import attach_keys

__all__ = ["cursor_for"]

_MAX_OPEN = 64
_lock = threading.Lock()


@dataclass
class _Reader:
    con: duckdb.DuckDBPyConnection
    keys: bool = False  # the sort-key copies are attached


_open: OrderedDict[Path, _Reader] = OrderedDict()


def _connection(path: Path) -> duckdb.DuckDBPyConnection:
    with _lock:
        reader = _open.get(path)
        if reader is None:
            reader = _open[path] = _Reader(duckdb.connect(str(path), read_only=True))
            while len(_open) > _MAX_OPEN:
                _open.popitem(last=False)[1].con.close()
        _open.move_to_end(path)
        if not reader.keys:
            reader.keys = attach_keys(reader.con, path)
        return reader.con


@contextmanager
def cursor_for(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    cursor = _connection(path).cursor()
    try:
        yield cursor
    finally:
        cursor.close()
