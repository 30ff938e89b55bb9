"""The one place Torget reads the time, so that every timestamp is timezone-aware UTC."""

from __future__ import annotations

import datetime as dt

__all__ = ["now", "as_utc"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
