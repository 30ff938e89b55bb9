"""What the data page asks a table before the reader chooses anything, kept per table file.

A loaded table's file never changes: every load and every write through the datastore makes a
new one (`torget.datastore.tables`), and a combined specification table is a new file per
build. So a question asked of one file has one answer for as long as the file is the table,
and the dataset page asks the same ones of every view: its first page of rows, the column
its chart groups by and the chart's sums. Those were most of a data page's server time
(issue 21). Only the unchosen view is kept, so what is kept stays one page and one chart per
table, whatever readers filter and sort.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from torget.datastore.tables import Table

__all__ = ["remembered"]

_T = TypeVar("_T")
_KEPT = 1024  # answers, the oldest forgotten first
_answers: dict[tuple[Hashable, ...], object] = {}
_lock = threading.Lock()


def remembered(table: Table, question: Hashable, answer: Callable[[], _T]) -> _T:
    """`answer()` for `question` of `table`, asked once per table file. Callers must not
    change what it returns: the next view of the page gets the same object."""
    key = (str(table.path), table.name, question)
    if key in _answers:
        return _answers[key]  # type: ignore[return-value]
    found = answer()
    with _lock:  # the server's threads share it
        _answers[key] = found
        while len(_answers) > _KEPT:
            del _answers[next(iter(_answers))]
    return found
