"""The table preview on a dataset's page: sortable, filterable, paged, without JavaScript.

Everything the reader chooses travels in the page's query string, so each state is a link:
`preview` picks the distribution, `sort=col` / `sort=-col` the order (the column headers link
to them), each `f=<col>__<op>=<value>` is one filter (the same spelling as the query API's
parameters, kept in one parameter so that a column called `lang` or `format` cannot collide
with the page's own), `q` free text, `page` the page (offsets for the first pages, then the
query API's keyset cursor in `after`). The rows come from `torget.datastore.access`, the same
functions as the query API, so the preview shows exactly what the API would return.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from torget.datastore import access
from torget.datastore import query as querying
from torget.datastore.dictionary import DescribedColumn
from torget.datastore.export import EXPORTS
from torget.datastore.geometry import GeometrySummary, summarise_geometry
from torget.datastore.tables import Table
from torget.errors import FieldError, ValidationFailed
from torget.web.pages.table_memo import remembered
from torget.web.paging import page_number

__all__ = [
    "PAGE_SIZE",
    "OPERATORS",
    "PreviewState",
    "Filter",
    "TablePreview",
    "parse_state",
    "table_preview",
]

PAGE_SIZE = 25
MAX_OFFSET_PAGE = 40  # beyond 1,000 rows the Next link follows the keyset cursor instead
OPERATORS = ("", "gte", "lte", "gt", "lt", "in", "isnull")


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.column}__{self.op}" if self.op else self.column

    @property
    def encoded(self) -> str:
        return f"{self.key}={self.value}"


@dataclass(frozen=True)
class PreviewState:
    """What the reader chose, as parsed from the query string."""

    distribution: str | None = None
    sort: str | None = None
    filters: tuple[Filter, ...] = ()
    q: str | None = None
    page: int = 1
    after: str | None = None
    chart_by: str | None = None
    chart_fn: str | None = None
    chart_of: str | None = None
    problems: tuple[FieldError, ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.distribution:
            out.append(("preview", self.distribution))
        out += [("f", f.encoded) for f in self.filters]
        for key in ("q", "sort", "chart_by", "chart_fn", "chart_of", "after"):
            value = getattr(self, key)
            if value:
                out.append((key, value))
        if self.page > 1 and not self.after:
            out.append(("page", str(self.page)))
        return out

    def url(self, path: str, **changes: Any) -> str:
        """The page's address for this state with `changes`; paging restarts unless given."""
        changes.setdefault("page", 1)
        changes.setdefault("after", None)
        state = dataclasses.replace(self, **changes)
        query = urlencode(state.pairs())
        return f"{path}?{query}#preview" if query else f"{path}#preview"


def _filter(raw: str) -> Filter | None:
    key, eq, value = raw.partition("=")
    if not eq or not key:
        return None
    column, _, op = key.partition("__")
    return Filter(column, op, value)


def _new_filter(params: QueryParams) -> tuple[Filter | None, FieldError | None]:
    column = (params.get("column") or "").strip()
    op = params.get("op") or ""
    value = params.get("value") or ""
    if not column:
        return None, None
    if op not in OPERATORS:
        return None, FieldError("op", f"unknown comparison {op!r}")
    if op == "isnull":
        return Filter(column, op, "true"), None
    if not value.strip():
        return None, FieldError("value", "write the value to compare with")
    return Filter(column, op, value.strip()), None


def parse_state(params: QueryParams) -> PreviewState:
    """The preview's state from a query string; a filter that cannot be read is a problem."""
    filters = []
    problems = []
    for raw in params.getlist("f"):
        found = _filter(raw)
        if found is None:
            problems.append(FieldError("f", f"{raw!r} is not a filter (column=value)"))
        else:
            filters.append(found)
    added, problem = _new_filter(params)
    if added is not None:
        filters.append(added)
    if problem is not None:
        problems.append(problem)
    raw_page = params.get("page") or "1"
    page = page_number(raw_page)
    if raw_page != "1" and page == 1:
        problems.append(FieldError("page", f"{raw_page!r} is not a page number"))
    return PreviewState(
        distribution=params.get("preview") or None,
        sort=params.get("sort") or None,
        filters=tuple(filters),
        q=(params.get("q") or "").strip() or None,
        page=page,
        after=params.get("after") or None,
        chart_by=params.get("chart_by") or None,
        chart_fn=params.get("chart_fn") or None,
        chart_of=params.get("chart_of") or None,
        problems=tuple(problems),
    )


def row_query(state: PreviewState, table: Table, limit: int) -> querying.RowQuery:
    """The state as the query API's checked RowQuery (ValidationFailed names the problem)."""
    if state.problems:
        raise ValidationFailed(list(state.problems))
    pairs = [(f.key, f.value) for f in state.filters]
    if state.q:
        pairs.append(("q", state.q))
    if state.sort:
        pairs.append(("sort", state.sort))
    pairs.append(("limit", str(limit)))
    if state.after:
        pairs.append(("after", state.after))
    else:
        pairs.append(("offset", str((state.page - 1) * limit)))
    return querying.parse_row_query(pairs, table, max(limit, 1))


@dataclass(frozen=True)
class Cell:
    value: Any
    geometry: GeometrySummary | None = None


@dataclass(frozen=True)
class HeaderCell:
    column: DescribedColumn
    sort_url: str
    sorted: str | None  # "ascending" | "descending" | None


@dataclass
class TablePreview:
    table: Table
    headers: list[HeaderCell]
    rows: list[list[Cell]]
    raw_rows: list[dict[str, Any]]
    total: int
    estimated: bool
    first: int
    last: int
    next_url: str | None
    previous_url: str | None
    first_url: str | None
    api_url: str
    downloads: list[tuple[str, str]] = field(default_factory=list)


def _header(state: PreviewState, path: str, column: DescribedColumn) -> HeaderCell:
    current = state.sort or ""
    if current == column.name:
        return HeaderCell(column, state.url(path, sort=f"-{column.name}"), "ascending")
    if current == f"-{column.name}":
        return HeaderCell(column, state.url(path, sort=column.name), "descending")
    return HeaderCell(column, state.url(path, sort=column.name), None)


def _cells(row: dict[str, Any], names: list[str]) -> list[Cell]:
    return [
        Cell(row.get(n), summarise_geometry(row.get(n)) if n == "geometry" else None) for n in names
    ]


def _paging(
    state: PreviewState, path: str, cursor: str | None
) -> tuple[str | None, str | None, str | None]:
    """The next, previous and first pages' addresses (None where there is none)."""
    if state.after:
        following = state.url(path, after=cursor) if cursor else None
        return following, None, state.url(path)
    following = None
    if cursor:
        deep = state.page >= MAX_OFFSET_PAGE
        following = state.url(path, after=cursor) if deep else state.url(path, page=state.page + 1)
    previous = state.url(path, page=state.page - 1) if state.page > 1 else None
    return following, previous, state.url(path) if state.page > 2 else None


def _api_urls(table: Table, state: PreviewState) -> tuple[str, list[tuple[str, str]]]:
    base = f"/api/datastore/{table.distribution_id}"
    pairs = [(f.key, f.value) for f in state.filters]
    if state.q:
        pairs.append(("q", state.q))
    if state.sort:
        pairs.append(("sort", state.sort))
    query = ("?" + urlencode(pairs)) if pairs else ""
    formats = [f for f in EXPORTS if f != "geojson" or "geometry" in table.column_types]
    return f"{base}/rows{query}", [(f, f"{base}/rows.{f}{query}") for f in formats]


def unchosen(state: PreviewState) -> bool:
    """Whether the reader has chosen nothing that changes the table's rows or its chart."""
    return (state.page == 1 and not (state.filters or state.q or state.sort or state.after)
            and not (state.chart_by or state.chart_fn or state.chart_of))  # fmt: skip


def table_preview(
    table: Table,
    columns: list[DescribedColumn],
    state: PreviewState,
    path: str,
    exact_limit: int,
) -> TablePreview:
    """One page of the table as the state asks, with the links that change it."""
    query = row_query(state, table, PAGE_SIZE)

    def fetched() -> access.Page:
        return access.fetch_page(table, query, exact_limit)

    page = remembered(table, ("first page", exact_limit), fetched) if unchosen(state) else fetched()
    names = [c.name for c in columns]
    rows = page.rows
    start = 0 if state.after else query.offset
    following, previous, first = _paging(state, path, page.cursor)
    api_url, downloads = _api_urls(table, state)
    return TablePreview(
        table=table,
        headers=[_header(state, path, c) for c in columns],
        rows=[_cells(r, names) for r in rows],
        raw_rows=rows,
        total=page.total,
        estimated=page.estimated,
        first=start + 1 if rows else 0,
        last=start + len(rows),
        next_url=following,
        previous_url=previous,
        first_url=first,
        api_url=api_url,
        downloads=downloads,
    )
