"""Writing a batch of counts: one transaction, one additive upsert for `usage_counts` and one
for `dataset_popularity`.

The batch is resolved here, off the request path: a distribution's dataset (a datastore query
names only the table), which user agents are bots (`bots.is_bot`), and which datasets are
published (only their use is counted, as the popularity order always did). Every row adds its
count to what is stored (`count = count + excluded.count`), so the batches of several server
processes add up whatever their order. People's page views and downloads also feed the
popularity order of search (`search.popularity.add_use`), which bots no longer inflate.

Every commit that writes counts renews the use statistics' stamp (`usage_state`, see
`torget.stamps`), so that what a server process keeps of them is forgotten in every process.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.db.engine import after_commit, write
from torget.db.schema import datasets, distributions, usage_counts
from torget.search.popularity import add_use
from torget.settings import Settings
from torget.site_lookup import settings_of
from torget.stamps import read_token, renew
from torget.usage.bots import is_bot
from torget.usage.counter import Hit

__all__ = ["add_counts", "upsert_rows", "usage_state", "Row"]

# (dataset_id, day, distribution_id, kind, bot)
Row = tuple[str, dt.date, str, str, bool]


def _owners(conn: sa.Connection, batch: Mapping[Hit, int]) -> dict[str, str]:
    """The dataset of each distribution the batch names without one."""
    wanted = {h.distribution_id for h in batch if not h.dataset_id and h.distribution_id}
    if not wanted:
        return {}
    query = sa.select(distributions.c.id, distributions.c.dataset_id)
    return {r.id: r.dataset_id for r in conn.execute(query.where(distributions.c.id.in_(wanted)))}


def _published(conn: sa.Connection, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    query = sa.select(datasets.c.id).where(datasets.c.id.in_(ids), datasets.c.state == "published")
    return set(conn.execute(query).scalars().all())


def resolve(conn: sa.Connection, batch: Mapping[Hit, int]) -> dict[Row, int]:
    """The batch as rows of `usage_counts`: datasets found, bots told apart, the counts of
    drafts, deleted and unknown datasets dropped."""
    owners = _owners(conn, batch)
    rows: dict[Row, int] = {}
    for hit, n in batch.items():
        dataset_id = hit.dataset_id or owners.get(hit.distribution_id, "")
        if dataset_id:
            row = (dataset_id, hit.day, hit.distribution_id, hit.kind, is_bot(hit.user_agent))
            rows[row] = rows.get(row, 0) + n
    published = _published(conn, {r[0] for r in rows})
    return {row: n for row, n in rows.items() if row[0] in published}


def _key(item: tuple[Row, int]) -> tuple[str, str, str, str, bool]:
    (dataset_id, day, dist, kind, bot), _ = item
    return dataset_id, str(day), dist, kind, bot


@functools.lru_cache(maxsize=8)
def _stamp(settings: Settings) -> Path:
    return settings.data_dir / "stamps" / "usage"


def usage_state(settings: Settings) -> str:
    """A token that changes with every write of use counts (and popularity), in every
    process: what the statistics' readers may key their own caches on."""
    return read_token(_stamp(settings))


@dataclass(frozen=True)
class _Renew:
    """After the commit: the counts changed. Equal for equal settings, so a transaction
    renews the stamp once (`after_commit` keeps one of each)."""

    settings: Settings

    def __call__(self) -> None:
        renew(_stamp(self.settings))


def upsert_rows(conn: sa.Connection, rows: Mapping[Row, int], period: str = "day") -> None:
    """Add each row's count to the stored one (a new row when there is none)."""
    after_commit(conn, _Renew(settings_of(conn)))
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(usage_counts)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c for c in usage_counts.primary_key.columns],
        set_={"count": usage_counts.c["count"] + stmt.excluded["count"]},
    )
    conn.execute(
        stmt,
        [
            {"dataset_id": d, "period": period, "day": day, "distribution_id": dist,
             "kind": kind, "bot": bot, "count": n}
            # in key order, so concurrent batches lock rows in the same order (PostgreSQL)
            for (d, day, dist, kind, bot), n in sorted(rows.items(), key=_key)
        ],
    )  # fmt: skip


def _popularity(rows: Mapping[Row, int]) -> dict[str, tuple[int, int]]:
    """People's page views and downloads per dataset."""
    used: dict[str, tuple[int, int]] = {}
    for (dataset_id, _, _, kind, bot), n in rows.items():
        if bot or kind not in ("view", "download"):
            continue
        views, downloads = used.get(dataset_id, (0, 0))
        used[dataset_id] = (views + n, downloads) if kind == "view" else (views, downloads + n)
    return used


def add_counts(engine: sa.Engine, batch: Mapping[Hit, int]) -> None:
    """Add one buffer's counts to the database, in one write transaction."""
    with write(engine) as conn:
        rows = resolve(conn, batch)
        if rows:
            upsert_rows(conn, rows)
            add_use(conn, _popularity(rows))
