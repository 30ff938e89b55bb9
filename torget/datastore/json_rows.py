"""Rows from JSON: an array of objects or NDJSON, nested objects flattened into `a.b` columns.

A file is read twice, each time value by value (`jsonstream`): first to learn every column
(the union of the rows' keys, in the order they first appear, refused past
`datastore_max_columns` as soon as the count is passed), then to write the rows. Nested
objects become columns named by their path (`adress.gata`), as CKAN's and most portals'
flat exports name them; lists, and objects nested more than `MAX_DEPTH` levels, stay JSON text
in one column, and the load report says which columns hold JSON text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torget.datastore.errors import LoadError
from torget.datastore.jsonstream import JsonStream

__all__ = ["MAX_DEPTH", "Columns", "RowTable", "flatten", "json_shape", "json_records"]

MAX_DEPTH = 8


def flatten(record: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """`{"a": {"b": 1}}` as `{"a.b": 1}`; lists and deeper objects are left as they are."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and depth < MAX_DEPTH:
            flat.update(flatten(value, f"{name}.", depth + 1))
        else:
            flat[name] = value
    return flat


@dataclass
class Columns:
    """The columns of a table read from JSON rows: each key once, in first-seen order."""

    name: str
    max_columns: int
    names: dict[str, None] = field(default_factory=dict)
    as_text: dict[str, None] = field(default_factory=dict)  # columns holding lists or objects
    nested: bool = False

    def add(self, index: int, what: str, flat: dict[str, Any]) -> None:
        for key, value in flat.items():
            if key not in self.names:
                self.names[key] = None
                self.nested = self.nested or "." in key
                if len(self.names) > self.max_columns:
                    raise LoadError(
                        self.name,
                        f"{what} {index} brings the columns to more than {self.max_columns}; "
                        f"the limit is {self.max_columns} (datastore_max_columns)",
                    )
            if isinstance(value, list | dict) and key not in self.as_text:
                self.as_text[key] = None

    def notes(self) -> list[str]:
        notes = []
        if self.nested:
            notes.append("nested objects became columns named by their path, like 'a.b'")
        if self.as_text:
            shown = ", ".join(repr(c) for c in list(self.as_text)[:10])
            more = f" and {len(self.as_text) - 10} more" if len(self.as_text) > 10 else ""
            notes.append(f"columns holding lists or deeply nested objects keep them as JSON "
                         f"text: {shown}{more}")  # fmt: skip
        return notes


@dataclass
class RowTable:
    """What a converter hands to `convert`: the columns, the rows (read again on each call,
    in the same order), facts for the load report, and notes that are complete once the rows
    have been read."""

    columns: list[str]
    rows: Callable[[], Iterator[list[Any]]]
    source: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def json_shape(name: str, path: Path) -> str:
    """ "array" (of rows), "lines" (NDJSON) or "geojson" (a FeatureCollection), from the
    start of the file only."""
    with JsonStream.open(name, path) as stream:
        first = stream.peek()
        if first == "[":
            return "array"
        if first != "{":
            raise stream.error("expected a JSON array of objects, or one object per line")
        for key in stream.members():
            if key == "features" and stream.peek() == "[":
                return "geojson"
            if key != "type":
                stream.skip()
            elif stream.value() == "FeatureCollection":
                return "geojson"
        if not stream.peek():
            raise LoadError(name, "the file holds one JSON object, not rows: expected an "
                                  "array of objects, or one object per line")  # fmt: skip
        return "lines"


def _records(name: str, path: Path, shape: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with JsonStream.open(name, path) as stream:
        values = stream.items() if shape == "array" else stream.values()
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                raise stream.error(f"item {index} is not an object; expected an array of objects")
            yield index, flatten(value)
        stream.end()


def json_records(name: str, path: Path, shape: str, max_columns: int) -> RowTable:
    """The rows of an array of objects or NDJSON file (`json_shape`), columns surveyed."""
    columns = Columns(name, max_columns)
    for index, flat in _records(name, path, shape):
        columns.add(index, "item", flat)
    if not columns.names:
        raise LoadError(name, "expected a non-empty JSON array of objects")
    keys = list(columns.names)

    def rows() -> Iterator[list[Any]]:
        for _index, flat in _records(name, path, shape):
            yield [flat.get(k) for k in keys]

    return RowTable(keys, rows, {"json": shape}, columns.notes())
