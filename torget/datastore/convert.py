"""Turning spreadsheets, JSON and GeoJSON into UTF-8 CSV that `ingest` loads like any CSV.

Every format is read and written out a row at a time: JSON value by value (`jsonstream`),
XLSX and ODS sheets streamed from their XML (`xlsx`, `ods`). An XLSX or ODS file is a zip
archive, so the sum of its members' uncompressed sizes is checked against a
limit before anything is decompressed: a zip bomb is refused, not unpacked.

A sheet's table runs from its first to its last column that holds a value, and from its first
row with a value (the header) to its last; empty rows in between stay, as empty rows. Written
while it is read, a sheet is first given the header's columns; only if a later row has a value
outside them is it written again with the full width.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree
from xml.parsers import expat

from torget.datastore import geo, ods, xlsx
from torget.datastore.errors import LoadError
from torget.datastore.json_rows import RowTable, json_records, json_shape
from torget.datastore.notes import Note
from torget.datastore.sniff import column_names

if TYPE_CHECKING:
    from torget.datastore.ingest import Limits

__all__ = ["Part", "to_delimited"]


@dataclass(frozen=True)
class Part:
    label: str
    path: Path
    source: dict[str, Any] = field(default_factory=dict)
    warnings: list[Note] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        midnight = value.time() == dt.time()
        return value.date().isoformat() if midnight else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_csv(name: str, path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write the rows as they come: only one row is in memory at a time."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        try:
            for row in rows:
                writer.writerow([_cell(v) for v in row])
        except RecursionError:  # a value nested almost as deep as the JSON reader allows
            raise LoadError(
                name, "a value is nested too deep to store as JSON text", code="json_too_deep"
            ) from None


def _check_zip(name: str, source: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise LoadError(
            name,
            "not a spreadsheet: the file is not a valid XLSX/ODS archive",
            code="not_a_spreadsheet",
        ) from None
    if total > limits.max_uncompressed_bytes:
        raise LoadError(
            name,
            f"the spreadsheet would unpack to {total} bytes, more than the limit of "
            f"{limits.max_uncompressed_bytes} (a zip bomb?)",
            code="spreadsheet_too_large",
            params={"size": total, "limit": limits.max_uncompressed_bytes},
        )


SheetRows = Callable[[], Iterator[tuple[int, dict[int, Any]]]]  # (row number, {column: value})


def _span(row: dict[int, Any]) -> tuple[int, int] | None:
    filled = [c for c, v in row.items() if v is not None and v != ""]
    return (min(filled), max(filled)) if filled else None


def _write_sheet(label: str, rows: Iterator[tuple[int, dict[int, Any]]], path: Path,
                 columns: tuple[int, int] | None, max_columns: int
                 ) -> tuple[tuple[int, int], tuple[int, int]] | None:  # fmt: skip
    """Write the rows within `columns` (the header's when None) while every value falls in
    them; return (the columns that hold values, the columns written), None for no value."""
    wanted = found = None
    last = -1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for number, row in rows:
            span = _span(row)
            if span is None:
                continue
            found = span if found is None else (min(found[0], span[0]), max(found[1], span[1]))
            if found[1] - found[0] >= max_columns:
                width = found[1] - found[0] + 1
                raise LoadError(label, f"at least {width} columns; the limit is {max_columns} "
                                       "(datastore_max_columns)", code="too_many_columns",
                                params={"count": width, "limit": max_columns})  # fmt: skip
            wanted = wanted or columns or found
            if found[0] < wanted[0] or found[1] > wanted[1]:
                continue  # written again with the full width
            cells = [_cell(row.get(c)) for c in range(wanted[0], wanted[1] + 1)]
            if last < 0:
                writer.writerow(column_names(cells))
            else:
                writer.writerows([[""] * len(cells)] * (number - last - 1))
                writer.writerow(cells)
            last = number
    return None if found is None or wanted is None else (found, wanted)


def _sheet_csv(label: str, rows: SheetRows, path: Path, max_columns: int) -> bool:
    """Write a sheet as CSV (see the module's rules); False when it has no value."""
    spans = _write_sheet(label, rows(), path, None, max_columns)
    if spans is not None and spans[0] != spans[1]:
        _write_sheet(label, rows(), path, spans[0], max_columns)
    return spans is not None


def _xlsx(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    with zipfile.ZipFile(source) as archive:
        try:
            book = xlsx.open_workbook(archive)
        except (KeyError, ValueError, ElementTree.ParseError) as exc:
            raise _unreadable_book(name, str(exc)) from None
        sheets = [
            (sheet, functools.partial(xlsx.sheet_rows, archive, book, member))
            for sheet, member in book.sheets
        ]
        return _sheet_parts(name, sheets, scratch, limits, (KeyError, ValueError, expat.ExpatError))


def _ods(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    with zipfile.ZipFile(source) as archive:
        try:
            names = ods.sheet_names(archive)
        except (KeyError, expat.ExpatError) as exc:
            raise _unreadable_book(name, repr(exc)) from None
        sheets = [
            (sheet, functools.partial(ods.sheet_rows, archive, index))
            for index, sheet in enumerate(names)
        ]
        return _sheet_parts(name, sheets, scratch, limits, (ValueError, expat.ExpatError))


def _unreadable_book(name: str, detail: str) -> LoadError:
    return LoadError(
        name,
        f"the spreadsheet cannot be read: {detail}",
        code="spreadsheet_unreadable",
        params={"detail": detail},
    )


def _sheet_parts(
    name: str,
    sheets: Sequence[tuple[str, SheetRows]],
    scratch: Path,
    limits: Limits,
    unreadable: tuple[type[Exception], ...],
) -> list[Part]:
    """One part per sheet with a value; `unreadable`: the reader's errors for a bad sheet."""
    parts = []
    for index, (sheet, rows) in enumerate(sheets):
        label, path = f"{name} [{sheet}]", scratch / f"sheet{index}.csv"
        try:
            if _sheet_csv(label, rows, path, limits.max_columns):
                parts.append(Part(label, path, {"sheet": sheet}))
        except unreadable as exc:
            raise LoadError(
                label,
                f"the sheet cannot be read: {exc}",
                code="sheet_unreadable",
                params={"detail": str(exc)},
            ) from None
    return parts


def _spreadsheet(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    _check_zip(name, source, limits)
    with zipfile.ZipFile(source) as archive:
        ods = "mimetype" in archive.namelist() and archive.read("mimetype").startswith(
            b"application/vnd.oasis.opendocument"
        )
    parts = (_ods if ods else _xlsx)(name, source, scratch, limits)
    if not parts:
        raise LoadError(name, "every sheet is empty", code="no_rows")
    return parts


def _table_part(name: str, table: RowTable, path: Path) -> Part:
    write_csv(name, path, column_names(table.columns), table.rows())
    return Part(name, path, table.source, table.warnings)


def _json(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    shape = json_shape(name, source)
    if shape.kind == "geojson":
        return _geojson(name, source, scratch, limits)
    table = json_records(name, source, shape, limits.max_columns)
    return [_table_part(name, table, scratch / "json.csv")]


def _geojson(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    table = geo.read_features(name, source, limits.max_columns)
    return [_table_part(name, table, scratch / "geojson.csv")]


def to_delimited(name: str, source: Path, fmt: str, scratch: Path, limits: Limits) -> list[Part]:
    if fmt in ("csv", "tsv"):
        return [Part(name, source)]
    if fmt in ("xlsx", "ods"):
        return _spreadsheet(name, source, scratch, limits)
    if fmt == "geojson":
        return _geojson(name, source, scratch, limits)
    return _json(name, source, scratch, limits)
