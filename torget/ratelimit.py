"""Rate limits for public actions: registrations, suggestions, votes, comments, failed log-ins.

Fixed-window counters in the catalogue database (`rate_limit_hits`), so that every web process
and both backends share one count without another service. A hit is counted by an upsert in
the caller's transaction; when the window's count passes the limit the action is refused with
`RateLimited`, whose `retry_after` is the time left in the window (sent as `Retry-After`).
Fixed windows allow up to twice the limit across a window edge; for abuse limits that is fine.
Limits that count only failures (log-ins) `check` before the attempt and `hit` after a failure,
so that a spent key is refused without counting and successes are never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.clock import now
from torget.db.schema import rate_limit_hits
from torget.errors import RateLimited

__all__ = ["Limit", "hit", "check"]


@dataclass(frozen=True)
class Limit:
    """At most `count` actions named `action` per `seconds` for one key (account or address)."""

    action: str
    count: int
    seconds: int


def hit(conn: sa.Connection, limit: Limit, key: str) -> None:
    """Count one action by `key` (e.g. "user:<id>" or "ip:<address>"); refuse it past the limit.

    The count is written in the caller's transaction. A refusal raises, and the caller's
    transaction rolls back with it, so a refused hit is not counted: the window still ends
    when it would have, and until then every further try is refused as well."""
    at = now()
    start = _window_start(at, limit.seconds)
    bucket = _bucket(limit, key)
    hits = _increment(conn, bucket, start)
    if hits == 1:  # first hit of a new window: forget this bucket's older windows
        conn.execute(
            rate_limit_hits.delete().where(
                (rate_limit_hits.c.bucket == bucket) & (rate_limit_hits.c.window_start < start)
            )
        )
    if hits > limit.count:
        raise _refusal(limit, start, at)


def check(conn: sa.Connection, limit: Limit, key: str) -> None:
    """Refuse, without counting, when `key` has used up this window: for limits that count
    only failures (log-ins), checked before the attempt and counted with `hit` if it fails."""
    at = now()
    start = _window_start(at, limit.seconds)
    hits = conn.execute(
        sa.select(rate_limit_hits.c.hits).where(
            (rate_limit_hits.c.bucket == _bucket(limit, key))
            & (rate_limit_hits.c.window_start == start)
        )
    ).scalar()
    if hits is not None and hits >= limit.count:
        raise _refusal(limit, start, at)


def _bucket(limit: Limit, key: str) -> str:
    return f"{limit.action}:{key}"[:200]


def _refusal(limit: Limit, start: datetime, at: datetime) -> RateLimited:
    left = start + timedelta(seconds=limit.seconds) - at
    return RateLimited(limit.action, max(1, int(left.total_seconds() + 0.999)))


def _window_start(at: datetime, seconds: int) -> datetime:
    epoch = int(at.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=at.tzinfo)


def _increment(conn: sa.Connection, bucket: str, start: datetime) -> int:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(rate_limit_hits).values(bucket=bucket, window_start=start, hits=1)
    upsert = insert.on_conflict_do_update(
        index_elements=[rate_limit_hits.c.bucket, rate_limit_hits.c.window_start],
        set_={"hits": rate_limit_hits.c.hits + 1},
    ).returning(rate_limit_hits.c.hits)
    return int(conn.execute(upsert).scalar_one())
