"""The one error a load can end with: which file, where in it, and why."""

from __future__ import annotations

from torget.errors import TorgetError

__all__ = ["LoadError"]


class LoadError(TorgetError):
    """A file could not be loaded; the message names the file, the place and the reason."""

    def __init__(self, name: str, reason: str, *, line: int | None = None, field: str = ""):
        where = f"{name}"
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {reason}")
        self.name, self.reason, self.line, self.field = name, reason, line, field
