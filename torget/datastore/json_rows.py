"""Rows from JSON: an array of objects or NDJSON, nested objects flattened into `a.b` columns.

The rows may also be wrapped in an object, as most APIs return them: any member holding an
array of objects, up to `MAX_WRAPPING` objects deep, is the table (`{"data": [...]}`,
`{"items": [...]}`, CKAN's `{"result": {"records": [...]}}`, and EntryScape's row store, behind
most Swedish municipal portals: `{"resultCount": 9, "offset": 0, "results": [...]}`, often
with a byte-order mark leaked into its first key). With several such arrays, a member named
like rows (`_ROW_KEYS`) wins, then the longest, and the report names the one taken. Keys lose
invisible characters (byte-order marks, zero-width spaces). Text after the end of a complete
document is ignored and reported with its line and column.

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
from torget.datastore.notes import Note
from torget.datastore.sniff import visible

__all__ = ["MAX_DEPTH", "Columns", "RowTable", "Shape", "flatten", "json_shape", "json_records"]

MAX_DEPTH = 8
MAX_WRAPPING = 3
_ROW_KEYS = ("results", "records", "rows", "data", "items", "result", "entries", "values",
             "hits", "objects", "list", "rader", "poster")  # fmt: skip


@dataclass(frozen=True)
class Shape:
    """How a JSON file holds its rows: "array", "lines" (NDJSON), "geojson" or "wrapped" (an
    array of objects at `path` inside objects)."""

    kind: str
    path: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()


def flatten(record: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """`{"a": {"b": 1}}` as `{"a.b": 1}`; lists and deeper objects are left as they are."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{visible(key)}"
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
                        code="too_many_columns",
                        params={"count": len(self.names), "limit": self.max_columns},
                    )
            if isinstance(value, list | dict) and key not in self.as_text:
                self.as_text[key] = None

    def notes(self) -> list[Note]:
        notes = []
        if self.nested:
            notes.append(
                Note(
                    "nested_flattened",
                    {},
                    "nested objects became columns named by their path, like 'a.b'",
                )
            )
        if self.as_text:
            columns = list(self.as_text)
            shown = ", ".join(repr(c) for c in columns[:10])
            more = f" and {len(columns) - 10} more" if len(columns) > 10 else ""
            notes.append(Note("json_text_columns", {"columns": columns},
                              f"columns holding lists or deeply nested objects keep them as JSON "
                              f"text: {shown}{more}"))  # fmt: skip
        return notes


@dataclass
class RowTable:
    """What a converter hands to `convert`: the columns, the rows (read again on each call,
    in the same order), facts for the load report, and notes that are complete once the rows
    have been read."""

    columns: list[str]
    rows: Callable[[], Iterator[list[Any]]]
    source: dict[str, Any] = field(default_factory=dict)
    warnings: list[Note] = field(default_factory=list)


@dataclass
class _Arrays:
    """Arrays of objects found in a wrapping object: (path, length)."""

    found: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    geojson: bool = False

    def survey(self, stream: JsonStream, path: tuple[str, ...]) -> None:
        for raw in stream.members():
            key = visible(raw)
            nxt = stream.peek()
            if not path and (key == "features" and nxt == "[" or key == "type" and nxt == '"'):
                if key == "features" or stream.value() == "FeatureCollection":
                    self.geojson = True
                if key == "features":
                    stream.skip()
            elif nxt == "[":
                self._array(stream, (*path, key))
            elif nxt == "{" and len(path) + 1 < MAX_WRAPPING:
                self.survey(stream, (*path, key))
            else:
                stream.skip()

    def _array(self, stream: JsonStream, path: tuple[str, ...]) -> None:
        count, objects = 0, True
        for item in stream.items():
            objects = objects and isinstance(item, dict)
            count += 1
        if objects and count:
            self.found.append((path, count))

    def best(self) -> tuple[tuple[str, ...], list[Note]] | None:
        if not self.found:
            return None

        def rank(found: tuple[tuple[str, ...], int]) -> tuple[bool, int]:
            return found[0][-1].lower() in _ROW_KEYS, found[1]

        path, count = max(self.found, key=rank)
        shown = ".".join(path)
        notes = [
            Note(
                "rows_in_member",
                {"count": count, "member": shown},
                f"the rows are the {count} object(s) in the member {shown!r}",
            )
        ]
        others = [".".join(p) for p, _n in self.found if p != path]
        if others:
            notes.append(Note("other_arrays_left_out", {"members": others},
                              "other arrays of objects were left out: "
                              + ", ".join(repr(o) for o in others[:5])))  # fmt: skip
        return path, notes


def json_shape(name: str, path: Path) -> Shape:
    """How the file holds its rows (`Shape`), read once value by value."""
    with JsonStream.open(name, path) as stream:
        first = stream.peek()
        if first == "[":
            return Shape("array")
        if first != "{":
            raise stream.error(
                "expected a JSON array of objects, or one object per line", code="json_not_rows"
            )
        arrays = _Arrays()
        arrays.survey(stream, ())
        if arrays.geojson:
            return Shape("geojson")
        if stream.peek() == "{":
            return Shape("lines")
        best = arrays.best()
        if best is None:
            raise LoadError(name, "the file holds one JSON object, not rows: expected an "
                                  "array of objects, one object per line, or an object with "
                                  "a member that holds an array of objects",
                            code="json_one_object")  # fmt: skip
        return Shape("wrapped", best[0], tuple(best[1]))


def _wrapped(stream: JsonStream, path: tuple[str, ...]) -> Iterator[Any]:
    """The elements of the array at `path`, the rest of the document skipped."""
    for raw in stream.members():
        if visible(raw) != path[0] or stream.peek() not in "[{":
            stream.skip()
        elif len(path) == 1 and stream.peek() == "[":
            yield from stream.items()
            path = ("\x00",)  # a repeated key is not read again
        elif len(path) > 1 and stream.peek() == "{":
            yield from _wrapped(stream, path[1:])
            path = ("\x00",)
        else:
            stream.skip()


def _trailing(stream: JsonStream, notes: list[Note] | None) -> None:
    """Report text after the end of the document: where it starts and how it begins."""
    if not stream.peek():
        return
    line, column = stream.position()
    if notes is not None:
        rest = stream.rest()
        notes.append(Note("text_after_json", {"line": line, "column": column, "text": rest},
                          f"text after the end of the JSON document, from line {line}, column "
                          f"{column}, was ignored: {rest!r}"))  # fmt: skip


def _records(name: str, path: Path, shape: Shape, notes: list[Note] | None = None
             ) -> Iterator[tuple[int, dict[str, Any]]]:  # fmt: skip
    with JsonStream.open(name, path) as stream:
        if shape.kind == "array":
            values = stream.items()
        elif shape.kind == "wrapped":
            values = _wrapped(stream, shape.path)
        else:
            values = stream.values()
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                raise stream.error(
                    f"item {index} is not an object; expected an array of objects",
                    code="json_item_not_object",
                    params={"item": index},
                )
            yield index, flatten(value)
        _trailing(stream, notes)


def json_records(name: str, path: Path, shape: Shape, max_columns: int) -> RowTable:
    """The rows of an array of objects, NDJSON or wrapped file (`json_shape`), columns
    surveyed."""
    columns = Columns(name, max_columns)
    trailing: list[Note] = []
    for index, flat in _records(name, path, shape, trailing):
        columns.add(index, "item", flat)
    if not columns.names:
        raise LoadError(name, "expected a non-empty JSON array of objects", code="no_rows")
    keys = list(columns.names)

    def rows() -> Iterator[list[Any]]:
        for _index, flat in _records(name, path, shape):
            yield [flat.get(k) for k in keys]

    source: dict[str, Any] = {"json": shape.kind}
    if shape.path:
        source["json_path"] = ".".join(shape.path)
    return RowTable(keys, rows, source, [*shape.notes, *columns.notes(), *trailing])
