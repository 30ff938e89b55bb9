"""Read-only DuckDB connections to table files, kept open per file and shared by threads.

Each request takes its own cursor (`con.cursor()`), which DuckDB makes safe across threads.
Because every loaded version is a new file, a cached connection never sees a half-swapped
table; connections to superseded files drop out of the small cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

__all__ = ["cursor_for"]

_MAX_OPEN = 64
_lock = threading.Lock()
_open: OrderedDict[Path, duckdb.DuckDBPyConnection] = OrderedDict()


def _connection(path: Path) -> duckdb.DuckDBPyConnection:
    with _lock:
        con = _open.get(path)
        if con is None:
            con = duckdb.connect(str(path), read_only=True)
            _open[path] = con
            while len(_open) > _MAX_OPEN:
                _open.popitem(last=False)[1].close()
        _open.move_to_end(path)
        return con


@contextmanager
def cursor_for(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    cursor = _connection(path).cursor()
    try:
        yield cursor
    finally:
        cursor.close()
