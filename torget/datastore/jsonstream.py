"""Reading a JSON file one value at a time, so that a file of any size costs only its largest
row in memory.

`json.load` of an 84 MB array of objects took the loader to 1.44 GB: Python objects are ten to
twenty times the size of their text. Here the file is decoded in 1 MB chunks, and each array
element, object member or line of NDJSON is parsed on its own with the standard library's C
scanner (`JSONDecoder.raw_decode`), about three times as fast as an event parser such as
ijson and with no dependency. A value that reaches the end of the chunk is parsed again with
more text, the chunk growing geometrically, so a value of any size is read in linear time;
one larger than `MAX_VALUE_CHARS` is refused rather than growing without bound. Errors name
the line; nesting deeper than Python's recursion limit (about 1,000 levels) is refused.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from torget.datastore.errors import LoadError

__all__ = ["JsonStream", "MAX_VALUE_CHARS"]

MAX_VALUE_CHARS = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NEAR_END = 8  # a value parsed this close to the chunk's end may go on in the next chunk


class JsonStream:
    """A JSON document read value by value: `items` of an array, `members` of an object,
    `values` of NDJSON. Every value a loop yields must be consumed (`value`, `items`,
    `members` or `skip`) before the loop goes on."""

    def __init__(self, name: str, handle: BinaryIO, chunk: int = _CHUNK):
        self.name, self._handle, self._chunk = name, handle, chunk
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._scan = json.JSONDecoder().raw_decode
        self._text, self._pos, self._lines = "", 0, 0
        self._eof, self._started = False, False

    @classmethod
    def open(cls, name: str, path: Path, chunk: int = _CHUNK) -> JsonStream:
        """`chunk`: the bytes read at a time (smaller in tests, to end chunks everywhere)."""
        return cls(name, path.open("rb"), chunk)

    def __enter__(self) -> JsonStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._handle.close()

    def error(self, reason: str, at: int | None = None, *, code: str = "json_invalid",
              params: dict[str, object] | None = None) -> LoadError:  # fmt: skip
        """A load error at the current place (or at `at` in the current chunk), with the line
        and the column (counted in characters from 1) in its params."""
        pos = self._pos if at is None else at
        line = self._lines + self._text.count("\n", 0, pos) + 1
        column = pos - self._text.rfind("\n", 0, pos)
        return LoadError(self.name, reason, line=line, code=code,
                         params={"column": column, **(params or {})})  # fmt: skip

    def _fill(self) -> None:
        """Read more text, keeping what has not been consumed; at least double it."""
        size = max(self._chunk, len(self._text) - self._pos)
        raw = self._handle.read(size)
        try:
            more = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError:
            raise self.error("JSON must be UTF-8", len(self._text), code="json_not_utf8") from None
        if not self._started:
            more, self._started = more.removeprefix("\ufeff"), True
        self._lines += self._text.count("\n", 0, self._pos)
        self._text = self._text[self._pos :] + more
        self._pos, self._eof = 0, not raw

    def peek(self) -> str:
        """The next character that is not whitespace, without consuming it; "" at the end."""
        char = self._text[self._pos : self._pos + 1]
        if char and char not in " \t\n\r":  # the common case, three times as fast
            return char
        while True:
            match = _WHITESPACE.match(self._text, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._text) or self._eof:
                return self._text[self._pos : self._pos + 1]
            self._fill()

    def _take(self, char: str, after: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.error(
                f"invalid JSON: expected {char!r} {after}, found {shown}",
                params={"detail": f"expected {char!r} {after}, found {shown}"},
            )
        self._pos += 1

    def _cut_short(self, at: int, message: str) -> bool:
        """Whether a value that failed or ended at `at` may go on in the next chunk."""
        if self._eof:
            return False
        near = at >= len(self._text) - _NEAR_END or message.startswith("Unterminated string")
        if near and len(self._text) - self._pos > MAX_VALUE_CHARS:
            raise self.error(
                f"one value is larger than {MAX_VALUE_CHARS} characters",
                code="json_value_too_large",
                params={"limit": MAX_VALUE_CHARS},
            )
        return near

    def value(self) -> Any:
        """The next value, parsed whole."""
        self.peek()
        while True:
            try:
                value, end = self._scan(self._text, self._pos)
            except json.JSONDecodeError as exc:
                if self._cut_short(exc.pos, exc.msg):
                    self._fill()
                    continue
                raise self.error(
                    f"invalid JSON: {exc.msg}", exc.pos, params={"detail": exc.msg}
                ) from None
            except RecursionError:
                raise self.error(
                    "JSON nested too deep (more than about 1,000 levels)", code="json_too_deep"
                ) from None
            if self._cut_short(end, ""):
                self._fill()
                continue
            self._pos = end
            return value

    def items(self) -> Iterator[Any]:
        """Each element of the array that comes next, parsed whole."""
        self._take("[", "to start an array")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            if self.peek() != "]":
                self._take(",", "or ']' after an array element")
                continue
            self._pos += 1
            return

    def members(self) -> Iterator[str]:
        """The key of each member of the object that comes next; the caller consumes each
        member's value before asking for the next key."""
        self._take("{", "to start an object")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self.error(
                    "invalid JSON: expected a quoted member name",
                    params={"detail": "expected a quoted member name"},
                )
            key = self.value()
            self._take(":", "after a member name")
            yield key
            if self.peek() != "}":
                self._take(",", "or '}' after an object member")
                continue
            self._pos += 1
            return

    def skip(self) -> None:
        """Consume the next value; arrays and objects element by element."""
        first = self.peek()
        if first == "[":
            for _ in self.items():
                pass
        elif first == "{":
            for _ in self.members():
                self.skip()
        else:
            self.value()

    def values(self) -> Iterator[Any]:
        """Each value up to the end of the file (NDJSON: one per line)."""
        while self.peek():
            yield self.value()

    def position(self) -> tuple[int, int]:
        """(line, column) of the next character that is not whitespace, both from 1."""
        self.peek()
        line = self._lines + self._text.count("\n", 0, self._pos) + 1
        start = self._text.rfind("\n", 0, self._pos) + 1
        return line, self._pos - start + 1

    def rest(self, size: int = 40) -> str:
        """The text that comes next, up to `size` characters, for a message."""
        self.peek()
        return self._text[self._pos : self._pos + size]

    def end(self) -> None:
        """Only whitespace may follow the document."""
        if self.peek():
            raise self.error(
                "invalid JSON: more data after the end of the document", code="json_trailing_data"
            )
