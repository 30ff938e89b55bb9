"""What every CKAN action receives, and how it reads CKAN's loosely typed parameters.

CKAN actions take a `data_dict` whose values arrive as JSON values (a JSON POST), strings
(query strings, multipart forms, where ckanapi turns every value into a string) or JSON held
in a string (`facet.field=["tags"]`). The readers here accept all three, so each action states
its parameters' types once. The `Call` carries the caller and the backends, typed, instead of
CKAN's context dict.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import sqlalchemy as sa

from torget.accounts.permissions import Acting
from torget.accounts.users import User
from torget.datastore.sandbox import SqlSandbox
from torget.errors import FieldError, ValidationFailed
from torget.files import FileStore
from torget.settings import Settings

__all__ = [
    "Call",
    "Upload",
    "Action",
    "Params",
    "SearchQueryError",
    "BadRequest",
    "as_bool",
    "as_int",
    "as_list",
    "as_text",
    "list_value",
    "MAX_INTEGER",
    "required",
]

Params = dict[str, Any]
# The largest whole number a parameter may be: the largest JSON carries exactly (2**53 - 1).
MAX_INTEGER = 2**53 - 1


@dataclass(frozen=True)
class Upload:
    """A file sent as the multipart field `upload`."""

    filename: str
    stream: BinaryIO
    content_type: str


@dataclass(frozen=True)
class Call:
    engine: sa.Engine
    settings: Settings
    files: FileStore
    actor: Acting
    upload: Upload | None = None
    sql: SqlSandbox | None = None  # the SQL endpoint's sandbox (datastore_search_sql)

    @property
    def base(self) -> str:
        return str(self.settings.public_base)

    @property
    def user(self) -> User | None:
        return self.actor.user


@dataclass(frozen=True)
class Action:
    """One CKAN action: read-only ones also answer GET (CKAN's `side_effect_free`)."""

    run: Callable[[Call, Params], Any]
    read_only: bool


class SearchQueryError(Exception):
    """A `q`/`fq`/`sort` Torget cannot answer: CKAN's 400 "Search Query Error"."""


class BadRequest(Exception):
    """CKAN's plain 400: the body is a JSON string, not an error object."""


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message)])


def as_bool(params: Params, key: str, default: bool = False) -> bool:
    value = params.get(key, default)
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return default
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise _problem(key, f"{value!r} is not a boolean (true or false)")


def as_int(params: Params, key: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    """A whole number of at least `low`, capped at `high`; beyond `MAX_INTEGER` refused (a
    database cannot take it as an offset or a limit, and no count reaches it)."""
    value = params.get(key, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool | list | dict):
        raise _problem(key, "Invalid integer")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise _problem(key, "Invalid integer") from None
    if number < low:
        raise _problem(key, f"Must be a natural number of at least {low}")
    if number > MAX_INTEGER:
        raise _problem(key, f"Must be at most {MAX_INTEGER}")
    return min(number, high) if high is not None else number


def as_text(params: Params, key: str) -> str | None:
    """A text parameter, trimmed; None when absent or empty. A number is taken as its digits;
    a list or an object is refused."""
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise _problem(key, "must be a text, not a list or an object")
    return str(value).strip() or None


def list_value(value: Any, field: str, *, one: bool = True) -> list[Any]:
    """A list given as a JSON list or a JSON list in a string; any other value is a list of
    that one value, or with `one=False` refused, naming `field`."""
    if value is None or value == "":
        return []
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise _problem(field, "is not a JSON list") from None
    if isinstance(value, list):
        return value
    if not one:
        raise _problem(field, "must be a list")
    return [value]


def as_list(params: Params, key: str) -> list[Any]:
    """A list given as a JSON list, a JSON list in a string, or one value."""
    return list_value(params.get(key), key)


def required(params: Params, key: str) -> str:
    value = as_text(params, key)
    if value is None:
        raise _problem(key, "Missing value")
    return value
