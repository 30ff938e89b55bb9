"""The versions of each distribution's table: one row per completed load, with what changed
against the load before it, and the superseded files kept for a retention period.

A load's file is hard-linked into `<datastore_dir>/<distribution>/versions/<job>.duckdb` as it
becomes current (`record_load`, called by `load._swap` after the swap): a second name for the
same bytes, so keeping a version costs no copy, and `tables.remove_stale` (which removes only
the distribution folder's own `*.duckdb*`) and the leftovers sweep (which touches only files
named like a load's) leave it alone. The comparison with the previous version runs after the
swap, so readers see the new table at once; a comparison that fails is recorded as such and
the load stands.

Superseded versions stay downloadable for the dataset's organisation's retention period
(`datastore_retention`, `DEFAULT_RETENTION_DAYS` when it set none); the worker's periodic
`prune` removes their files after it, keeping the counts. `datastore_diff_keys` holds the key
an editor chose to compare loads by; `set_key` refuses one with NULLs or duplicates in the
current table.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.clock import as_utc, now
from torget.datastore import tables, versions
from torget.datastore.access import find_table
from torget.datastore.load_letters import distribution_of
from torget.db.engine import after_commit, read, write
from torget.db.schema import (
    datasets,
    datastore_diff_keys,
    datastore_retention,
    datastore_versions,
    distributions,
)
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.events import DistributionDeleted, Handler
from torget.settings import Settings
from torget.site_lookup import site_of

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "Version",
    "record_load",
    "history",
    "version_table",
    "chosen_key",
    "set_key",
    "retention_days",
    "set_retention",
    "prune",
    "forget",
    "SUBSCRIPTIONS",
]

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True)
class Version:
    job_id: str
    distribution_id: str
    previous_job_id: str | None
    loaded_at: dt.datetime
    superseded_at: dt.datetime | None
    row_count: int
    columns: list[dict[str, Any]]
    comparison: str  # first | key | row | failed
    key: list[str]
    added: int | None
    removed: int | None
    changed: int | None
    sample: dict[str, list[dict[str, Any]]]
    notes: list[dict[str, Any]]
    file: str | None  # relative to datastore_dir while the version is kept

    def as_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "previous_job_id": self.previous_job_id,
            "loaded_at": self.loaded_at.isoformat(),
            "superseded_at": self.superseded_at.isoformat() if self.superseded_at else None,
            "rows": self.row_count,
            "comparison": self.comparison,
            "key": self.key,
            "rows_added": self.added,
            "rows_removed": self.removed,
            "rows_changed": self.changed,
            "sample": self.sample,
            "notes": self.notes,
            "downloadable": self.file is not None,
        }


def _version(row: sa.Row[Any]) -> Version:
    m = row._mapping
    return Version(
        m["job_id"], m["distribution_id"], m["previous_job_id"], as_utc(m["loaded_at"]),
        as_utc(m["superseded_at"]) if m["superseded_at"] else None, m["row_count"],
        json.loads(m["columns"]), m["comparison"], json.loads(m["key"]) if m["key"] else [],
        m["rows_added"], m["rows_removed"], m["rows_changed"],
        json.loads(m["sample"]) if m["sample"] else {"added": [], "removed": [], "changed": []},
        json.loads(m["note"]) if m["note"] else [], m["file"],
    )  # fmt: skip


def _kept_file(root: Path, distribution_id: str, job_id: str) -> Path:
    return root / distribution_id / "versions" / f"{job_id}.duckdb"


def _keep(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _latest(conn: sa.Connection, distribution_id: str) -> Version | None:
    row = conn.execute(
        sa.select(datastore_versions)
        .where(datastore_versions.c.distribution_id == distribution_id)
        .order_by(datastore_versions.c.loaded_at.desc())
        .limit(1)
    ).first()
    return _version(row) if row else None


def _compared(settings: Settings, previous: Version | None, new: Path,
              key: list[str]) -> dict[str, Any]:  # fmt: skip
    """The comparison's columns of a new version row."""
    if previous is None or previous.file is None:
        return {"comparison": "first"}
    old = settings.datastore_path / previous.file
    try:
        with tempfile.TemporaryDirectory(prefix=".compare-", dir=new.parent) as spill:
            found = versions.compare(old, new, key, settings.datastore_memory_limit, Path(spill))
    except (duckdb.Error, OSError) as exc:
        log.warning("no comparison of %s with %s", new, old, exc_info=True)
        reason = str(exc).splitlines()[0]
        note = {
            "code": "compare_failed",
            "params": {"reason": reason},
            "message": f"the loads could not be compared: {reason}",
        }
        return {"comparison": "failed", "note": json.dumps([note])}
    return {
        "comparison": found.comparison,
        "key": json.dumps(found.key, ensure_ascii=False) if found.key else None,
        "rows_added": found.added,
        "rows_removed": found.removed,
        "rows_changed": found.changed,
        "sample": json.dumps(found.sample, ensure_ascii=False),
        "note": json.dumps([n.as_json() for n in found.notes], ensure_ascii=False),
    }


def record_load(settings: Settings, engine: sa.Engine, distribution_id: str, job_id: str) -> None:
    """Keep the just-swapped table `job_id` as a version and compare it with the one before.
    Never raises: the load has succeeded whatever happens here."""
    try:
        _record(settings, engine, distribution_id, job_id)
    except Exception:  # noqa: BLE001 - the table is live; only its history is missing
        log.warning("no version recorded for load %s", job_id, exc_info=True)


def _record(settings: Settings, engine: sa.Engine, distribution_id: str, job_id: str) -> None:
    root = settings.datastore_path
    with read(engine) as conn:
        table = tables.current_table(conn, root, distribution_id)
        previous = _latest(conn, distribution_id)
        key = chosen_key(conn, distribution_id)
    if table is None or table.job_id != job_id:
        return  # superseded already; its successor records itself
    kept = _kept_file(root, distribution_id, job_id)
    _keep(table.path, kept)
    values = _compared(settings, previous, kept, key)
    stamp = now()
    with write(engine) as conn:
        conn.execute(
            datastore_versions.insert().values(
                job_id=job_id, distribution_id=distribution_id,
                previous_job_id=previous.job_id if previous else None,
                file=str(kept.relative_to(root)), row_count=table.row_count,
                columns=json.dumps(table.columns, ensure_ascii=False), loaded_at=stamp,
                **values,
            )
        )  # fmt: skip
        if previous is not None:
            conn.execute(
                datastore_versions.update()
                .where(datastore_versions.c.job_id == previous.job_id)
                .values(superseded_at=stamp)
            )


def history(conn: sa.Connection, actor: Actor, root: Path, distribution_id: str,
            limit: int = 20) -> list[Version]:  # fmt: skip
    """The distribution's versions, the newest first, for an actor who may read it."""
    find_table(conn, actor, root, distribution_id)  # NotFound unless the actor may read it
    rows = conn.execute(
        sa.select(datastore_versions)
        .where(datastore_versions.c.distribution_id == distribution_id)
        .order_by(datastore_versions.c.loaded_at.desc())
        .limit(limit)
    ).all()
    return [_version(r) for r in rows]


def version_table(conn: sa.Connection, actor: Actor, root: Path, distribution_id: str,
                  job_id: str) -> tables.Table:  # fmt: skip
    """A kept version of the distribution's table, to read or download."""
    find_table(conn, actor, root, distribution_id)
    row = conn.execute(
        sa.select(datastore_versions).where(
            datastore_versions.c.job_id == job_id,
            datastore_versions.c.distribution_id == distribution_id,
        )
    ).first()
    version = _version(row) if row else None
    if version is None or version.file is None or not (root / version.file).is_file():
        raise NotFound(f"no kept version {job_id!r} of distribution {distribution_id!r}")
    return tables.Table(distribution_id, job_id, root / version.file, version.row_count,
                        version.columns, version.loaded_at)  # fmt: skip


def chosen_key(conn: sa.Connection, distribution_id: str) -> list[str]:
    found = conn.execute(
        sa.select(datastore_diff_keys.c.columns).where(
            datastore_diff_keys.c.distribution_id == distribution_id
        )
    ).scalar()
    return [str(c) for c in json.loads(found)] if found else []


def _refuse_key(table: tables.Table | None, key: list[str]) -> None:
    if table is None:
        return  # checked against each load when it comes; nothing to check it against yet
    unknown = [k for k in key if k not in table.column_types]
    if unknown:
        raise ValidationFailed([FieldError("key", f"no column {', '.join(unknown)} in the table",
                                           code="diff_key_unknown",
                                           params={"columns": ", ".join(unknown)})])  # fmt: skip
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH '{str(table.path).replace(chr(39), chr(39) * 2)}' AS t (READ_ONLY)")
        problems = versions.key_problems(con, "t.data", key)
    if problems:
        first = problems[0]
        params = {k: str(v) for k, v in first.params.items()}
        error = FieldError("key", first.message, code="diff_" + first.code, params=params)
        raise ValidationFailed([error])


def set_key(conn: sa.Connection, actor: Actor, root: Path, distribution_id: str,
            key: list[str]) -> None:  # fmt: skip
    """Compare the distribution's loads by `key` from the next load on ([]: by whole row).
    Editors only; refused when the current table lacks a column of it or has NULLs or
    duplicates in it."""
    table = find_table(conn, actor, root, distribution_id)
    found = distribution_of(conn, distribution_id)
    assert found is not None  # find_table found it
    actor.require(str(found["organisation_id"]), "editor", "choose the key loads are compared by")
    conn.execute(
        datastore_diff_keys.delete().where(datastore_diff_keys.c.distribution_id == distribution_id)
    )
    if not key:
        return
    _refuse_key(table, key)
    conn.execute(datastore_diff_keys.insert().values(
        distribution_id=distribution_id, columns=json.dumps(key, ensure_ascii=False),
        updated_at=now()))  # fmt: skip


def retention_days(conn: sa.Connection, organisation_id: str) -> int:
    found = conn.execute(
        sa.select(datastore_retention.c.days).where(
            datastore_retention.c.organisation_id == organisation_id
        )
    ).scalar()
    return int(found) if found is not None else DEFAULT_RETENTION_DAYS


def set_retention(conn: sa.Connection, actor: Actor, organisation_id: str, days: int) -> None:
    """Keep superseded versions of the organisation's tables `days` days (0: not at all).
    The organisation's administrators only."""
    actor.require(organisation_id, "admin", "set how long old versions of tables are kept")
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise ValidationFailed([FieldError(
            "days", f"must be between 0 and {MAX_RETENTION_DAYS}", code="retention_range",
            params={"max": str(MAX_RETENTION_DAYS)})])  # fmt: skip
    conn.execute(
        datastore_retention.delete().where(datastore_retention.c.organisation_id == organisation_id)
    )
    conn.execute(datastore_retention.insert().values(
        organisation_id=organisation_id, days=days, updated_at=now()))  # fmt: skip


def prune(settings: Settings, engine: sa.Engine) -> int:
    """Remove the files of versions superseded longer ago than their organisation keeps them;
    the counts stay. Returns how many were removed. Run by the worker every hour."""
    stamp = now()
    with read(engine) as conn:
        rows = conn.execute(
            sa.select(datastore_versions.c.job_id, datastore_versions.c.file,
                      datastore_versions.c.superseded_at, datastore_retention.c.days)
            .join(distributions, distributions.c.id == datastore_versions.c.distribution_id)
            .join(datasets, datasets.c.id == distributions.c.dataset_id)
            .outerjoin(datastore_retention,
                       datastore_retention.c.organisation_id == datasets.c.organisation_id)
            .where(datastore_versions.c.file.is_not(None),
                   datastore_versions.c.superseded_at.is_not(None))
        ).all()  # fmt: skip
    due = [r for r in rows if as_utc(r.superseded_at) + dt.timedelta(
        days=DEFAULT_RETENTION_DAYS if r.days is None else r.days) <= stamp]  # fmt: skip
    for row in due:
        with write(engine) as conn:
            conn.execute(
                datastore_versions.update()
                .where(datastore_versions.c.job_id == row.job_id)
                .values(file=None)
            )
        (settings.datastore_path / row.file).unlink(missing_ok=True)
    return len(due)


def forget(conn: sa.Connection, distribution_id: str) -> None:
    """A deleted distribution's versions (its files go with its folder, after the commit)."""
    conn.execute(
        datastore_versions.delete().where(datastore_versions.c.distribution_id == distribution_id)
    )
    conn.execute(
        datastore_diff_keys.delete().where(datastore_diff_keys.c.distribution_id == distribution_id)
    )


def _on_deleted(conn: sa.Connection, event: DistributionDeleted) -> None:
    forget(conn, event.distribution_id)
    folder = site_of(conn, "removing a deleted table's versions").settings.datastore_path
    kept = folder / event.distribution_id / "versions"
    after_commit(conn, lambda: shutil.rmtree(kept, ignore_errors=True))


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = ((DistributionDeleted, _on_deleted),)
