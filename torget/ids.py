"""Identifiers: every stored record gets a random UUID in canonical text form."""

from __future__ import annotations

import uuid

__all__ = ["new_id", "is_uuid"]


def new_id() -> str:
    return str(uuid.uuid4())


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
