"""Why a load failed, as a typed note, and its words in the reader's language.

A failed load keeps its reason on the job as a `Note` (`notes.py`): a stable `code`, its
`params` (always `file`, the file's name or address; `line` and `column` where the reader knew
them; then what the reason names) and the English `message` for logs and the command line.
The job's `error` column holds the note as JSON, so no migration was needed; a reason stored
before failures had codes is plain English text and is read back as the note of code "text",
shown as the English it is.

The words are here, not in `torget.web`, because the letter to the editors (`load_letters`)
says the reason too and domain code never imports the web layer. They take a gettext
translator (the pages' `translations(lang)` or the mail's `translator(lang)`: one catalogue).
"""

from __future__ import annotations

import gettext
import json
from collections.abc import Callable
from typing import Any

from torget.datastore.errors import LoadError
from torget.datastore.notes import OLD_TEXT, Note, stored_note

__all__ = [
    "FAILURE_WORDS",
    "failure_note",
    "stored_failure",
    "failure_json",
    "failure_words",
]

_Words = Callable[[gettext.NullTranslations, int], str]

# Keyed by the failure's code; `t` is a translator and `n` the count the words name, if any.
# Each says why; where (the file, line and column) is added by `failure_words`.
FAILURE_WORDS: dict[str, _Words] = {
    "file_empty": lambda t, n: t.gettext("The file is empty."),
    "binary_file": lambda t, n: t.gettext(
        "This is a binary file (such as a ZIP archive, a PDF or an image), not a table in text."
    ),
    "html_page": lambda t, n: t.gettext(
        "This is a web page (HTML), not a data file: the address may point to a page about the "
        "file instead of the file itself."
    ),
    "invalid_utf8": lambda t, n: t.gettext(
        "The file is in UTF-8 but has a character that is not valid UTF-8 at byte %(byte)s: "
        "save it again as UTF-8."
    ),
    "field_too_long": lambda t, n: t.gettext(
        "This does not look like delimited text: a value in the first lines is longer than 128 KB."
    ),
    "too_many_columns": lambda t, n: t.gettext(
        "The table has %(count)s columns; at most %(limit)s can be loaded."
    ),
    "ragged_rows": lambda t, n: t.gettext(
        "The rows do not all have the same number of fields, and they could not be put right. "
        "The reader's words: %(detail)s"
    ),
    "unreadable_table": lambda t, n: t.gettext(
        "The file could not be read as a table. The reader's words: %(detail)s"
    ),
    "format_not_loadable": lambda t, n: t.gettext(
        "The format %(format)s cannot be loaded; the datastore loads %(formats)s."
    ),
    "no_rows": lambda t, n: t.gettext("The file holds no rows."),
    "json_invalid": lambda t, n: t.gettext("This is not valid JSON: %(detail)s."),
    "json_not_utf8": lambda t, n: t.gettext("A JSON file must be in UTF-8, and this one is not."),
    "json_value_too_large": lambda t, n: t.gettext(
        "One value is longer than %(limit)s characters."
    ),
    "json_too_deep": lambda t, n: t.gettext("A value is nested too deep (about 1,000 levels)."),
    "json_trailing_data": lambda t, n: t.gettext(
        "There is more data after the end of the JSON document."
    ),
    "json_not_rows": lambda t, n: t.gettext(
        "The JSON holds no rows: expected an array of objects, or one object per line."
    ),
    "json_one_object": lambda t, n: t.gettext(
        "The file holds one JSON object, not rows: expected an array of objects, one object "
        "per line, or an object with a member that holds an array of objects."
    ),
    "json_item_not_object": lambda t, n: t.gettext(
        "Item %(item)s of the array is not an object; every row must be an object."
    ),
    "crs_unknown": lambda t, n: t.gettext(
        "The file names the coordinate system %(crs)s, which is not known."
    ),
    "not_feature_collection": lambda t, n: t.gettext(
        "This is not a GeoJSON FeatureCollection: it has no array called features."
    ),
    "not_a_feature": lambda t, n: t.gettext("Feature %(feature)s is not a GeoJSON Feature."),
    "geometry_type_unknown": lambda t, n: t.gettext(
        "Feature %(feature)s has the unknown geometry type %(kind)s."
    ),
    "geometry_broken": lambda t, n: t.gettext(
        "Feature %(feature)s has a broken %(kind)s geometry: %(detail)s"
    ),
    "not_a_spreadsheet": lambda t, n: t.gettext(
        "This is not a spreadsheet: the file is not a valid XLSX or ODS archive."
    ),
    "spreadsheet_too_large": lambda t, n: t.gettext(
        "The spreadsheet would unpack to %(size)s bytes, more than the limit of %(limit)s."
    ),
    "spreadsheet_unreadable": lambda t, n: t.gettext(
        "The spreadsheet cannot be read. The reader's words: %(detail)s"
    ),
    "sheet_unreadable": lambda t, n: t.gettext(
        "The sheet cannot be read. The reader's words: %(detail)s"
    ),
    "no_such_file": lambda t, n: t.gettext("There is no such file."),
    "too_large": lambda t, n: t.gettext("The file is larger than the limit of %(limit)s bytes."),
    "another_upload": lambda t, n: t.gettext("The file is another dataset's upload."),
    "http_status": lambda t, n: t.gettext("The server answered with HTTP status %(status)s."),
    "download_refused": lambda t, n: t.gettext("The address was refused: %(detail)s"),
    "timeout": lambda t, n: t.gettext("The server gave no answer within %(seconds)s seconds."),
    "download_failed": lambda t, n: t.gettext("The download failed. The reason given: %(detail)s"),
    "not_external": lambda t, n: t.gettext(
        "The data does not come from an external http(s) address in a format the datastore loads."
    ),
    "personal_data_refused": lambda t, n: t.gettext(
        "Personal data was found in %(columns)s that no organisation admin has signed off, so "
        "the published table stays as it was."
    ),
    "superseded": lambda t, n: t.gettext("A newer load of the same file took its place."),
    "worker_stopped": lambda t, n: t.ngettext(
        "The process loading the file stopped (last seen %(seen)s), on its only attempt.",
        "The process loading the file stopped (last seen %(seen)s), on each of %(count)s attempts.",
        n,
    ),
    "worker_retrying": lambda t, n: t.gettext(
        "The process loading the file stopped (last seen %(seen)s); it is tried again."
    ),
    "internal_error": lambda t, n: t.gettext(
        "Torget failed while loading this file, through no fault of the file's as far as "
        "anyone knows. Try loading it again; if it fails again, tell the site's administrators."
    ),
}

# What Python's JSON reader says (`detail` of "json_invalid"), in the reader's language.
_JSON_DETAILS: dict[str, Callable[[gettext.NullTranslations], str]] = {
    "Expecting value": lambda t: t.gettext("a value was expected"),
    "Expecting property name enclosed in double quotes": lambda t: t.gettext(
        "a member name in double quotes was expected (is there a comma too many?)"
    ),
    "Expecting ',' delimiter": lambda t: t.gettext("a comma was expected"),
    "Expecting ':' delimiter": lambda t: t.gettext("a colon was expected"),
    "Unterminated string starting at": lambda t: t.gettext("a string has no closing quote"),
    "Invalid control character at": lambda t: t.gettext(
        "a string holds a control character (such as a line break) without a backslash"
    ),
    "Invalid \\escape": lambda t: t.gettext("a string has an invalid backslash escape"),
}


def failure_note(exc: BaseException, source: str) -> Note:
    """The note a load that raised `exc` ends with; any other error than a `LoadError` is
    Torget's own, and still names the file (`source`)."""
    if isinstance(exc, LoadError):
        return exc.note()
    name = source.rsplit("/", 1)[-1] or source
    return Note("internal_error", {"file": name}, f"internal error: {exc!r}")


def failure_json(note: Note) -> str:
    """The note as the job's `error` column keeps it."""
    return json.dumps(note.as_json(), ensure_ascii=False)


def stored_failure(error: str) -> Note:
    """The job's `error` column as a note: the JSON of `failure_json`, or the English sentence
    a load stored before failures had codes (code "text")."""
    if error.startswith("{"):
        try:
            return stored_note(json.loads(error))
        except ValueError:
            pass
    return stored_note(error)


def _shown(params: dict[str, Any]) -> dict[str, str]:
    return {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in params.items()}


def failure_words(note: Note, t: gettext.NullTranslations) -> str | None:
    """The failure in `t`'s language, with where it happened; None when there are no words
    for it (an old English reason, or params that do not fit), so the caller shows the
    English `message`."""
    words = FAILURE_WORDS.get(note.code)
    if words is None or note.code == OLD_TEXT:
        return None
    shown = _shown(note.params)
    if note.code == "json_invalid" and shown.get("detail") in _JSON_DETAILS:
        shown["detail"] = _JSON_DETAILS[shown["detail"]](t)
    try:
        why = words(t, int(note.params.get("count", 1))) % shown
    except (KeyError, TypeError, ValueError):
        return None
    if "file" not in shown:
        return why
    if "line" in shown and "column" in shown:
        where = t.gettext("%(file)s, line %(line)s, column %(column)s") % shown
    elif "line" in shown:
        where = t.gettext("%(file)s, line %(line)s") % shown
    else:
        where = shown["file"]
    return f"{where}: {why}"  # the same in Swedish and English
