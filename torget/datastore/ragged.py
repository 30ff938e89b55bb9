"""Delimited files whose rows do not all have the header's number of fields.

A description with an unquoted `;` or `,` gives its row one field too many; a row cut short
(an export that stops at the last filled cell) gives one too few. Reading such a file as if it
were even shifts every later value into the wrong column without a word, so DuckDB's strict
reader refuses it, and `ingest` then hands the file to `even_out`: each row is written again
with exactly the header's fields.

A row with more fields is first read as a text value with the delimiter in it: if joining the
fields at exactly one text column gives every other field the kind (number, date, text) its
column has in the even rows, they are joined there, delimiter and all. Otherwise the header's
fields stay in place and the fields beyond them go, joined by the delimiter, to a column
`_extra`. A row with fewer fields gets empty values for the missing ones; trailing empty
fields (`a;b;c;;;`, Excel's habit) are only dropped. The load report names the lines of each
kind and the column where fields were joined, so that a publisher can put the file right.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from torget.datastore.notes import Note
from torget.datastore.sniff import Dialect, column_kind, column_names

__all__ = ["EXTRA", "Ragged", "even_out"]

EXTRA = "_extra"
_SHOWN = 10
_SAMPLE = 2000  # even rows that decide each column's kind
_KINDS = ("joined", "long", "short")
csv.field_size_limit(1 << 28)  # DuckDB reads fields of any size; the csv module's limit is 128 KB


@dataclass
class Ragged:
    """The lines of rows with more and with fewer fields than the header (first `_SHOWN`)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    lines: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in _KINDS})
    joined_in: dict[str, None] = field(default_factory=dict)

    @property
    def long(self) -> int:
        return self.counts["long"]

    @property
    def short(self) -> int:
        return self.counts["short"]

    @property
    def long_lines(self) -> list[int]:
        return self.lines["long"]

    @property
    def short_lines(self) -> list[int]:
        return self.lines["short"]

    def add(self, kind: str, line: int) -> None:
        self.counts[kind] += 1
        if len(self.lines[kind]) < _SHOWN:
            self.lines[kind].append(line)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for kind in _KINDS:
            out[f"{kind}_rows"], out[f"{kind}_lines"] = self.counts[kind], self.lines[kind]
        out["joined_columns"] = list(self.joined_in)
        return out

    def notes(self) -> list[Note]:
        notes = []
        joined, long, short = (self.counts[k] for k in _KINDS)
        if joined:
            columns = list(self.joined_in)
            notes.append(Note(
                "rows_joined", {"count": joined, "lines": self.lines["joined"], "columns": columns},
                f"{joined} row(s) have more fields than the header, at line(s) "
                f"{_lines(self.lines['joined'], joined)}, because a value in "
                f"{', '.join(repr(c) for c in columns)} holds the delimiter without quotes: "
                "those fields were joined again, delimiter and all",
            ))  # fmt: skip
        if long:
            notes.append(Note(
                "rows_long", {"count": long, "lines": self.long_lines, "column": EXTRA},
                f"{long} row(s) have more fields than the header, at line(s) "
                f"{_lines(self.long_lines, long)}: the fields beyond the last column are kept in "
                f"the column {EXTRA!r}; the other fields stay in their columns (a value with the "
                "delimiter in it needs quotes)",
            ))  # fmt: skip
        if short:
            notes.append(Note(
                "rows_short", {"count": short, "lines": self.short_lines},
                f"{short} row(s) have fewer fields than the header, at line(s) "
                f"{_lines(self.short_lines, short)}: the missing fields are left empty",
            ))  # fmt: skip
        return notes


def _lines(lines: list[int], count: int) -> str:
    return ", ".join(map(str, lines)) + (" …" if count > len(lines) else "")


def _kinds(source: Path, encoding: str, dialect: Dialect) -> list[str | None]:
    """Each column's kind in the first rows that have the header's number of fields."""
    width = len(dialect.columns)
    sample: list[list[str]] = []
    with source.open(encoding=encoding, newline="") as src:
        for _ in range(dialect.skip):
            src.readline()
        reader = csv.reader(src, delimiter=dialect.delimiter, quotechar=dialect.quote)
        if dialect.header:
            next(reader, None)
        for row in reader:
            if len(row) == width:
                sample.append(row)
                if len(sample) >= _SAMPLE:
                    break
    return [column_kind(sample, i) for i in range(width)]


def _fits(fields: list[str], kinds: list[str | None]) -> bool:
    return all(
        k is None or (found := column_kind([[f]], 0)) is None or found == k
        for f, k in zip(fields, kinds, strict=True)
    )


def _rejoined(
    row: list[str], kinds: list[str | None], delimiter: str
) -> tuple[int, list[str]] | None:
    """The row with its extra fields joined at the text column where every field then fits its
    column's kind; between several, the one that leaves no field starting with a space (prose
    puts one after its delimiter: `Lek; bad; grill`); None when that does not decide."""
    extra = len(row) - len(kinds)
    found: list[tuple[int, int, list[str]]] = []
    for at, kind in enumerate(kinds):
        if kind != "text":
            continue
        fields = [*row[:at], delimiter.join(row[at : at + extra + 1]), *row[at + extra + 1 :]]
        if _fits(fields, kinds):
            found.append((sum(f[:1].isspace() for f in fields), at, fields))
    found.sort(key=lambda f: f[0])
    if not found or len(found) > 1 and found[0][0] == found[1][0]:
        return None
    return found[0][1], found[0][2]


def even_out(source: Path, encoding: str, dialect: Dialect, target: Path) -> tuple[Dialect, Ragged]:
    """Write `source` again as UTF-8 CSV with the header's width plus `_extra` (see the
    module's rules); return the dialect to read `target` with, and what was found."""
    width, ragged = len(dialect.columns), Ragged()
    kinds = _kinds(source, encoding, dialect)
    named = max((i + 1 for i, c in enumerate(dialect.columns) if c not in dialect.unnamed),
                default=width)  # fmt: skip
    with (
        source.open(encoding=encoding, newline="") as src,
        target.open("w", encoding="utf-8", newline="") as dst,
    ):
        for _ in range(dialect.skip):
            src.readline()
        reader = csv.reader(src, delimiter=dialect.delimiter, quotechar=dialect.quote)
        writer = csv.writer(dst)
        writer.writerow([*dialect.columns, EXTRA])
        line = 1 + dialect.skip
        if dialect.header:
            next(reader, None)
            line = dialect.skip + reader.line_num + 1
        for row in reader:
            if not row:  # a blank line, which DuckDB skips too
                line = dialect.skip + reader.line_num + 1
                continue
            rejoined = None
            if len(row) > width and any(v.strip() for v in row[width:]):
                rejoined = _rejoined(row, kinds, dialect.delimiter)
            if rejoined is not None:
                ragged.add("joined", line)
                ragged.joined_in[dialect.columns[rejoined[0]]] = None
                row, extra = rejoined[1], ""
            elif len(row) > width and any(v.strip() for v in row[width:]):
                ragged.add("long", line)
                extra = dialect.delimiter.join(row[width:])
            else:
                extra = ""
                if len(row) < named:
                    ragged.add("short", line)
            writer.writerow([*row[:width], *[""] * (width - len(row)), extra])
            line = dialect.skip + reader.line_num + 1
    columns = column_names([*dialect.columns, EXTRA])
    evened = Dialect("utf-8", ",", '"', True, columns, dialect.warnings, dialect.unnamed)  # no skip
    return evened, ragged
