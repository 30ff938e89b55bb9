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
from torget.datastore.sniff import column_names

if TYPE_CHECKING:
    from torget.datastore.ingest import Limits

__all__ = ["Part", "to_delimited"]


@dataclass(frozen=True)
class Part:
    label: str
    path: Path
    source: dict[str, Any] = field(default_factory=dict)


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


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])


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


def _spreadsheet(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    from python_calamine import CalamineWorkbook

    _check_zip(name, source, limits)
    try:
        book = CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # calamine raises its own error types per format
        raise LoadError(name, f"the spreadsheet cannot be read: {exc}") from None
    parts = []
    for i, sheet_name in enumerate(book.sheet_names):
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=True)
        if not rows or not any(rows[0]):
            continue
        if len(rows[0]) > limits.max_columns:
            raise LoadError(f"{name} [{sheet_name}]", f"{len(rows[0])} columns; at most "
                            f"{limits.max_columns} are allowed")  # fmt: skip
        path = scratch / f"sheet{i}.csv"
        write_csv(path, column_names([_cell(v) for v in rows[0]]), rows[1:])
        parts.append(Part(f"{name} [{sheet_name}]", path, {"sheet": sheet_name}))
    if not parts:
        raise LoadError(name, "every sheet is empty")
    return parts


def _load_json(name: str, source: Path) -> Any:
    try:
        with source.open("rb") as handle:
            return json.load(handle)
    except UnicodeDecodeError:
        raise LoadError(name, "JSON must be UTF-8") from None
    except json.JSONDecodeError as exc:
        raise LoadError(name, f"invalid JSON: {exc.msg}", line=exc.lineno) from None


def records_to_csv(name: str, records: list[Any], path: Path, limits: Limits) -> None:
    header: dict[str, None] = {}
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise LoadError(name, f"item {i} is not an object; expected an array of objects")
        header.update(dict.fromkeys(record))
        if len(header) > limits.max_columns:
            raise LoadError(name, f"more than {limits.max_columns} fields (item {i})")
    keys = list(header)
    write_csv(path, column_names(keys), ([r.get(k) for k in keys] for r in records))


def _json(name: str, source: Path, scratch: Path, limits: Limits) -> list[Part]:
    data = _load_json(name, source)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return _geojson_data(name, data, scratch, limits)
    if not isinstance(data, list) or not data:
        raise LoadError(name, "expected a non-empty JSON array of objects")
    path = scratch / "json.csv"
    records_to_csv(name, data, path, limits)
    return [Part(name, path)]


def _geojson_data(name: str, data: Any, scratch: Path, limits: Limits) -> list[Part]:
    records, source = geo.feature_records(name, data)
    if not records:
        raise LoadError(name, "the FeatureCollection has no features")
    path = scratch / "geojson.csv"
    records_to_csv(name, records, path, limits)
    return [Part(name, path, source)]


def to_delimited(name: str, source: Path, fmt: str, scratch: Path, limits: Limits) -> list[Part]:
    if fmt in ("csv", "tsv"):
        return [Part(name, source)]
    if fmt in ("xlsx", "ods"):
        return _spreadsheet(name, source, scratch, limits)
    if fmt == "geojson":
        return _geojson_data(name, _load_json(name, source), scratch, limits)
    return _json(name, source, scratch, limits)
