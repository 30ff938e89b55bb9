"""Shared pieces of the catalogue stores: who sees which rows, and error translation."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import ValidationError

from torget.accounts.permissions import Actor
from torget.errors import FieldError, ValidationFailed

__all__ = ["readable_by", "validation_failed_from", "describe_error"]


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
        message = describe_error(err["type"], path, err["msg"])
        errors.append(FieldError(prefix + ".".join(path), message))
    return ValidationFailed(errors)


def describe_error(kind: str, path: list[str], message: str) -> str:
    """A clearer message for the structural errors people make most."""
    if kind == "missing" and path[-1:] == ["sv"]:
        return "Swedish text is required"
    if kind == "missing" and path[-1:] == ["title"]:
        return "is required, with Swedish text in 'sv'"
    if kind == "extra_forbidden":
        return "is not a known field"
    return message
