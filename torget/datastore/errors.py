"""The one error a load can end with: which file, where in it, and why.

Each raise site names a stable `code` and the `params` its reason names (see
`torget.datastore.failures`, which keeps a failure on the job as a typed note and gives the
pages, the API and the editors' letter its words by that code).
"""

from __future__ import annotations

from collections.abc import Mapping

from torget.datastore.notes import Note
from torget.errors import TorgetError

__all__ = ["LoadError"]


class LoadError(TorgetError):
    """A file could not be loaded; the message names the file, the place and the reason."""

    def __init__(self, name: str, reason: str, *, code: str, params: Mapping[str, object] | None
                 = None, line: int | None = None, field: str = "") -> None:  # fmt: skip
        where = f"{name}"
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {reason}", code=code, params=params)
        self.name, self.reason, self.line, self.field = name, reason, line, field

    def note(self) -> Note:
        """The failure as a note: its code, the file (and line, field) and its own params."""
        where: dict[str, object] = {"file": self.name}
        if self.line is not None:
            where["line"] = self.line
        if self.field:
            where["field"] = self.field
        return Note(self.code, {**where, **self.params}, str(self))
