"""Sniffing a delimited text file: encoding, delimiter, quoting and header row.

Swedish municipal CSV files come from Excel as often as from databases: `;`-separated with
decimal commas, in Windows-1252 with or without a byte-order mark, or UTF-8. The rule for the
encoding is strict UTF-8 over the whole file first, then Windows-1252 (ISO-8859-1 for the five
bytes Windows-1252 leaves undefined); a file that is UTF-8 in one place and not in another is
refused rather than guessed. DuckDB decodes UTF-8 and ISO-8859-1 itself; a Windows-1252 file
is transcoded to UTF-8 (in 4 MB chunks) only when it has bytes in 0x80-0x9F (`€`, `–`, `”`, …),
where the two encodings differ.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from torget.datastore.errors import LoadError
from torget.datastore.notes import Note

__all__ = [
    "Dialect",
    "sniff",
    "has_c1_bytes",
    "to_utf8",
    "column_names",
    "looks_like_header",
    "column_kind",
    "visible",
]

DELIMITERS = (";", "\t", "|", ",")  # on a tie, the Swedish Excel default wins
_SAMPLE = 256 * 1024
_CHUNK = 4 * 1024 * 1024
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)


@dataclass(frozen=True)
class Dialect:
    encoding: str  # "utf-8", "utf-8-sig", "cp1252" or "latin-1"
    delimiter: str
    quote: str
    header: bool
    columns: list[str]
    warnings: tuple[Note, ...] = ()
    unnamed: tuple[str, ...] = ()  # header cells without a name, now `column_N`
    skip: int = 0  # lines above the table (a title, notes), left out


def _check_not_binary(name: str, head: bytes) -> None:
    if not head.strip():
        raise LoadError(name, "the file is empty", code="file_empty")
    if b"\x00" in head[:8192] or head.startswith((b"PK\x03\x04", b"%PDF", b"\x89PNG")):
        raise LoadError(name, "this is a binary file, not delimited text", code="binary_file")
    if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise LoadError(name, "this is an HTML page, not data", code="html_page")


def _utf8_error(path: Path) -> tuple[int, int, bool] | None:
    """(byte offset, line, saw valid multi-byte UTF-8 before it) of the first invalid byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    multibyte = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                before = chunk[: exc.start]
                multibyte = multibyte or bool(_UTF8_MULTIBYTE.search(before))
                return offset + exc.start, lines + before.count(b"\n") + 1, multibyte
            multibyte = multibyte or bool(_UTF8_MULTIBYTE.search(chunk))
            offset += len(chunk)
            lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset, lines + 1, multibyte
    return None


def detect_encoding(name: str, path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        bad = _utf8_error(path)
        if bad is not None:
            raise LoadError(name, f"invalid UTF-8 at byte {bad[0]}", line=bad[1],
                            code="invalid_utf8", params={"byte": bad[0]})  # fmt: skip
        return "utf-8-sig"
    bad = _utf8_error(path)
    if bad is None:
        return "utf-8"
    offset, line, multibyte = bad
    if multibyte:
        raise LoadError(name, f"invalid UTF-8 at byte {offset} (the rest is UTF-8)", line=line,
                        code="invalid_utf8", params={"byte": offset})  # fmt: skip
    return "latin-1" if re.search(rb"[\x81\x8d\x8f\x90\x9d]", head) else "cp1252"


def _rows(sample: str, delimiter: str, count: int) -> list[list[str]]:
    """The first rows of the sample, up to a field over the csv module's 128 KB limit (DuckDB,
    which reads the file, allows longer values)."""
    rows: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        rows.extend(itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), count))
    return rows


def _score(sample: str, delimiter: str) -> tuple[int, int]:
    rows = _rows(sample, delimiter, 200)
    if len(rows) > 1 and not sample.endswith("\n"):
        rows = rows[:-1]  # the sample may cut the last line
    widths = [len(r) for r in rows if r]
    first = next((w for w in widths[:10] if w >= 2), 0)  # past a title line of its own
    if not first:
        return (0, 0)
    consistent = sum(1 for w in widths if w == first)
    return (consistent, first)


_NUMBER = re.compile(r"[-+]?[\d\s\xa0.,]*\d[\d\s\xa0.,]*%?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T][\d:.]+)?|\d{1,2}/\d{1,2}[ /]\d{2,4}")
_YEAR = re.compile(r"(19|20)\d{2}")
# Invisible characters that Excel, web exports and concatenated files leave in header cells.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\x00"), None)


def _kind(cell: str) -> str:
    value = cell.strip()
    if not value:
        return "empty"
    if _DATE.fullmatch(value):
        return "date"
    if _NUMBER.fullmatch(value):
        return "year" if _YEAR.fullmatch(value) else "number"
    return "text"


def column_kind(rows: list[list[str]], column: int) -> str | None:
    """The kind most filled values of a column below the first row have."""
    kinds = [_kind(r[column]) for r in rows if column < len(r)]
    kinds = ["number" if k == "year" else k for k in kinds if k != "empty"]
    if not kinds:
        return None
    top = max(set(kinds), key=kinds.count)
    return top if kinds.count(top) * 2 > len(kinds) else None


def looks_like_header(rows: list[list[str]]) -> bool:
    """Whether the first row names the columns, judged column by column against the rows
    below it: a word above numbers or dates says header, a number above numbers says data.
    Empty and duplicated cells do not decide (Excel leaves trailing empty header cells), and
    years (`2019`) above numbers are the column names of a statistics table. With no
    evidence either way, a first row of words is a header."""
    first, body = rows[0], rows[1:]
    kinds = [_kind(c) for c in first]
    if all(k == "empty" for k in kinds):
        return False
    score = 0
    for column, kind in enumerate(kinds):
        below = column_kind(body, column)
        if kind == "text" and below in ("number", "date"):
            score += 1
        elif kind in ("number", "date") and below == kind:
            score -= 1
    if score:
        return score > 0
    return "text" in kinds and all(k in ("text", "year", "empty") for k in kinds)


def visible(text: str) -> str:
    """The text without the invisible characters exports leave in names."""
    return text.translate(_INVISIBLE)


def clean_name(cell: str) -> str:
    return " ".join(visible(cell).split()).strip('"')


def column_names(raw: list[str], warnings: list[Note] | None = None) -> list[str]:
    """Header cells as unique, non-empty column names: a cell without a name becomes
    `column_N` (N its position), a repeated name gets `_2`, `_3`; both are noted in
    `warnings`."""
    names: list[str] = []
    seen: set[str] = {"_id"}
    unnamed: list[int] = []
    repeated: dict[str, None] = {}
    for i, cell in enumerate(raw):
        base = clean_name(cell)
        if not base:
            base = f"column_{i + 1}"
            unnamed.append(i + 1)
        name, n = base, 2
        while name.lower() in seen:
            if base.lower() != "_id":
                repeated[base] = None
            name, n = f"{base}_{n}", n + 1
        seen.add(name.lower())
        names.append(name)
    if warnings is not None and unnamed:
        shown = ", ".join(str(i) for i in unnamed[:10]) + (" …" if len(unnamed) > 10 else "")
        warnings.append(Note(
            "unnamed_columns", {"count": len(unnamed), "positions": unnamed[:10]},
            f"{len(unnamed)} column(s) have no name in the header and are called column_N by "
            f"their position: {shown}",
        ))  # fmt: skip
    if warnings is not None and repeated:
        shown = ", ".join(repr(r) for r in list(repeated)[:10])
        warnings.append(Note(
            "repeated_names", {"names": list(repeated)},
            f"the header repeats the name(s) {shown}; the later columns get _2, _3",
        ))  # fmt: skip
    return names


def sniff(name: str, path: Path, max_columns: int) -> Dialect:
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE)
    _check_not_binary(name, head)
    encoding = detect_encoding(name, path, head)
    text = head.decode(encoding, errors="ignore")
    if len(head) == _SAMPLE and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    delimiter = max(DELIMITERS, key=lambda d: _score(text, d))
    rows = _rows(text, delimiter, 60)
    if not rows:
        raise LoadError(name, "no delimited text: a field in the first lines is over 128 KB",
                        code="field_too_long")  # fmt: skip
    first, skip = _preamble(text, delimiter, rows)
    rows = rows[first:]
    width = len(rows[0])
    if "\n" not in text:  # the first line goes on past the sample: count its fields
        width = _first_line_fields(path, encoding, delimiter)
    if width > max_columns:
        raise LoadError(name, f"{width} columns; the limit is {max_columns} "
                              "(datastore_max_columns)", line=1, code="too_many_columns",
                        params={"count": width, "limit": max_columns})  # fmt: skip
    header = looks_like_header(rows)
    warnings: list[Note] = []
    names = column_names(rows[0], warnings) if header else [f"column_{i + 1}" for i in range(width)]
    if not header:
        warnings.append(
            Note(
                "no_header",
                {},
                "the first row holds data, not column names: "
                "the columns are called column_1, column_2, …",
            )
        )
    if skip:
        warnings.insert(0, Note("lines_above_table", {"count": skip},
                                f"the first {skip} line(s) hold a title or notes, not the table; "
                                "they were left out"))  # fmt: skip
    unnamed = tuple(n for n, c in zip(names, rows[0], strict=False) if header and not clean_name(c))
    return Dialect(encoding, delimiter, '"', header, names, tuple(warnings), unnamed, skip)


def _preamble(text: str, delimiter: str, rows: list[list[str]]) -> tuple[int, int]:
    """(rows, lines) before the table: a title, notes or blank lines above the header, as
    Excel reports have (`Leverantörsfakturor 2024;;;;`, then a blank line). The table starts
    at the first of the first ten rows with the common width and two filled cells."""
    widths = [len(r) for r in rows if r]
    common = max(set(widths), key=widths.count) if widths else 0
    for index, row in enumerate(rows[:10]):
        if len(row) == common and sum(1 for c in row if c.strip()) >= min(2, common):
            if index == 0:
                return 0, 0
            reader = csv.reader(io.StringIO(text), delimiter=delimiter)
            for _ in range(index):
                next(reader)
            return index, reader.line_num
    return 0, 0


def _first_line_fields(path: Path, encoding: str, delimiter: str) -> int:
    """How many fields the first line has, counted chunk by chunk (a header of 100,000
    columns is refused by its count, without handing DuckDB a table that wide)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    fields, quoted = 1, False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            text = decoder.decode(chunk)
            line, newline, _rest = text.partition("\n")
            for part in line.split('"'):  # delimiters between quotes do not count
                fields += 0 if quoted else part.count(delimiter)
                quoted = not quoted
            quoted = not quoted  # the last part did not end at a quote
            if newline:
                break
    return fields


def has_c1_bytes(path: Path) -> bool:
    """Whether the file has a byte in 0x80-0x9F, where Windows-1252 differs from ISO-8859-1."""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if chunk.translate(None, _NOT_C1):  # ten times faster than a regex
                return True
    return False


def to_utf8(source: Path, encoding: str, target: Path) -> None:
    """Transcode a file to UTF-8 (without BOM), in chunks."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(decoder.decode(chunk).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
