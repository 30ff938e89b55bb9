"""Shared pieces of the catalogue stores: who sees which rows, and error translation."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import ValidationError

from torget.accounts.permissions import Actor
from torget.errors import FieldError, ValidationFailed

__all__ = ["readable_by", "validation_failed_from", "describe_error", "structural_error"]

# pydantic's error types as Torget's codes (`torget.errors`); any other type is "invalid".
STRUCTURAL_CODES = {
    "missing": "required",
    "string_type": "not_a_string",
    "date_type": "not_a_date",
    "date_parsing": "not_a_date",
    "date_from_datetime_parsing": "not_a_date",
    "date_from_datetime_inexact": "not_a_date",
    "int_type": "not_an_integer",
    "int_parsing": "not_an_integer",
    "int_from_float": "not_an_integer",
    "extra_forbidden": "unknown_field",
}


def readable_by(actor: Actor, table: sa.Table) -> sa.ColumnElement[bool]:
    """Rows of `table` (with `state` and `organisation_id`) that the actor may read."""
    if actor.sysadmin:
        return sa.true()
    published = table.c.state == "published"
    if not actor.roles:
        return published
    return sa.or_(published, table.c.organisation_id.in_(list(actor.roles)))


def validation_failed_from(exc: ValidationError, prefix: str = "") -> ValidationFailed:
    """pydantic's structural errors in Torget's shape: a dotted field path and a message."""
    errors = []
    for err in exc.errors():
        path = [str(p) for p in err["loc"]]
        errors.append(structural_error(prefix + ".".join(path), err["type"], path, err["msg"]))
    return ValidationFailed(errors)


def structural_error(field: str, kind: str, path: list[str], message: str) -> FieldError:
    """One of pydantic's errors (of type `kind` at `path`) as a `FieldError` with its code."""
    code = STRUCTURAL_CODES.get(kind, "invalid")
    if kind == "missing" and path[-1:] in (["sv"], ["title"]):
        code = "swedish_text_required"
    return FieldError(field, describe_error(kind, path, message), code=code)


def describe_error(kind: str, path: list[str], message: str) -> str:
    """A clearer message for the structural errors people make most."""
    if kind == "missing" and path[-1:] == ["sv"]:
        return "Swedish text is required"
    if kind == "missing" and path[-1:] == ["title"]:
        return "is required, with Swedish text in 'sv'"
    if kind == "extra_forbidden":
        return "is not a known field"
    return message
