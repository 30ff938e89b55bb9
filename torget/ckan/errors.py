"""Torget's errors in CKAN's shape (`ckan/views/api.py`), which ckanapi turns back into
exceptions by their `__type`: 409 "Validation Error" with a list of messages per field
(resource errors nested under `resources`, one dict per resource), 404 "Not Found Error",
403 "Authorization Error" (also for a missing or wrong token: CKAN has no 401), 400
"Search Query Error"; a bad request is a bare JSON string, as in CKAN. An upload over
`upload_max_bytes` is a "Validation Error" of `upload` with status 413.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torget.ckan.call import BadRequest, SearchQueryError
from torget.ckan.mapping import ckan_field
from torget.errors import (
    Conflict,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooLarge,
    ValidationFailed,
)

__all__ = ["error_response"]


def _message(error: FieldError) -> str:
    if error.allowed and "use one of" not in error.message:
        return f"{error.message} (allowed: {', '.join(error.allowed)})"
    return error.message


def validation_dict(exc: ValidationFailed) -> dict[str, Any]:
    """CKAN's messages per field, and beside them under `__codes` Torget's codes in the same
    shape (a key CKAN's clients pass over, as they do `__type`)."""
    fields = _per_field(exc.errors, _message)
    return {**fields, "__codes": _per_field(exc.errors, lambda e: e.code)}


def _per_field(errors: list[FieldError], say: Callable[[FieldError], str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    resources: dict[int, dict[str, list[str]]] = {}
    for error in errors:
        index, name = ckan_field(error.field)
        target = fields if index is None else resources.setdefault(index, {})
        target.setdefault(name, []).append(say(error))
    if resources:
        fields["resources"] = [resources.get(i, {}) for i in range(max(resources) + 1)]
    return fields


def error_response(exc: Exception) -> tuple[int, Any]:
    """(HTTP status, the `error` member) for an exception an action raised; the caller wraps
    it in the envelope. A bad request gives a bare string, the whole body."""
    if isinstance(exc, ValidationFailed):
        return 409, {"__type": "Validation Error", **validation_dict(exc)}
    if isinstance(exc, Conflict):
        return 409, {
            "__type": "Validation Error",
            "message": str(exc),
            "name": [str(exc)],
            "__codes": {"name": [exc.code]},
        }
    if isinstance(exc, TooLarge):  # CKAN says it as a validation error of `upload`, but 413
        return 413, {"__type": "Validation Error", "upload": [str(exc)]}
    if isinstance(exc, NotFound):
        return 404, {"__type": "Not Found Error", "message": f"Not found: {exc}"}
    if isinstance(exc, NotAuthenticated | PermissionDenied):
        return 403, {"__type": "Authorization Error", "message": f"Access denied: {exc}"}
    if isinstance(exc, SearchQueryError):
        return 400, {"__type": "Search Query Error", "message": f"Search Query is invalid: {exc}"}
    if isinstance(exc, BadRequest):
        return 400, f"Bad request - {exc}"
    raise exc
