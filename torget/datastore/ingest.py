"""Loading one file into a new DuckDB database file, typed, with a report of what happened.

Delimited text goes through DuckDB's own `read_csv` with options from `sniff`, every column as
VARCHAR. `infer` guesses each column's type from the first rows, and one
`CREATE TABLE … AS SELECT` from `read_csv` casts while it reads, failing on the first value
that does not fit its guess; only then is the file staged and every rule applied to every row
before the casts (see `infer` for why this is exact). Spreadsheets, JSON and GeoJSON are
first converted to UTF-8 CSV (`convert`), so every format shares the same typing rules. The
result always goes to a file of its own: the caller swaps it in only once the load has
finished (see `tables`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from torget.datastore import convert, geo_columns, sort_keys
from torget.datastore.errors import LoadError
from torget.datastore.infer import (
    SAMPLE_ROWS,
    ColumnType,
    cast_expression,
    checked_expression,
    infer_types,
    quote_ident,
    text_report,
)
from torget.datastore.leftovers import temporary_folder
from torget.datastore.notes import Note, notes_json
from torget.datastore.ragged import even_out
from torget.datastore.sniff import Dialect, has_c1_bytes, sniff, to_utf8

__all__ = ["Limits", "LoadReport", "ingest", "columns_by_table", "FORMATS", "MAIN_TABLE"]

FORMATS = ("csv", "tsv", "xlsx", "ods", "json", "geojson")
MAIN_TABLE = "data"
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Limits:
    max_columns: int = 1000
    max_uncompressed_bytes: int = 1 << 30
    memory_limit: str = "1GB"
    sort_keys_min_rows: int = 50_000  # tables this large get sort-key copies (`sort_keys`)


@dataclass
class LoadReport:
    format: str
    rows: int = 0
    columns: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)
    sheets: list[dict[str, Any]] = field(default_factory=list)  # the tables after `data`
    warnings: list[Note] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "rows": self.rows,
            "columns": self.columns,
            "source": self.source,
            "tables": self.tables,
            "sheets": self.sheets,
            "warnings": notes_json(self.warnings),
        }


def columns_by_table(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each loaded table's columns, from a load's report (`LoadReport.as_json`, as jobs keep it):
    `data`'s, then every further sheet's."""
    sheets = {s["table"]: s["columns"] for s in report.get("sheets", [])}
    main = report.get("columns", [])
    return {t: main if t == MAIN_TABLE else sheets.get(t, []) for t in report.get("tables", [])}


def _connect(target: Path, limits: Limits, scratch: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(target))
    con.execute(f"SET memory_limit = '{limits.memory_limit}'")
    con.execute(f"SET temp_directory = '{scratch}'")
    con.execute("SET preserve_insertion_order = true")
    return con


def _read_csv_sql(path: Path, dialect: Dialect, encoding: str, parallel: bool = True) -> str:
    columns = ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in dialect.columns)
    delim = dialect.delimiter.replace("'", "''")
    return (
        f"read_csv('{str(path).replace(chr(39), chr(39) * 2)}', delim = '{delim}', "
        f"quote = '\"', escape = '\"', header = {str(dialect.header).lower()}, "
        f"auto_detect = false, columns = {{{columns}}}, strict_mode = true, "
        f"null_padding = false, parallel = {str(parallel).lower()}, encoding = '{encoding}', "
        f"skip = {int(dialect.skip)})"
    )


def _readable(path: Path, dialect: Dialect, scratch: Path) -> tuple[Path, str]:
    """The file and the encoding DuckDB reads it in, transcoding only when DuckDB cannot."""
    if dialect.encoding in ("utf-8", "utf-8-sig"):
        return path, "utf-8"
    if not has_c1_bytes(path):  # Windows-1252 and ISO-8859-1 agree outside 0x80-0x9F
        return path, "latin-1"
    readable = scratch / "utf8.csv"
    to_utf8(path, dialect.encoding, readable)
    return readable, "utf-8"


def _describe_duckdb_error(name: str, exc: duckdb.Error) -> LoadError:
    text = str(exc)
    first = text.split("\n", 1)[0].replace("Invalid Input Error: ", "")
    lower = text.lower()
    found = re.search(r"line:?\s*(\d+)", lower)
    line = int(found.group(1)) if found else None
    if "expected" in lower and "columns" in lower or "too many columns" in lower:
        return LoadError(name, "the rows do not all have the same number of fields: " + first,
                         line=line, code="ragged_rows", params={"detail": first})  # fmt: skip
    return LoadError(name, first, line=line, code="unreadable_table", params={"detail": first})


def _number_rows(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Fill `_id`, each row's number in the file: the rows were inserted in file order
    (`preserve_insertion_order`), so it is the row id plus one. Numbering while reading, with
    `row_number() OVER ()`, would make DuckDB read the file on one thread: 20 s instead of
    10 s for 10 M rows (bench/datastore_ingest.py)."""
    con.execute(f"UPDATE {quote_ident(table)} SET _id = rowid + 1")


def _typed_in_one_pass(
    con: duckdb.DuckDBPyConnection,
    readers: tuple[str, str],
    table: str,
    columns: list[str],
    text: Collection[str] = (),
    chosen: dict[str, str] | None = None,
) -> list[ColumnType] | None:
    """Guess from a sample, then cast while reading; None when a value broke a guess.

    `readers` is (serial, parallel): for the first rows, a parallel reader would start on every
    part of the file at once (0.3 s instead of 0.05 s on a 100 MB file)."""
    serial, reader = readers
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE sample AS SELECT * FROM {serial} LIMIT {SAMPLE_ROWS}"
    )
    guesses = infer_types(con, "sample", columns, text=text, chosen=chosen)
    con.execute("DROP TABLE sample")
    select = ", ".join(checked_expression(c) for c in guesses)
    try:
        con.execute(
            f"CREATE TABLE {quote_ident(table)} AS "
            f"SELECT CAST(NULL AS BIGINT) AS _id, {select} FROM {reader}"
        )
    except duckdb.Error:  # a value broke a guess, or the file did: the exact path tells which
        return None
    _number_rows(con, table)
    for column in guesses:
        if column.type == "TEXT" and column.code_length is None and not column.identifier:
            text_report(con, quote_ident(table), column)
    return guesses


def _typed_in_two_passes(
    con: duckdb.DuckDBPyConnection,
    reader: str,
    table: str,
    columns: list[str],
    text: Collection[str] = (),
    chosen: dict[str, str] | None = None,
) -> list[ColumnType]:
    """Every rule over every row of a staged copy, then the casts."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM {reader}")
    types = infer_types(con, "stage", columns, text=text, chosen=chosen)
    select = ", ".join(cast_expression(t.type, t.name, t.chosen) for t in types)
    con.execute(
        f"CREATE TABLE {quote_ident(table)} AS "
        f"SELECT rowid + 1 AS _id, {select} FROM stage ORDER BY rowid"
    )
    con.execute("DROP TABLE stage")
    return types


def _is_ragged(exc: duckdb.Error) -> bool:
    return "Expected Number of Columns" in str(exc)


def _typed(con: duckdb.DuckDBPyConnection, path: Path, dialect: Dialect, table: str,
           scratch: Path, text: Collection[str] = (), chosen: dict[str, str] | None = None
           ) -> list[ColumnType]:  # fmt: skip
    readable, encoding = _readable(path, dialect, scratch)
    reader = _read_csv_sql(readable, dialect, encoding)
    serial = _read_csv_sql(readable, dialect, encoding, parallel=False)
    types = _typed_in_one_pass(con, (serial, reader), table, dialect.columns, text, chosen)
    if types is None:
        types = _typed_in_two_passes(con, reader, table, dialect.columns, text, chosen)
    return types


def _drop_empty(con: duckdb.DuckDBPyConnection, table: str, types: list[ColumnType],
                names: set[str]) -> list[ColumnType]:  # fmt: skip
    """Drop the columns among `names` that hold no value at all."""
    if not names:
        return types
    counts = (
        con.execute(
            "SELECT "
            + ", ".join(f"count({quote_ident(n)})" for n in sorted(names))
            + f" FROM {quote_ident(table)}"
        ).fetchone()
        or ()
    )
    empty = {n for n, c in zip(sorted(names), counts, strict=True) if c == 0}
    for column in empty:
        con.execute(f"ALTER TABLE {quote_ident(table)} DROP COLUMN {quote_ident(column)}")
    return [t for t in types if t.name not in empty]


def load_delimited(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: Path,
    table: str,
    limits: Limits,
    scratch: Path,
    chosen: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Load one delimited text file into `table`; return its part of the report. `chosen`:
    the types an editor chose for some columns (`column_types`)."""
    dialect = sniff(name, path, limits.max_columns)
    warnings = list(dialect.warnings)
    source: dict[str, Any] = {}
    try:
        try:
            types = _typed(con, path, dialect, table, scratch, chosen=chosen)
            loaded = dialect
        except duckdb.Error as exc:
            if not _is_ragged(exc):
                raise
            con.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
            loaded, ragged = even_out(path, dialect.encoding, dialect, scratch / "even.csv")
            extra_column = loaded.columns[-1:]  # the fields beyond the header, as text
            types = _typed(con, scratch / "even.csv", loaded, table, scratch, extra_column, chosen)
            warnings += ragged.notes()
            source["ragged"] = ragged.as_json()
    except duckdb.Error as exc:
        raise _describe_duckdb_error(name, exc) from None
    extra = set(loaded.columns) - set(dialect.columns)
    kept = _drop_empty(con, table, types, set(dialect.unnamed) | extra)
    dropped = set(dialect.unnamed) - {t.name for t in kept}
    if dropped:
        warnings.append(Note("empty_unnamed_dropped", {"count": len(dropped)},
                             f"{len(dropped)} column(s) without a name and without any value "
                             "were left out"))  # fmt: skip
    types = geo_columns.place(con, table, kept, warnings, source)
    rows = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()
    return {
        "rows": rows[0] if rows else 0,
        "columns": [t.as_json() for t in types],
        "source": {
            "encoding": dialect.encoding,
            "delimiter": dialect.delimiter,
            "header": dialect.header,
            **source,
        },
        "warnings": warnings,
    }


def ingest(
    name: str,
    source: Path,
    fmt: str,
    target: Path,
    limits: Limits,
    progress: Progress | None = None,
    chosen: dict[str, str] | None = None,
) -> LoadReport:
    """Load `source` (in `fmt`, one of FORMATS) into a new DuckDB file at `target`; `chosen`
    gives the first table's columns the types an editor chose."""
    tell = progress or (lambda _stage, _pct: None)
    if fmt not in FORMATS:
        raise LoadError(name, f"format {fmt!r} cannot be loaded; loadable: {', '.join(FORMATS)}",
                        code="format_not_loadable",
                        params={"format": fmt, "formats": list(FORMATS)})  # fmt: skip
    if not source.is_file() or source.stat().st_size == 0:
        raise LoadError(name, "the file is empty", code="file_empty")
    report = LoadReport(fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    with temporary_folder(target.parent, target.stem) as tmp:
        scratch = Path(tmp)
        tell("converting", 5)
        parts = convert.to_delimited(name, source, fmt, scratch, limits)
        con = _connect(target, limits, scratch)
        try:
            for i, part in enumerate(parts):
                table = MAIN_TABLE if i == 0 else f"sheet_{i + 1}"
                tell(f"loading {part.label}", 10 + 80 * i / len(parts))
                mine = chosen if i == 0 else None
                loaded = load_delimited(con, part.label, part.path, table, limits, scratch, mine)
                report.tables.append(table)
                report.warnings += part.warnings + loaded["warnings"]
                if i == 0:
                    report.rows, report.columns = loaded["rows"], loaded["columns"]
                    report.source = {**loaded["source"], **part.source}
                else:
                    sheet = str(part.source.get("sheet", part.label)).replace("'", "''")
                    con.execute(f"COMMENT ON TABLE {quote_ident(table)} IS '{sheet}'")
                    report.sheets.append({"table": table, **part.source, **loaded,
                                          "warnings": notes_json(loaded["warnings"])})  # fmt: skip
                    report.warnings.append(Note(
                        "sheet_loaded", {"sheet": part.label, "table": table},
                        f"sheet {part.label!r} loaded as table {table!r}",
                    ))  # fmt: skip
            for table in report.tables:  # for the sort-key copies written after the swap
                sort_keys.index_ids(con, table, limits.sort_keys_min_rows)
            con.execute("CHECKPOINT")
        finally:
            con.close()
    tell("done", 100)
    return report
