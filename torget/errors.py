"""Domain errors. The HTTP layer maps each to a status code; the CLI prints its message.

Every refusal carries a stable `code` (snake_case) and the `params` its message names, so a
page can say it in its own words (gettext, by code) and an API client can act on it without
reading the English message, which may be reworded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "TorgetError",
    "NotFound",
    "Conflict",
    "PermissionDenied",
    "NotAuthenticated",
    "FieldError",
    "ValidationFailed",
    "RateLimited",
    "TooLarge",
]


class TorgetError(Exception):
    """Base of the errors a caller can act on: each kind has a default `code`, and a raise site
    may name a more specific one (`Conflict("…", code="dataset_name_taken", params=…)`)."""

    code = "error"
    params: Mapping[str, object] = MappingProxyType({})

    def __init__(
        self, *args: object, code: str | None = None, params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(*args)
        if code is not None:
            self.code = code
        if params:
            self.params = dict(params)


class NotFound(TorgetError):
    code = "not_found"


class Conflict(TorgetError):
    code = "conflict"


class PermissionDenied(TorgetError):
    code = "forbidden"


class NotAuthenticated(TorgetError):
    code = "not_authenticated"


class TooLarge(TorgetError):
    """A file or request body over a size limit (413); the message names the limit."""

    code = "too_large"


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field: `field` is a dotted path such as `distributions.0.format`;
    `code` names the problem for a translation, `params` the values its message names."""

    field: str
    message: str
    allowed: list[str] | None = None
    code: str = "invalid"
    params: dict[str, str] = dataclasses.field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, field: str, exc: TorgetError) -> FieldError:
        """The refusal `exc` as an error of `field`, keeping its code and params."""
        params = {k: str(v) for k, v in exc.params.items()}
        return cls(field, str(exc), code=exc.code, params=params)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "field": self.field,
            "message": self.message,
            "code": self.code,
            "params": self.params,
        }
        if self.allowed is not None:
            out["allowed"] = self.allowed
        return out


@dataclass
class ValidationFailed(TorgetError):
    errors: list[FieldError] = field(default_factory=list)
    code = "validation_failed"

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.errors)


@dataclass
class RateLimited(TorgetError):
    """Too many actions of one kind from one account or address; try again in `retry_after` s."""

    action: str
    retry_after: int
    code = "rate_limited"

    def __post_init__(self) -> None:
        self.params = {"action": self.action, "retry_after": self.retry_after}

    def __str__(self) -> str:
        return f"too many {self.action} requests; try again in {self.retry_after} seconds"
