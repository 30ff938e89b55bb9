"""Turning spreadsheets, JSON and GeoJSON into UTF-8 CSV that `ingest` loads like any CSV.

Spreadsheets are read with python-calamine (Rust; ten times faster than openpyxl). An XLSX or
ODS file is a zip archive, so the sum of its members' uncompressed sizes is checked against a
limit before anything is decompressed: a zip bomb is refused, not unpacked.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from torget.datastore import geo
from torget.datastore.errors import LoadError
from torget.datastore.json_rows import RowTable, json_records, json_shape
from torget.datastore.sniff import column_names

if TYPE_CHECKING:
    from torget.datastore.ingest import Limits

__all__ = ["Part", "to_delimited"]


@dataclass(frozen=True)
class Part:
    label: str
    path: Path
    source: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


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
            raise LoadError(name, "a value is nested too deep to store as JSON text") from None


def _check_zip(name: str, source: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise LoadError(
            name, "not a spreadsheet: the file is not a valid XLSX/ODS archive"
        ) from None
    if total > limits.max_uncompressed_bytes:
        raise LoadError(
            name,
            f"the spreadsheet would unpack to {total} bytes, more than the limit of "
            f"{limits.max_uncompressed_bytes} (a zip bomb?)",
        )


def _sheet_part(name: str, book: Any, index: int, scratch: Path, limits: Limits) -> Part | None:
    """One sheet as CSV, row by row (`iter_rows` turns one row at a time into Python
    objects; calamine itself holds the sheet's cells, about 70 bytes each); None if empty."""
    sheet_name = book.sheet_names[index]
    label = f"{name} [{sheet_name}]"
    sheet = book.get_sheet_by_name(sheet_name)
    if sheet.width > limits.max_columns:
        raise LoadError(label, f"{sheet.width} columns; the limit is {limits.max_columns} "
                               "(datastore_max_columns)")  # fmt: skip
    rows = sheet.iter_rows()
    header = next((row for row in rows if any(row)), None)  # rows above the data are empty
    if header is None:
        return None
    path = scratch / f"sheet{index}.csv"
    write_csv(label, path, column_names([_cell(v) for v in header]), rows)
    return Part(label, path, {"sheet": sheet_name})


def _spreadsheet(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    from python_calamine import CalamineWorkbook

    _check_zip(name, source, limits)
    try:
        book = CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # calamine raises its own error types per format
        raise LoadError(name, f"the spreadsheet cannot be read: {exc}") from None
    found = (_sheet_part(name, book, i, scratch, limits) for i in range(len(book.sheet_names)))
    parts = [part for part in found if part is not None]
    if not parts:
        raise LoadError(name, "every sheet is empty")
    return parts


def _table_part(name: str, table: RowTable, path: Path) -> Part:
    write_csv(name, path, column_names(table.columns), table.rows())
    return Part(name, path, table.source, table.warnings)


def _json(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    shape = json_shape(name, source)
    if shape == "geojson":
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
