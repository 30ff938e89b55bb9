"""What a second person approved (four eyes), and what has changed since.

An approval is of the dataset as it stood: its description, its distributions and their data.
`approve` keeps that content (`content_of`), and the checklist compares it with the dataset as
it stands now (`changed_since`): any later change, by any door (the pages, the JSON API, CKAN's
`package_patch`, a load or a DataStore write), makes the approval lapse, naming what changed,
until someone approves again. The content is read from the catalogue and the datastore's
tables, not recorded by each write, so no write path can forget it.

The state of the dataset (publishing it is what the approval is for) is not content.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from torget.catalog.datasets import Dataset
from torget.db.schema import datastore_jobs, datastore_tables

__all__ = ["content_of", "changed_since"]

_NOT_CONTENT = {"state", "distributions"}


def _data_versions(conn: sa.Connection, dist_ids: list[str]) -> dict[str, list[str | None]]:
    """Per distribution: its current table's file (a new one with every load and DataStore
    write) and its latest load job (a load queued or refused after the approval)."""
    if not dist_ids:
        return {}
    files = dict(
        conn.execute(
            sa.select(datastore_tables.c.distribution_id, datastore_tables.c.file).where(
                datastore_tables.c.distribution_id.in_(dist_ids)
            )
        ).all()
    )
    t = datastore_jobs
    latest = sa.select(t.c.distribution_id, sa.func.max(t.c.created_at).label("at")).where(
        t.c.distribution_id.in_(dist_ids)
    )
    newest = latest.group_by(t.c.distribution_id).subquery()
    jobs = dict(
        conn.execute(
            sa.select(t.c.distribution_id, sa.func.max(t.c.id))
            .join(
                newest,
                sa.and_(
                    newest.c.distribution_id == t.c.distribution_id, newest.c.at == t.c.created_at
                ),
            )
            .group_by(t.c.distribution_id)
        ).all()
    )
    return {d: [files.get(d), jobs.get(d)] for d in dist_ids}


def content_of(conn: sa.Connection, dataset: Dataset) -> dict[str, Any]:
    """The dataset's content as JSON: what an approval covers."""
    data = dataset.data.model_dump(mode="json", exclude=_NOT_CONTENT)
    versions = _data_versions(conn, [d.id for d in dataset.distributions])
    return {
        "metadata": data,
        "distributions": {d.id: d.data.model_dump(mode="json") for d in dataset.distributions},
        "data": versions,
    }


def _title(dist: dict[str, Any] | None, dist_id: str) -> str:
    title = (dist or {}).get("title") or {}
    return (
        str(title.get("sv") or title.get("en") or dist_id) if isinstance(title, dict) else dist_id
    )


def changed_since(approved: str, current: dict[str, Any]) -> list[str]:
    """What differs between the approved content (as kept) and the current one, named as an
    editor would: a field of the description, a distribution added, removed or changed (and
    which of its fields), new data in a distribution."""
    before = json.loads(approved)
    changes = [
        key
        for key in sorted(set(before["metadata"]) | set(current["metadata"]))
        if before["metadata"].get(key) != current["metadata"].get(key)
    ]
    was, now = before["distributions"], current["distributions"]
    for dist_id in sorted(set(was) | set(now)):
        old, new = was.get(dist_id), now.get(dist_id)
        name = _title(new or old, dist_id)
        if old is None:
            changes.append(f"distribution {name!r} added")
        elif new is None:
            changes.append(f"distribution {name!r} removed")
        else:
            fields = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            if fields:
                changes.append(f"distribution {name!r} ({', '.join(fields)})")
            if before["data"].get(dist_id) != current["data"].get(dist_id):
                changes.append(f"the data of distribution {name!r}")
    return changes
