"""Whole tables or query results as files: CSV, JSON, GeoJSON, Parquet and XLSX.

Each export is written to a temporary file in batches (DuckDB writes CSV and Parquet itself;
JSON, GeoJSON and XLSX are written from 10,000-row batches, XLSX by xlsxwriter in constant
memory mode), then streamed to the client and deleted, so the size of a table never decides
the memory a download needs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import duckdb

from torget.datastore.infer import quote_ident
from torget.datastore.query import RowQuery, _jsonable, select_sql
from torget.datastore.tables import Table
from torget.errors import NotFound

__all__ = ["EXPORTS", "export", "stream_file"]

EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_BATCH = 10_000


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


def _xlsx(path: Path, names: list[str], result: duckdb.DuckDBPyConnection) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, names)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    r = 1
    for batch in _batches(result):
        for row in batch:
            for c, value in enumerate(row):
                if hasattr(value, "isoformat"):
                    sheet.write_datetime(r, c, value, dates)
                else:
                    sheet.write(r, c, value)
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
        if fmt in ("csv", "parquet"):
            relation = con.sql(inner, params=params)
            if fmt == "csv":
                relation.write_csv(str(path), header=True)
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


def stream_file(path: Path, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The file's bytes, deleting it when done (or when the client goes away)."""
    try:
        with path.open("rb") as handle:
            while data := handle.read(chunk):
                yield data
    finally:
        path.unlink(missing_ok=True)
