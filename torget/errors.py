"""Domain errors. The HTTP layer maps each to a status code; the CLI prints its message."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "TorgetError",
    "NotFound",
    "Conflict",
    "PermissionDenied",
    "NotAuthenticated",
    "FieldError",
    "ValidationFailed",
    "RateLimited",
]


class TorgetError(Exception):
    """Base of the errors a caller can act on."""


class NotFound(TorgetError):
    pass


class Conflict(TorgetError):
    pass


class PermissionDenied(TorgetError):
    pass


class NotAuthenticated(TorgetError):
    pass


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field: `field` is a dotted path such as `distributions.0.format`."""

    field: str
    message: str
    allowed: list[str] | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.allowed is not None:
            out["allowed"] = self.allowed
        return out


@dataclass
class ValidationFailed(TorgetError):
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.errors)


@dataclass
class RateLimited(TorgetError):
    """Too many actions of one kind from one account or address; try again in `retry_after` s."""

    action: str
    retry_after: int

    def __str__(self) -> str:
        return f"too many {self.action} requests; try again in {self.retry_after} seconds"
