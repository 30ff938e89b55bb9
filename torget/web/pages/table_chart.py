"""The bar chart on a dataset's page: a count, sum, average, minimum or maximum per group.

The numbers come from the query API's grouped aggregate (`torget.datastore.access.aggregate`)
over the preview's filters, and are drawn as inline SVG on the server (`torget.web.chart`).
Without a choice in the query string the page picks a sensible chart: grouped by the text
or yes/no column with the fewest distinct values (2-25), summing the first measure
(`datastore.measures`: never an identifier, code, year or coordinate), or else counting rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torget.datastore import access
from torget.datastore.measures import measures
from torget.datastore.query import RowQuery
from torget.datastore.refusals import is_number
from torget.datastore.tables import Table
from torget.errors import FieldError, ValidationFailed
from torget.web.chart import BarChart, bar_chart
from torget.web.pages.preview import PAGE_SIZE, PreviewState, row_query, unchosen
from torget.web.pages.table_memo import remembered

__all__ = ["MAX_BARS", "FUNCTIONS", "ChartView", "table_chart", "numeric_columns"]

MAX_BARS = 25
FUNCTIONS = ("count", "sum", "avg", "min", "max")
_GROUPABLE = ("TEXT", "BOOLEAN", "BIGINT", "INTEGER", "DATE")
_CANDIDATES = 8
_DEFAULT_PICK_ROWS = 2_000_000  # above this, no distinct-count probing for a default chart


@dataclass(frozen=True)
class ChartView:
    by: str
    fn: str
    of: str | None
    chart: BarChart
    truncated: bool
    groups: list[str]  # the columns one may group by
    numbers: list[str]  # the numeric columns


def numeric_columns(table: Table) -> list[str]:
    return [n for n, t in table.column_types.items() if is_number(t)]


def _groupable(table: Table) -> list[str]:
    return [n for n, t in table.column_types.items() if n != "geometry" and t in _GROUPABLE]


def _default_group(table: Table) -> str | None:
    """The column the chart groups by unless the reader chose one: probing it asks the table
    for the distinct values of up to `_CANDIDATES` columns, so it is asked once per file."""
    return remembered(table, "default chart column", lambda: _probe_default_group(table))


def _probe_default_group(table: Table) -> str | None:
    if table.row_count > _DEFAULT_PICK_ROWS:
        return None
    kinds = table.column_types
    candidates = [n for n in _groupable(table) if kinds[n] in ("TEXT", "BOOLEAN")][:_CANDIDATES]
    best: tuple[int, str] | None = None
    for name in candidates:
        found = len(access.distinct_values(table, name, RowQuery(), MAX_BARS + 1))
        if 2 <= found <= MAX_BARS and (best is None or found < best[0]):
            best = (found, name)
    return best[1] if best else None


def _amounts(table: Table) -> list[str]:
    return measures(table.column_types)


def _choice(table: Table, state: PreviewState) -> tuple[str, str, str | None] | None:
    numbers = _amounts(table)
    if state.chart_by is None:
        by = _default_group(table)
        if by is None:
            return None
        return (by, "sum", numbers[0]) if numbers else (by, "count", None)
    fn = state.chart_fn or "count"
    problems = []
    if state.chart_by not in _groupable(table):
        problems.append(FieldError("chart_by", f"cannot group by {state.chart_by!r}"))
    if fn not in FUNCTIONS:
        problems.append(FieldError("chart_fn", f"unknown calculation {fn!r}"))
    of = state.chart_of if fn != "count" else None
    if fn != "count" and of not in numeric_columns(table):
        problems.append(FieldError("chart_of", f"{of or ''!r} is not a numeric column"))
    if problems:
        raise ValidationFailed(problems)
    return state.chart_by, fn, of


def table_chart(
    table: Table,
    state: PreviewState,
    empty_label: str,
    number: Callable[[float], str],
) -> ChartView | None:
    """The chart the state asks for (or the default one); None when the table has none."""
    choice = _choice(table, state)
    if choice is None:
        return None
    by, fn, of = choice
    measure = ("count", "*") if fn == "count" else (fn, str(of))
    query = row_query(dataclasses.replace(state, after=None), table, PAGE_SIZE)

    def sums() -> list[dict[str, Any]]:
        return access.aggregate(table, [by], [measure], query, MAX_BARS + 1)

    rows = remembered(table, ("chart", by, measure), sums) if unchosen(state) else sums()
    name = "count" if fn == "count" else f"{fn}_{of}"
    values = []
    for row in rows[:MAX_BARS]:
        label = empty_label if row[by] is None else str(row[by])
        value = float(row[name] or 0)
        values.append((label, value, number(round(value, 2))))
    chart = bar_chart(values)
    return ChartView(by, fn, of, chart, len(rows) > MAX_BARS, _groupable(table),
                     numeric_columns(table))  # fmt: skip
