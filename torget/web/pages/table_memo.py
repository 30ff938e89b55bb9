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

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from torget.datastore.tables import Table
from torget.memo import Memo

__all__ = ["remembered"]

_T = TypeVar("_T")
_answers: Memo[Any] = Memo(1024)


def remembered(table: Table, question: Hashable, answer: Callable[[], _T]) -> _T:
    """`answer()` for `question` of `table`, asked once per table file. Callers must not
    change what it returns: the next view of the page gets the same object."""
    return cast(_T, _answers.get((str(table.path), table.name, question), answer))
