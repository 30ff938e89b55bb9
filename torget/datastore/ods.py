"""Reading the sheets of an ODS spreadsheet row by row, in memory that does not grow with them.

All sheets of an OpenDocument spreadsheet are in one XML part, `content.xml` (OpenDocument
1.3, part 3, §9.1), streamed here through expat as `xlsx` streams a worksheet: calamine, which
read ODS before, held a whole sheet in memory (148 MB more for 1 M cells; here 4 MB, at about
five times the CPU time). Rows and cells may be repeated (`table:number-rows-repeated`,
`table:number-columns-repeated`); an empty repeat, such as the million blank rows that end
many sheets, costs nothing, because only cells with a value are kept. Values follow
`office:value-type` (§19.389): numbers, percentages and currencies from `office:value`, dates
from `office:date-value`, times of day from `office:time-value`, booleans from
`office:boolean-value`, and text from the cell's paragraphs, one line each (annotations left
out).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import unescape

__all__ = ["sheet_names", "sheet_rows"]

_CHUNK = 1024 * 1024
_DURATION = re.compile(r"PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")
_MEMBER = "content.xml"
# Names as expat reports them with namespaces on: "<namespace URI> <local name>".
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_SHEET, _ROW, _NAME = f"{_TABLE}table", f"{_TABLE}table-row", f"{_TABLE}name"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_ROWS_REPEATED = f"{_TABLE}number-rows-repeated"
_COLUMNS_REPEATED = f"{_TABLE}number-columns-repeated"
_PARAGRAPH, _NOTE = f"{_TEXT}p", f"{_OFFICE}annotation"
_SPACES = {f"{_TEXT}s": " ", f"{_TEXT}tab": "\t", f"{_TEXT}line-break": "\n"}
_COUNT = f"{_TEXT}c"
_TYPE, _VALUE = f"{_OFFICE}value-type", f"{_OFFICE}value"
_DATE, _TIME, _BOOLEAN = f"{_OFFICE}date-value", f"{_OFFICE}time-value", f"{_OFFICE}boolean-value"
_SHEET_START = re.compile(rb"<([\w.-]+):table[\s/>]")
_NAME_ATTRIBUTE = re.compile(rb'\b[\w.-]+:name="([^"]*)"')


def _value(attrs: dict[str, str], text: str) -> Any:
    kind = attrs.get(_TYPE, "")
    if kind in ("float", "percentage", "currency"):
        return float(attrs.get(_VALUE, "nan"))
    if kind == "boolean":
        return attrs.get(_BOOLEAN) == "true"
    if kind == "date":
        found = attrs.get(_DATE, "")
        try:
            return dt.datetime.fromisoformat(found)
        except ValueError:
            return found
    if kind == "time":
        match = _DURATION.fullmatch(attrs.get(_TIME, ""))
        if match and int(match[1]) < 24:
            seconds = float(match[3])
            whole = int(seconds)
            return dt.time(int(match[1]), int(match[2]), whole, round((seconds - whole) * 1e6))
    return text if text else None


def sheet_names(archive: zipfile.ZipFile) -> list[str]:
    """The sheets' names, found by scanning the XML text for the start of each table (a
    parse would cost as much as reading every sheet)."""
    names: list[str] = []
    tail = b""
    with archive.open(_MEMBER) as handle:
        while chunk := handle.read(_CHUNK):
            text, done = tail + chunk, 0
            for start in _SHEET_START.finditer(text):
                end = text.find(b">", start.end() - 1)
                if end < 0:
                    break
                name = _NAME_ATTRIBUTE.search(text, start.start(), end)
                names.append(unescape(name[1].decode(), {"&quot;": '"'}) if name else "")
                done = end
            tail = text[max(done, len(text) - 4096) :]
    return names


Rows = list[tuple[int, dict[int, Any], int]]  # (first 0-based row number, cells, how many)


def _parser(wanted: int, rows: Rows) -> Any:
    """An expat parser over content.xml that appends the rows of sheet number `wanted` to
    `rows`, each as its 0-based number, {column: value} and how many times it repeats."""
    sheet = row_number = column = -1
    note = 0  # inside an office:annotation, whose paragraphs are no part of the value
    row: dict[int, Any] = {}
    repeat_row = 1
    cell: dict[str, str] | None = None  # the attributes of the cell being read
    lines: list[str] = []
    text: list[str] | None = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal sheet, row_number, column, row, repeat_row, cell, text, note
        if tag in _CELLS:
            if sheet == wanted:
                cell = attrs
                lines.clear()
        elif tag == _PARAGRAPH:
            if cell is not None and not note:
                text = []
        elif tag == _ROW:
            repeat_row = int(attrs.get(_ROWS_REPEATED, "1"))
            row, column = {}, -1
        elif tag in _SPACES:
            if text is not None:
                text.append(_SPACES[tag] * int(attrs.get(_COUNT, "1")))
        elif tag == _SHEET:
            sheet, row_number = sheet + 1, -1
        elif tag == _NOTE:
            note += 1

    def end(tag: str) -> None:
        nonlocal row_number, column, cell, text, note
        if tag in _CELLS:
            if cell is not None:
                repeat = int(cell.get(_COLUMNS_REPEATED, "1"))
                value = _value(cell, "\n".join(lines))
                if value is not None:
                    for offset in range(1, repeat + 1):
                        row[column + offset] = value
                column, cell = column + repeat, None
        elif tag == _PARAGRAPH:
            if text is not None:
                lines.append("".join(text))
                text = None
        elif tag == _ROW:
            if row and sheet == wanted:
                rows.append((row_number + 1, row, repeat_row))
            row_number += repeat_row
        elif tag == _NOTE:
            note -= 1

    def characters(data: str) -> None:
        if text is not None:
            text.append(data)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def sheet_rows(archive: zipfile.ZipFile, index: int) -> Iterator[tuple[int, dict[int, Any]]]:
    """Each row of sheet number `index` that has a value: its 0-based number and
    {column: value}."""
    rows: Rows = []
    parser = _parser(index, rows)
    with archive.open(_MEMBER) as handle:
        while chunk := handle.read(_CHUNK):
            parser.Parse(chunk, False)
            yield from _expanded(rows)
            rows.clear()
        parser.Parse(b"", True)
    yield from _expanded(rows)


def _expanded(rows: Rows) -> Iterator[tuple[int, dict[int, Any]]]:
    for first, cells, count in rows:
        for number in range(first, first + count):
            yield number, cells
