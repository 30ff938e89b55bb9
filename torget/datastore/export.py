"""Whole tables or query results as files: CSV, JSON, GeoJSON, Parquet and XLSX.

Each export is written to a temporary file in batches (DuckDB writes CSV and Parquet itself;
JSON, GeoJSON and XLSX are written from 10,000-row batches, XLSX by xlsxwriter in constant
memory mode), then streamed to the client and deleted, so the size of a table never decides
the memory a download needs.

CSV and XLSX are opened by spreadsheets, which run a cell that starts with `=`, `+`, `-`, `@`,
tab or CR as a formula (`=HYPERLINK(…)`, DDE). So, by OWASP's rule against CSV injection,
such a text value or column name gets a leading apostrophe in those two formats (`inert`),
and XLSX cells are written by their type (`write_string` for text), never as formulas.
Numbers stay numbers: a negative number is not text. JSON, GeoJSON and Parquet are read by
programs and keep every value as it is.

`excel.csv` is CSV as Excel opens it on a Swedish computer with a double click: UTF-8 with a
byte-order mark (without one, Excel reads Windows-1252 and garbles å, ä, ö), `;` between
fields and a decimal comma (`12,5`), as Excel writes it itself. Plain `csv` stays the
standard's (RFC 4180): `,`, decimal points, no mark.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import duckdb
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from torget.datastore.infer import quote_ident
from torget.datastore.query import RowQuery, _jsonable, select_sql
from torget.datastore.tables import Table
from torget.errors import NotFound

__all__ = ["EXPORTS", "FORMULA_STARTS", "export", "inert", "stream_file"]

EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "excel.csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_BATCH = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The DuckDB types written as numbers, truth values or dates; a value of any other type is
# written as text, and so may need neutralising.
_NOT_TEXT = frozenset({
    "tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger",
    "ubigint", "uhugeint", "float", "double", "decimal", "boolean", "date", "time", "interval",
    "timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns", "timestamp with time zone",
    "time with time zone",
})  # fmt: skip


def inert(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: an apostrophe before a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _batches(result: duckdb.DuckDBPyConnection) -> Iterator[list[tuple[Any, ...]]]:
    while batch := result.fetchmany(_BATCH):
        yield batch


def _json(out: IO[str], names: list[str], result: duckdb.DuckDBPyConnection) -> None:
    out.write("[")
    first = True
    for batch in _batches(result):
        for row in batch:
            record = dict(zip(names, map(_jsonable, row), strict=False))
            out.write(("" if first else ",\n") + json.dumps(record, ensure_ascii=False))
            first = False
    out.write("]\n")


def _geojson(out: IO[str], names: list[str], result: duckdb.DuckDBPyConnection) -> None:
    out.write('{"type": "FeatureCollection", "features": [')
    first = True
    at = names.index("geometry")
    for batch in _batches(result):
        for row in batch:
            props = {n: _jsonable(v) for n, v in zip(names, row, strict=False) if n != "geometry"}
            geometry = json.loads(row[at]) if row[at] else None
            feature = {"type": "Feature", "geometry": geometry, "properties": props}
            out.write(("" if first else ",\n") + json.dumps(feature, ensure_ascii=False))
            first = False
    out.write("]}\n")


_DECIMALS = frozenset({"float", "double", "decimal"})
BOM = "\ufeff".encode()


def _csv_select(relation: duckdb.DuckDBPyRelation, decimal_comma: bool = False) -> str:
    """The relation's columns for a CSV file, text values and column names made `inert`."""
    starts = ", ".join(f"chr({ord(s)})" for s in FORMULA_STARTS)
    columns = []
    for name, kind in zip(relation.columns, relation.types, strict=True):
        value = quote_ident(name)
        if decimal_comma and kind.id in _DECIMALS:
            value = f"replace(CAST({value} AS VARCHAR), '.', ',')"
        elif kind.id not in _NOT_TEXT:
            text = f"CAST({value} AS VARCHAR)"
            value = (
                f"CASE WHEN left({text}, 1) IN ({starts}) THEN chr(39) || {text} ELSE {text} END"
            )
        columns.append(f"{value} AS {quote_ident(inert(name))}")
    return ", ".join(columns)


def _cell(sheet: Worksheet, r: int, c: int, value: Any, dates: Format) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(r, c, value)
    elif isinstance(value, dt.date | dt.time | dt.timedelta):
        sheet.write_datetime(r, c, value, dates)
    else:
        sheet.write_string(r, c, inert(value if isinstance(value, str) else str(value)))


def _xlsx(path: Path, names: list[str], result: duckdb.DuckDBPyConnection) -> None:
    book = Workbook(
        str(path), {"constant_memory": True, "remove_timezone": True, "nan_inf_to_errors": True}
    )
    sheet = book.add_worksheet("data")
    for c, name in enumerate(names):
        sheet.write_string(0, c, inert(name))
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    r = 1
    for batch in _batches(result):
        for row in batch:
            for c, value in enumerate(row):
                _cell(sheet, r, c, value, dates)
            r += 1
    book.close()


def export(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    query: RowQuery,
    fmt: str,
    max_rows: int | None = None,
) -> Path:
    """Write the query's rows (no paging; the first `max_rows` when given) in `fmt` to a
    temporary file and return its path."""
    if fmt == "geojson" and "geometry" not in table.column_types:
        raise NotFound("this table has no geometry; GeoJSON is not available")
    whole = RowQuery(query.filters, query.q, query.sort, query.fields)
    sql, params, names, _ = select_sql(whole, table)
    handle, name = tempfile.mkstemp(suffix="." + fmt)
    os.close(handle)
    path = Path(name)
    inner = f"SELECT {', '.join(quote_ident(n) for n in names)} FROM ({sql})"
    if max_rows is not None:
        inner += f" LIMIT {int(max_rows)}"
    try:
        if fmt in ("csv", "excel.csv", "parquet"):
            relation = con.sql(inner, params=params)
            if fmt in ("csv", "excel.csv"):
                excel = fmt == "excel.csv"
                select = _csv_select(relation, decimal_comma=excel)
                relation = con.sql(f"SELECT {select} FROM ({inner})", params=params)
                relation.write_csv(str(path), header=True, sep=";" if excel else ",")
            else:
                relation.write_parquet(str(path))
        elif fmt == "xlsx":
            _xlsx(path, names, con.execute(inner, params))
        else:
            with path.open("w", encoding="utf-8") as out:
                writer = _geojson if fmt == "geojson" else _json
                writer(out, names, con.execute(inner, params))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def stream_file(path: Path, chunk: int = 1 << 20, fmt: str = "") -> Iterator[bytes]:
    """The file's bytes, deleting it when done (or when the client goes away); an `excel.csv`
    file's after its byte-order mark (DuckDB writes none)."""
    try:
        if fmt == "excel.csv":
            yield BOM
        with path.open("rb") as handle:
            while data := handle.read(chunk):
                yield data
    finally:
        path.unlink(missing_ok=True)
