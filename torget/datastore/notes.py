"""What the datastore tells a publisher about a load or a comparison: typed notes.

A note is a stable `code`, its `params` (counts, line numbers, column names: plain JSON
values) and the English `message` for logs, the command line and clients that do not
translate. The pages and the API put a note in the reader's language by its code
(`torget.web.load_notes`), the way `torget.errors` refusals are translated; nothing ever
matches the message's words.

Loads before notes were typed kept them as English strings in the job's stored report;
`stored_note` reads both forms, so such a note is still shown, as the English it is
(`code` "text").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Note", "OLD_TEXT", "stored_note", "stored_notes", "notes_json"]

OLD_TEXT = "text"  # the code of a note stored as an English sentence before notes had codes


@dataclass(frozen=True)
class Note:
    """Something to know about a load or a comparison: a stable `code` and its `params` (the
    pages translate by code) and the English `message`."""

    code: str
    params: dict[str, Any]
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params, "message": self.message}


def stored_note(value: Any) -> Note:
    """A note as a report keeps it: `Note.as_json()`, or the English sentence of an older load."""
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        return Note(value["code"], dict(value.get("params") or {}), str(value.get("message", "")))
    return Note(OLD_TEXT, {"text": str(value)}, str(value))


def stored_notes(values: Any) -> list[Note]:
    return [stored_note(v) for v in values or []]


def notes_json(notes: list[Note]) -> list[dict[str, Any]]:
    return [n.as_json() for n in notes]
