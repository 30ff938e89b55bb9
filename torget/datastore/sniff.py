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

__all__ = ["Dialect", "sniff", "has_c1_bytes", "to_utf8"]

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


def _check_not_binary(name: str, head: bytes) -> None:
    if not head.strip():
        raise LoadError(name, "the file is empty")
    if b"\x00" in head[:8192] or head.startswith((b"PK\x03\x04", b"%PDF", b"\x89PNG")):
        raise LoadError(name, "this is a binary file, not delimited text")
    if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise LoadError(name, "this is an HTML page, not data")


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
            raise LoadError(name, f"invalid UTF-8 at byte {bad[0]}", line=bad[1])
        return "utf-8-sig"
    bad = _utf8_error(path)
    if bad is None:
        return "utf-8"
    offset, line, multibyte = bad
    if multibyte:
        raise LoadError(name, f"invalid UTF-8 at byte {offset} (the rest is UTF-8)", line=line)
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
    if not widths or widths[0] < 2:
        return (0, 0)
    consistent = sum(1 for w in widths if w == widths[0])
    return (consistent, widths[0])


def _looks_like_header(first: list[str], second: list[str] | None) -> bool:
    def numeric(v: str) -> bool:
        return bool(re.fullmatch(r"[-+]?[\d\s\xa0.,]+", v.strip())) and any(c.isdigit() for c in v)

    if any(not v.strip() or numeric(v) for v in first):
        return False
    return len(set(first)) == len(first) or second is None


def column_names(raw: list[str]) -> list[str]:
    """Header cells as unique, non-empty column names."""
    names: list[str] = []
    for i, cell in enumerate(raw):
        base = " ".join(cell.split()) or f"column_{i + 1}"
        name, n = base, 2
        while name.lower() in (x.lower() for x in names) or name == "_id":
            name, n = f"{base}_{n}", n + 1
        names.append(name)
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
    rows = _rows(text, delimiter, 2)
    if not rows:
        raise LoadError(name, "no delimited text: a field in the first lines is over 128 KB")
    width = len(rows[0])
    if "\n" not in text:  # the first line goes on past the sample: count its fields
        width = _first_line_fields(path, encoding, delimiter)
    if width > max_columns:
        raise LoadError(name, f"{width} columns; the limit is {max_columns} "
                              "(datastore_max_columns)", line=1)  # fmt: skip
    header = _looks_like_header(rows[0], rows[1] if len(rows) > 1 else None)
    names = column_names(rows[0]) if header else [f"column_{i + 1}" for i in range(width)]
    return Dialect(encoding, delimiter, '"', header, names)


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
