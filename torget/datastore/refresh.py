"""Scheduled refresh: a distribution whose data comes from an external URL is fetched again
at its dataset's update frequency and loaded when its content changed (issue 20, item 4).

The request is conditional (`If-None-Match` and `If-Modified-Since` from the last answer's
`ETag` and `Last-Modified`, kept per distribution in `datastore_refresh`), so a server that
supports it answers 304 and sends nothing; a server that does not sends the file, and a file
whose SHA-256 equals the last loaded one's is not loaded again either. A changed file goes
through `load.load_local`, the same path as every load: the personal-data guard in `_swap`,
the specification check, the version and what changed (`version_store`). A refresh that fails
(an HTTP error, an HTML page, a file that does not parse, a table the guard refuses) leaves
the previous table as it is and says why in the distribution's status line, which editors see
on the publishing page and in the API; its validators are not kept, so the next attempt
fetches the whole file again.

A distribution is due when its dataset's due date would be (`torget.publishing.freshness`,
one reading of the EU frequency vocabulary for both): its last check plus the frequency's
period. Frequencies without a period (irregular, other, unknown, never) are never refreshed
on a schedule; `torget datastore refresh ID` still can.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from huey import Huey, crontab

from torget.accounts.permissions import Actor
from torget.catalog.model import DistributionIn
from torget.clock import as_utc, now
from torget.datastore import jobs, tables, version_store
from torget.datastore.errors import LoadError
from torget.datastore.fetch import FetchLimits, download
from torget.datastore.load import load_local, loadable_source
from torget.datastore.load_letters import distribution_of
from torget.db.engine import read, write
from torget.db.schema import datasets, datastore_refresh, distributions
from torget.errors import NotFound
from torget.files import FileStore
from torget.files.urls import key_of_url
from torget.publishing import freshness
from torget.settings import Settings

__all__ = [
    "Outcome",
    "Status",
    "is_due",
    "refresh",
    "refresh_due",
    "due_distributions",
    "status",
    "status_for",
    "schedule_refresh",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One refresh: `state` is loaded, unchanged or failed; `message` says what happened."""

    distribution_id: str
    state: str
    message: str


@dataclass(frozen=True)
class Status:
    """The last refresh of a distribution, as editors see it."""

    url: str
    state: str
    message: str
    checked_at: dt.datetime
    changed_at: dt.datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "state": self.state,
            "message": self.message,
            "checked_at": self.checked_at.isoformat(),
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
        }


def is_due(frequency: str | None, last: dt.datetime | None, at: dt.datetime) -> bool:
    """Whether a distribution last checked (or loaded) at `last` is due for refresh at `at`,
    under a frequency given as its code or IRI."""
    code = _code(frequency)
    if code not in freshness.PERIODS:
        return False
    due = freshness.due_after(last, code) if last is not None else None
    return due is None or due <= at


def _code(frequency: str | None) -> str:
    return (frequency or "").rstrip("/").rsplit("/", 1)[-1].upper()


def status(conn: sa.Connection, distribution_id: str) -> Status | None:
    row = conn.execute(
        sa.select(datastore_refresh).where(datastore_refresh.c.distribution_id == distribution_id)
    ).first()
    if row is None:
        return None
    return Status(row.url, row.state, row.message, as_utc(row.checked_at),
                  as_utc(row.changed_at) if row.changed_at else None)  # fmt: skip


def status_for(conn: sa.Connection, actor: Actor, distribution_id: str) -> Status | None:
    """The last refresh's status for an editor of the distribution; None for anyone else."""
    found = distribution_of(conn, distribution_id)
    if found is None or not actor.has_role(str(found["organisation_id"]), "editor"):
        return None
    return status(conn, distribution_id)


def _external(settings: Settings, data: str) -> tuple[str, str] | None:
    """(URL, format) of a distribution that loads from an external http(s) URL."""
    source = loadable_source(DistributionIn.model_validate_json(data))
    if source is None or not source[0].startswith(("http://", "https://")):
        return None
    return None if key_of_url(settings, source[0]) is not None else source


def due_distributions(settings: Settings, engine: sa.Engine, at: dt.datetime) -> list[str]:
    """The distributions to refresh at `at`: external data, a frequency with a period, last
    checked (or, never checked, loaded) longer ago than it, and no load waiting or running."""
    with read(engine) as conn:
        rows = conn.execute(
            sa.select(distributions.c.id, distributions.c.data, datasets.c.data.label("dataset"),
                      datastore_refresh.c.checked_at)
            .join(datasets, datasets.c.id == distributions.c.dataset_id)
            .outerjoin(datastore_refresh,
                       datastore_refresh.c.distribution_id == distributions.c.id)
        ).all()  # fmt: skip
        due = []
        for row in rows:
            frequency = _frequency(row.dataset)
            if _code(frequency) not in freshness.PERIODS or _external(settings, row.data) is None:
                continue
            last = as_utc(row.checked_at) if row.checked_at else _loaded_at(conn, settings, row.id)
            job = jobs.latest_job(conn, row.id)
            busy = job is not None and job.state in ("queued", "running")
            if not busy and is_due(frequency, last, at):
                due.append(str(row.id))
    return due


def _frequency(dataset_data: str) -> str | None:
    found = json.loads(dataset_data).get("frequency")
    return str(found) if found else None


def _loaded_at(conn: sa.Connection, settings: Settings, distribution_id: str) -> dt.datetime | None:
    table = tables.current_table(conn, settings.datastore_path, distribution_id)
    return table.loaded_at if table else None


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _record(engine: sa.Engine, distribution_id: str, url: str, state: str, message: str,
            validators: dict[str, str | None] | None = None) -> Outcome:  # fmt: skip
    """Keep the outcome; `validators` (etag, last_modified, content_hash) only when given."""
    stamp = now()
    values: dict[str, Any] = {"url": url, "state": state, "message": message, "checked_at": stamp}
    if validators is not None:
        values.update(validators)
    if state == "loaded":
        values["changed_at"] = stamp
    with write(engine) as conn:
        updated = conn.execute(
            datastore_refresh.update()
            .where(datastore_refresh.c.distribution_id == distribution_id)
            .values(**values)
        )
        if updated.rowcount == 0:
            conn.execute(datastore_refresh.insert().values(distribution_id=distribution_id,
                                                           **values))  # fmt: skip
    return Outcome(distribution_id, state, message)


def _conditions(
    engine: sa.Engine, distribution_id: str, url: str
) -> tuple[dict[str, str], str | None]:
    """The conditional request's headers and the last content hash, for the same URL only."""
    with read(engine) as conn:
        row = conn.execute(
            sa.select(datastore_refresh).where(
                datastore_refresh.c.distribution_id == distribution_id
            )
        ).first()
    if row is None or row.url != url:
        return {}, None
    headers = {}
    if row.etag:
        headers["If-None-Match"] = row.etag
    if row.last_modified:
        headers["If-Modified-Since"] = row.last_modified
    return headers, row.content_hash


def _source(settings: Settings, engine: sa.Engine, distribution_id: str) -> tuple[str, str]:
    with read(engine) as conn:
        data = conn.execute(
            sa.select(distributions.c.data).where(distributions.c.id == distribution_id)
        ).scalar()
    if data is None:
        raise NotFound(f"no distribution {distribution_id!r}")
    source = _external(settings, data)
    if source is None:
        raise LoadError(distribution_id, "its data does not come from an external http(s) URL "
                                         "in a format the datastore loads",
                        code="not_external")  # fmt: skip
    return source


def refresh(settings: Settings, engine: sa.Engine, distribution_id: str,
            files: FileStore | None = None) -> Outcome:  # fmt: skip
    """Fetch the distribution's URL again and load it if it changed. Never raises for a bad
    answer or file: that is the outcome, recorded on the distribution."""
    del files  # external URLs only: the file store is never read
    url, fmt = _source(settings, engine, distribution_id)
    headers, last_hash = _conditions(engine, distribution_id, url)
    limits = FetchLimits(
        float(settings.datastore_download_timeout),
        settings.datastore_max_download_bytes,
        settings.allow_private_addresses,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="refresh-", dir=settings.data_dir) as tmp:
        local = Path(tmp) / "source"
        try:
            answer = download(url, local, limits, headers=headers)
        except LoadError as exc:
            return _record(engine, distribution_id, url, "failed", f"refresh failed: {exc}")
        if answer is None:
            return _record(engine, distribution_id, url, "unchanged",
                           "not modified since the last refresh (HTTP 304)")  # fmt: skip
        validators = {"etag": answer.get("etag"), "last_modified": answer.get("last-modified"),
                      "content_hash": _hash(local)}  # fmt: skip
        if validators["content_hash"] == last_hash:
            return _record(engine, distribution_id, url, "unchanged",
                           "the file is the same as at the last refresh", validators)  # fmt: skip
        try:
            report = load_local(settings, engine, distribution_id, local, fmt, source=url)
        except LoadError as exc:
            return _record(engine, distribution_id, url, "failed",
                           f"refresh failed, the previous table is kept: {exc}")  # fmt: skip
    return _record(engine, distribution_id, url, "loaded",
                   f"loaded again: {report.rows} rows", validators)  # fmt: skip


def refresh_due(settings: Settings, engine: sa.Engine) -> list[Outcome]:
    """Refresh every distribution that is due now, one after the other."""
    outcomes = []
    for distribution_id in due_distributions(settings, engine, now()):
        try:
            outcomes.append(refresh(settings, engine, distribution_id))
        except Exception:  # noqa: BLE001 - one distribution's trouble must not stop the rest
            log.exception("refresh of distribution %s failed", distribution_id)
    return outcomes


def schedule_refresh(huey: Huey, engine: sa.Engine, settings: Settings) -> Any:
    """Register the worker's periodic task (every ten minutes): refresh what is due, and
    remove the files of versions past their retention period; returns it."""

    def refresh_and_prune() -> None:
        refresh_due(settings, engine)
        version_store.prune(settings, engine)

    return huey.periodic_task(crontab(minute="*/10"), name="torget.datastore.refresh")(
        refresh_and_prune
    )
