"""The datastore's loads stamp: a token renewed after every commit that writes its loads or
tables, in whichever process (`torget.stamps`).

A record shows its distributions' datastore (the last data change, which file a held load
keeps back), and what the web keeps of records (`web/answers_kept.py`) compared that part
with one query on every use: 0.3-0.5 ms of a core and a pooled connection per kept answer,
on the event loop's critical path (issue 21). With this token a kept answer is compared again
only after a write to `datastore_jobs` or `datastore_tables` committed, by anyone; until then
reading the token (a few bytes from a file) says it is still right.

The writers are not asked to remember it: `watch` listens on the site's engine for every
INSERT, UPDATE and DELETE of those two tables, whichever module runs it (the loader, the
queue's sweep, the harvest holding loads back, a table dropped), and renews the token after
the commit (`db.engine.after_commit`: a rolled-back write renews nothing). A heartbeat of a
running load renews it too; each kept answer then costs its query once more, not a rebuild.
Rows that go with their distribution (`ON DELETE CASCADE`) are covered by the catalogue's
stamp, which that deletion renews.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.dml import UpdateBase

from torget.db.engine import after_commit
from torget.db.schema import datastore_jobs, datastore_tables
from torget.settings import Settings
from torget.stamps import read_token, renew

__all__ = ["loads_token", "watch", "WATCHED"]

WATCHED = frozenset({datastore_jobs.name, datastore_tables.name})


@functools.lru_cache(maxsize=8)
def _path(settings: Settings) -> Path:
    return settings.data_dir / "stamps" / "datastore-loads"


def loads_token(settings: Settings) -> str:
    """The token of the datastore's loads and tables as of now: read it *before* them."""
    return read_token(_path(settings))


@dataclass(frozen=True)
class _Renew:
    """After the commit: the loads changed. Equal for equal settings, so that a transaction's
    many writes renew the token once (`after_commit` keeps one of each)."""

    settings: Settings

    def __call__(self) -> None:
        renew(_path(self.settings))


@dataclass(frozen=True)
class _Watch:
    settings: Settings

    def __call__(self, conn: sa.Connection, statement: Any, *_args: Any) -> None:
        if isinstance(statement, UpdateBase) and getattr(statement.table, "name", "") in WATCHED:
            after_commit(conn, _Renew(self.settings))


def watch(engine: sa.Engine, settings: Settings) -> None:
    """Renew the token after each commit on `engine` that wrote the loads or tables."""
    sa.event.listen(engine, "before_execute", _Watch(settings))
