"""The datastore's load notes (`torget.datastore.notes.Note`) in the reader's language.

Each code has its words here, filled from the note's params; a count picks the plural form.
A list of line numbers or positions is joined with commas and ends in "…" when the load kept
only the first of them. A note without words here (a code added later, or the English
sentence an older load stored) is shown as the English it came with, marked so.

A failed load's reason is a note too; its words are in `torget.datastore.failures`, shared
with the editors' letter (`failure_text`, `failure_json`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.support import Translations

from torget.datastore.failures import failure_words
from torget.datastore.notes import Note, stored_note
from torget.web.i18n import Text, translations

__all__ = ["WORDS", "note_text", "note_json", "report_json", "failure_text", "failure_json"]

_Words = Callable[[Translations, int], str]

# Keyed by `Note.code`; `t` is the page's translations and `n` the note's count.
WORDS: dict[str, _Words] = {
    "lines_above_table": lambda t, n: t.ngettext(
        "The first line holds a title or notes, not the table; it was left out.",
        "The first %(count)s lines hold a title or notes, not the table; they were left out.",
        n,
    ),
    "no_header": lambda t, n: t.gettext(
        "The first row holds data, not column names: the columns are called column_1, column_2, …"
    ),
    "unnamed_columns": lambda t, n: t.ngettext(
        "%(count)s column has no name in the header and is called column_N after its "
        "position: %(positions)s.",
        "%(count)s columns have no name in the header and are called column_N after their "
        "positions: %(positions)s.",
        n,
    ),
    "repeated_names": lambda t, n: t.gettext(
        "The header repeats the names %(names)s; the later columns get _2, _3."
    ),
    "empty_unnamed_dropped": lambda t, n: t.ngettext(
        "%(count)s column without a name and without any value was left out.",
        "%(count)s columns without a name and without any value were left out.",
        n,
    ),
    "rows_joined": lambda t, n: t.ngettext(
        "%(count)s row has more fields than the header, at line %(lines)s, because a value in "
        "%(columns)s holds the delimiter without quotes: its fields were joined again, "
        "delimiter and all.",
        "%(count)s rows have more fields than the header, at lines %(lines)s, because a value "
        "in %(columns)s holds the delimiter without quotes: their fields were joined again, "
        "delimiter and all.",
        n,
    ),
    "rows_long": lambda t, n: t.ngettext(
        "%(count)s row has more fields than the header, at line %(lines)s: the fields beyond "
        "the last column are kept in the column %(column)s and the others stay in their "
        "columns (a value with the delimiter in it needs quotes).",
        "%(count)s rows have more fields than the header, at lines %(lines)s: the fields "
        "beyond the last column are kept in the column %(column)s and the others stay in "
        "their columns (a value with the delimiter in it needs quotes).",
        n,
    ),
    "rows_short": lambda t, n: t.ngettext(
        "%(count)s row has fewer fields than the header, at line %(lines)s: the missing "
        "fields are left empty.",
        "%(count)s rows have fewer fields than the header, at lines %(lines)s: the missing "
        "fields are left empty.",
        n,
    ),
    "swapped_rows_fixed": lambda t, n: t.ngettext(
        "%(count)s row has latitude and longitude swapped (row %(rows)s); it was put right.",
        "%(count)s rows have latitude and longitude swapped (rows %(rows)s); they were put right.",
        n,
    ),
    "swapped_rows_kept": lambda t, n: t.ngettext(
        "%(count)s row looks as if latitude and longitude were swapped (row %(rows)s); it was "
        "left as it is, since most of the file lies outside Sweden.",
        "%(count)s rows look as if latitude and longitude were swapped (rows %(rows)s); they "
        "were left as they are, since most of the file lies outside Sweden.",
        n,
    ),
    "swapped_features_fixed": lambda t, n: t.ngettext(
        "%(count)s feature has latitude and longitude swapped (feature %(features)s); it was "
        "put right.",
        "%(count)s features have latitude and longitude swapped (features %(features)s); they "
        "were put right.",
        n,
    ),
    "swapped_features_kept": lambda t, n: t.ngettext(
        "%(count)s feature looks as if latitude and longitude were swapped (feature "
        "%(features)s); it was left as it is, since most of the file lies outside Sweden.",
        "%(count)s features look as if latitude and longitude were swapped (features "
        "%(features)s); they were left as they are, since most of the file lies outside Sweden.",
        n,
    ),
    "sweref99tm_rows_converted": lambda t, n: t.ngettext(
        "%(count)s row gives the position in SWEREF 99 TM metres; it was converted to WGS 84 "
        "degrees.",
        "%(count)s rows give the position in SWEREF 99 TM metres; it was converted to WGS 84 "
        "degrees.",
        n,
    ),
    "impossible_rows": lambda t, n: t.ngettext(
        "%(count)s row has impossible coordinates (0,0, a pole, or outside -180…180 and "
        "-90…90), which were left empty: row %(rows)s.",
        "%(count)s rows have impossible coordinates (0,0, a pole, or outside -180…180 and "
        "-90…90), which were left empty: rows %(rows)s.",
        n,
    ),
    "geometry_impossible": lambda t, n: t.ngettext(
        "%(count)s feature has coordinates that are impossible or far outside the area of "
        "its coordinate system; its geometry is left empty and the row kept: feature "
        "%(features)s.",
        "%(count)s features have coordinates that are impossible or far outside the area of "
        "their coordinate system; their geometry is left empty and the rows kept: features "
        "%(features)s.",
        n,
    ),
    "geometry_unclosed": lambda t, n: t.ngettext(
        "%(count)s feature has a polygon ring that is not closed or has fewer than four "
        "positions; its geometry is left empty and the row kept: feature %(features)s.",
        "%(count)s features have a polygon ring that is not closed or has fewer than four "
        "positions; their geometry is left empty and the rows kept: features %(features)s.",
        n,
    ),
    "geometry_short": lambda t, n: t.ngettext(
        "%(count)s feature has a line of fewer than two positions; its geometry is left empty "
        "and the row kept: feature %(features)s.",
        "%(count)s features have a line of fewer than two positions; their geometry is left "
        "empty and the rows kept: features %(features)s.",
        n,
    ),
    "geometry_invalid": lambda t, n: t.ngettext(
        "%(count)s feature has a polygon that crosses itself; its geometry is left empty and "
        "the row kept: feature %(features)s.",
        "%(count)s features have a polygon that crosses itself; their geometry is left empty "
        "and the rows kept: features %(features)s.",
        n,
    ),
    "nested_flattened": lambda t, n: t.gettext(
        "Nested objects became columns named by their path, such as a.b."
    ),
    "json_text_columns": lambda t, n: t.gettext(
        "These columns hold lists or deeply nested objects, kept as JSON text: %(columns)s."
    ),
    "rows_in_member": lambda t, n: t.ngettext(
        "The rows are the %(count)s object in the member %(member)s.",
        "The rows are the %(count)s objects in the member %(member)s.",
        n,
    ),
    "other_arrays_left_out": lambda t, n: t.gettext(
        "Other arrays of objects were left out: %(members)s."
    ),
    "text_after_json": lambda t, n: t.gettext(
        "Text after the end of the JSON document, from line %(line)s, column %(column)s, was "
        "ignored: %(text)s"
    ),
    "sheet_loaded": lambda t, n: t.gettext("The sheet %(sheet)s was loaded as table %(table)s."),
}
_POSITIONS = ("lines", "positions", "rows", "features")  # the first ones of `count`


def _shown(params: dict[str, Any]) -> dict[str, str]:
    count = params.get("count")
    shown = {}
    for key, value in params.items():
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value)
            if key in _POSITIONS and isinstance(count, int) and count > len(value):
                text += " …"
            shown[key] = text
        else:
            shown[key] = str(value)
    return shown


def note_text(note: Note, lang: str) -> Text:
    """The note in `lang`, or its English message (marked so) when it has no words here."""
    words = WORDS.get(note.code)
    if words is None:
        return Text(note.message, "en")
    count = note.params.get("count", 1)
    try:
        return Text(words(translations(lang), int(count)) % _shown(note.params), lang)
    except (KeyError, TypeError, ValueError):  # params that do not fit the words
        return Text(note.message, "en")


def note_json(value: Any, lang: str) -> dict[str, Any]:
    """A stored note for the API: code, params, and the message in `lang` (with its `lang`)."""
    note = stored_note(value)
    text = note_text(note, lang)
    return {"code": note.code, "params": note.params, "message": text.text, "lang": text.lang}


def report_json(report: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """A load's stored report with its notes (and each sheet's) as `note_json`."""
    if report is None:
        return None
    out = {**report, "warnings": [note_json(w, lang) for w in report.get("warnings") or []]}
    if report.get("sheets"):
        out["sheets"] = [
            {**s, "warnings": [note_json(w, lang) for w in s.get("warnings") or []]}
            for s in report["sheets"]
        ]
    return out


def failure_text(failure: Note, lang: str) -> Text:
    """Why a load failed, in `lang`; its English message (marked so) without words for it."""
    words = failure_words(failure, translations(lang))
    return Text(failure.message, "en") if words is None else Text(words, lang)


def failure_json(failure: Note | None, lang: str) -> dict[str, Any] | None:
    """A load's failure for the API: code, params, and the message in `lang` (with its `lang`)."""
    if failure is None:
        return None
    text = failure_text(failure, lang)
    return {"code": failure.code, "params": failure.params, "message": text.text,
            "lang": text.lang}  # fmt: skip
