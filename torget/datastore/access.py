"""Reading a distribution's datastore table: the one door for the JSON API, CKAN's DataStore
actions and the dataset page.

A read opens the table (`open_table`: the permission check, the current version's file, and a
spreadsheet's further sheet when one is named), then asks it for a page of rows (`fetch_page`),
distinct values, aggregates, a download, or a SELECT over several tables (`run_select`). Who
may read follows the catalogue (`catalog.visibility.readable_by`): the distributions of a
published dataset for anyone, a draft's for the members of its organisation and sysadmins;
to anyone else the distribution does not exist (NotFound, never a hint that it does).

Every query runs on a cursor of the cached read-only connection to the version's file
(`readers`). The DuckDB errors a caller can cause, a filter or cursor value that the column's
type cannot hold, become the datastore's own refusals (`refusals`) naming the parameter and
the column; which value it was is found only after DuckDB refused, so a good request pays
nothing for it. Any other DuckDB error is a fault of ours and stays one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.model import DistributionIn
from torget.catalog.rules import slugify
from torget.catalog.visibility import readable_by
from torget.datastore import query as querying
from torget.datastore.export import EXPORTS, export
from torget.datastore.readers import cursor_for
from torget.datastore.refusals import BadParameter, NoTable, TableChanged, ValueDoesNotFit
from torget.datastore.sandbox import SqlSandbox
from torget.datastore.sql import SqlRefused, run_sql
from torget.datastore.tables import Table, current_table, sheet_table, table_of
from torget.datastore.tables import sheets as sheets_in
from torget.db.engine import read
from torget.db.schema import datasets, datastore_tables, distributions
from torget.errors import NotFound
from torget.specifications.combined_table import combined_table, is_combined

__all__ = [
    "Page",
    "open_table",
    "find_table",
    "dataset_tables",
    "sheets",
    "fetch_page",
    "distinct_values",
    "aggregate",
    "download",
    "download_name",
    "file_stem",
    "run_select",
    "refusing_bad_values",
]

# DuckDB's errors about a value, which only a caller's value can cause once the columns,
# operators and functions of a query have been checked.
_VALUE_ERRORS = (duckdb.ConversionException, duckdb.OutOfRangeException,
                 duckdb.InvalidInputException)  # fmt: skip


@dataclass(frozen=True)
class Page:
    """One page of rows: `total` rows match (`estimated` from a sample for large tables);
    `cursor` is the `after` of the next page, None on the last one."""

    rows: list[dict[str, Any]]
    total: int
    estimated: bool
    cursor: str | None
    limit: int


def _readable(distribution_id: str) -> sa.Select[Any]:
    return (
        sa.select(distributions.c.id)
        .join(datasets, datasets.c.id == distributions.c.dataset_id)
        .where(distributions.c.id == distribution_id)
    )


def find_table(conn: sa.Connection, actor: Actor, root: Path, distribution_id: str) -> Table | None:
    """The distribution's current table, None when it has none; NotFound when the actor may not
    read the distribution (or there is no such distribution). A specification's combined
    national table (`specification:<name>:<version>`) is read like one, by anyone."""
    if is_combined(distribution_id):
        return combined_table(conn, root, distribution_id)
    visible = conn.execute(_readable(distribution_id).where(readable_by(actor, datasets))).first()
    if visible is None:
        raise NotFound(f"no distribution {distribution_id!r}")
    return current_table(conn, root, distribution_id)


def open_table(
    conn: sa.Connection, actor: Actor, root: Path, distribution_id: str, sheet: str | None = None
) -> Table:
    """The distribution's table to read, or its further sheet `sheet` (`sheet_2`, …)."""
    table = find_table(conn, actor, root, distribution_id)
    if table is None:
        raise NoTable(distribution_id)
    if sheet is None or sheet == table.name:
        return table
    with _reading(table) as con:
        found = sheet_table(con, table, sheet)
    if found is None:
        raise NoTable(distribution_id, sheet)
    return found


def dataset_tables(
    conn: sa.Connection, actor: Actor, root: Path, distribution_ids: list[str]
) -> dict[str, Table | None]:
    """The current table of each distribution (None where there is none), in one query; those
    the actor may not read are left out."""
    rows = conn.execute(
        sa.select(distributions.c.id, datastore_tables)
        .join(datasets, datasets.c.id == distributions.c.dataset_id)
        .outerjoin(datastore_tables, datastore_tables.c.distribution_id == distributions.c.id)
        .where(distributions.c.id.in_(distribution_ids), readable_by(actor, datasets))
    ).all()
    return {r.id: table_of(r, root) if r.job_id is not None else None for r in rows}


@contextmanager
def refusing_bad_values(
    con: duckdb.DuckDBPyConnection, table: Table, query: querying.RowQuery | None
) -> Iterator[None]:
    """Turn DuckDB's refusal of a value into `ValueDoesNotFit`, naming the parameter and the
    column whose type the value does not fit."""
    try:
        yield
    except _VALUE_ERRORS as exc:
        raise _does_not_fit(con, table, query, exc) from None


def _does_not_fit(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    query: querying.RowQuery | None,
    exc: duckdb.Error,
) -> BadParameter:
    casts = querying.cast_values(query, table.column_types) if query else []
    for parameter, column, kind, value in casts:
        fits = con.execute(f"SELECT TRY_CAST(CAST(? AS VARCHAR) AS {kind}) IS NOT NULL", [value])
        if fits.fetchone() != (True,):
            return ValueDoesNotFit(parameter, column, kind, value)
    return BadParameter("filter", f"a value does not fit: {str(exc).splitlines()[0]}")


@contextmanager
def _reading(
    table: Table, query: querying.RowQuery | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    with ExitStack() as stack:
        try:
            con = stack.enter_context(cursor_for(table.path))
        except duckdb.IOException:  # superseded and removed since it was looked up
            raise TableChanged(table.distribution_id) from None
        with refusing_bad_values(con, table, query):
            yield con


def _unpaged(query: querying.RowQuery) -> None:
    if query.after is not None:
        raise BadParameter("after", "only pages of rows take a cursor; this answer is not paged")


def sheets(table: Table) -> list[dict[str, Any]]:
    """The further sheets of a spreadsheet's table: table name, sheet name, rows."""
    with _reading(table) as con:
        return sheets_in(con)


def fetch_page(table: Table, query: querying.RowQuery, exact_limit: int) -> Page:
    """The query's page of rows; totals are counted exactly up to `exact_limit` rows."""
    with _reading(table, query) as con:
        found = querying.fetch_rows(con, table, query, exact_limit)
    return Page(found["rows"], found["total"], found["total_estimated"], found["cursor"],
                query.limit)  # fmt: skip


def distinct_values(
    table: Table, column: str, query: querying.RowQuery, limit: int
) -> list[dict[str, Any]]:
    """The column's values among the query's rows, the most frequent first, with counts."""
    _unpaged(query)
    with _reading(table, query) as con:
        return querying.distinct(con, table, column, query, limit)


def aggregate(
    table: Table,
    group_by: list[str],
    measures: list[tuple[str, str]],
    query: querying.RowQuery,
    limit: int,
) -> list[dict[str, Any]]:
    """Counts, sums, averages, minima and maxima over the query's rows, per group."""
    _unpaged(query)
    with _reading(table, query) as con:
        return querying.aggregate(con, table, group_by, measures, query, limit)


def download(table: Table, query: querying.RowQuery, fmt: str, max_rows: int | None = None) -> Path:
    """The query's rows (all of them, or the first `max_rows`) as a temporary file in `fmt`,
    one of `export.EXPORTS`; the caller streams it (`export.stream_file`) and so removes it."""
    if fmt not in EXPORTS:
        raise NotFound(f"no format {fmt!r}; available: {', '.join(EXPORTS)}")
    _unpaged(query)
    fields = query.fields or ["geometry"]
    if fmt == "geojson" and "geometry" in table.column_types and "geometry" not in fields:
        raise BadParameter("fields", "a GeoJSON download needs the column 'geometry'")
    with _reading(table, query) as con:
        return export(con, table, query, fmt, max_rows)


def download_name(conn: sa.Connection, table: Table, fmt: str) -> str:
    """A file name for a download, from the dataset's and the distribution's Swedish titles
    (`badplatser-i-sjostad-platser.csv`), the file's name in its URL when the distribution has
    no title, a further sheet's name after it; ASCII, so every browser and shell keeps it."""
    found = conn.execute(
        sa.select(datasets.c.title_sv, distributions.c.data)
        .join(datasets, datasets.c.id == distributions.c.dataset_id)
        .where(distributions.c.id == table.distribution_id)
    ).first()
    parts: list[str] = []
    if found is not None:
        data = DistributionIn.model_validate_json(found.data)
        title = data.title.sv if data.title else None
        own = title or file_stem(data.download_url or data.access_url or "")
        parts = [found.title_sv, *([own] if own and own != found.title_sv else [])]
    if table.name != "data":
        parts.append(table.name)
    stem = slugify(" ".join(p for p in parts if p)) if parts else slugify(table.distribution_id)
    suffix = "excel.csv" if fmt == "excel.csv" else fmt
    return f"{stem}.{suffix}"


def file_stem(url: str) -> str:
    """The name of the file a URL points at, without its extension: `befolkning` for
    `…/files/abc/befolkning.csv?x=1`; "" when the URL names no file."""
    last = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return last.rsplit(".", 1)[0] if "." in last else ""


def run_select(
    engine: sa.Engine, actor: Actor, root: Path, sql: str, sandbox: SqlSandbox
) -> dict[str, Any]:
    """One read-only SELECT over the tables the actor may read (`sql.run_sql`); a table it may
    not read is refused as if it did not exist."""

    def resolve(names: set[str]) -> dict[str, Path]:
        files = {}
        with read(engine) as conn:
            for name in names:
                try:
                    files[name] = open_table(conn, actor, root, name).path
                except NotFound:
                    raise SqlRefused(f"no datastore table {name!r} that you may read") from None
        return files

    return run_sql(sql, resolve, sandbox, anonymous=actor.user is None)
