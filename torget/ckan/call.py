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

from torget.accounts.permissions import Actor
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
    "required",
]

Params = dict[str, Any]


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
    actor: Actor
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
    value = params.get(key, default)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _problem(key, "Invalid integer") from None
    if number < low:
        raise _problem(key, f"Must be a natural number of at least {low}")
    return min(number, high) if high is not None else number


def as_list(params: Params, key: str) -> list[Any]:
    """A list given as a JSON list, a JSON list in a string, or one value."""
    value = params.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            raise _problem(key, "is not a JSON list") from None
    return value if isinstance(value, list) else [value]


def required(params: Params, key: str) -> str:
    value = params.get(key)
    if value is None or str(value).strip() == "":
        raise _problem(key, "Missing value")
    return str(value).strip()
