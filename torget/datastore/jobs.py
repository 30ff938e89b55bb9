"""Load jobs: one row per load in `datastore_jobs`, moved queued → running → done | failed.

The worker claims a job with a conditional UPDATE (so two workers never run the same job),
beats a heartbeat while it works, and ends it with a report or a failure (a typed note,
`failures`, kept as JSON in the `error` column). `sweep` finds jobs
whose worker died (heartbeat older than `datastore_stale_seconds`): they are queued again
until `datastore_max_attempts`, then failed with the reason, never left "running".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.clock import as_utc, now
from torget.datastore.failures import failure_json, stored_failure
from torget.datastore.notes import Note
from torget.db.schema import datastore_jobs
from torget.ids import new_id

__all__ = [
    "Job",
    "create_job",
    "claim_job",
    "beat",
    "finish_job",
    "fail_job",
    "latest_job",
    "get_job",
    "sweep",
]


@dataclass(frozen=True)
class Job:
    id: str
    distribution_id: str
    state: str
    source: str
    format: str
    attempts: int
    progress: dict[str, Any]
    report: dict[str, Any] | None
    failure: Note | None  # why the load failed (or why a queued one is tried again)
    created_at: dt.datetime
    heartbeat_at: dt.datetime | None

    @property
    def error(self) -> str | None:
        """The failure's English message."""
        return None if self.failure is None else self.failure.message

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "format": self.format,
            "attempts": self.attempts,
            "progress": self.progress,
            "report": self.report,
            "error": self.error,
            "failure": None if self.failure is None else self.failure.as_json(),
            "created_at": self.created_at.isoformat(),
        }


def _job(row: sa.Row[Any]) -> Job:
    m = row._mapping
    return Job(
        m["id"],
        m["distribution_id"],
        m["state"],
        m["source"],
        m["format"],
        m["attempts"],
        {
            "rows": m["progress_rows"],
            "bytes": m["progress_bytes"],
            "percent": m["progress_percent"],
            "stage": m["stage"],
        },
        json.loads(m["report"]) if m["report"] else None,
        stored_failure(m["error"]) if m["error"] else None,
        as_utc(m["created_at"]),
        as_utc(m["heartbeat_at"]) if m["heartbeat_at"] else None,
    )


def create_job(conn: sa.Connection, distribution_id: str, source: str, fmt: str) -> str:
    job_id = new_id()
    conn.execute(
        datastore_jobs.insert().values(
            id=job_id, distribution_id=distribution_id, state="queued", source=source,
            format=fmt, progress_rows=0, progress_bytes=0, progress_percent=0, attempts=0,
            created_at=now(),
        )
    )  # fmt: skip
    return job_id


def get_job(conn: sa.Connection, job_id: str) -> Job | None:
    row = conn.execute(sa.select(datastore_jobs).where(datastore_jobs.c.id == job_id)).first()
    return _job(row) if row else None


def latest_job(conn: sa.Connection, distribution_id: str) -> Job | None:
    row = conn.execute(
        sa.select(datastore_jobs)
        .where(datastore_jobs.c.distribution_id == distribution_id)
        .order_by(datastore_jobs.c.created_at.desc(), datastore_jobs.c.id.desc())
        .limit(1)
    ).first()
    return _job(row) if row else None


def claim_job(conn: sa.Connection, job_id: str) -> Job | None:
    """Mark a queued job running for this worker; None if someone else has it or it is over."""
    stamp = now()
    claimed = conn.execute(
        datastore_jobs.update()
        .where(datastore_jobs.c.id == job_id, datastore_jobs.c.state == "queued")
        .values(
            state="running",
            attempts=datastore_jobs.c.attempts + 1,
            started_at=stamp,
            heartbeat_at=stamp,
            error=None,
        )
    )
    return get_job(conn, job_id) if claimed.rowcount == 1 else None


def beat(conn: sa.Connection, job_id: str, stage: str, percent: float, size: int = 0) -> None:
    values: dict[str, Any] = {"heartbeat_at": now(), "stage": stage[:200]}
    values["progress_percent"] = int(percent)
    if size:
        values["progress_bytes"] = size
    conn.execute(
        datastore_jobs.update()
        .where(datastore_jobs.c.id == job_id, datastore_jobs.c.state == "running")
        .values(**values)
    )


def finish_job(conn: sa.Connection, job_id: str, report: dict[str, Any]) -> None:
    conn.execute(
        datastore_jobs.update()
        .where(datastore_jobs.c.id == job_id)
        .values(
            state="done", report=json.dumps(report, ensure_ascii=False), finished_at=now(),
            progress_percent=100, progress_rows=report.get("rows", 0), stage="done",
        )
    )  # fmt: skip


def fail_job(conn: sa.Connection, job_id: str, failure: Note) -> None:
    conn.execute(
        datastore_jobs.update()
        .where(datastore_jobs.c.id == job_id)
        .values(state="failed", error=failure_json(failure), finished_at=now(), stage="failed")
    )


def _stopped(seen: str, attempts: int, message: str) -> Note:
    return Note("worker_stopped", {"seen": seen, "count": attempts}, message)


def sweep(conn: sa.Connection, stale_seconds: int, max_attempts: int) -> list[str]:
    """Requeue or fail jobs whose worker stopped beating; return the ids to enqueue again."""
    cutoff = now() - dt.timedelta(seconds=stale_seconds)
    stale = conn.execute(
        sa.select(
            datastore_jobs.c.id, datastore_jobs.c.attempts, datastore_jobs.c.heartbeat_at
        ).where(datastore_jobs.c.state == "running", datastore_jobs.c.heartbeat_at < cutoff)
    ).all()
    again = []
    for job_id, attempts, heartbeat in stale:
        seen = as_utc(heartbeat).isoformat(timespec="seconds")
        if attempts < max_attempts:
            conn.execute(
                datastore_jobs.update()
                .where(datastore_jobs.c.id == job_id, datastore_jobs.c.state == "running")
                .values(
                    state="queued",
                    error=failure_json(
                        Note(
                            "worker_retrying",
                            {"seen": seen},
                            f"worker stopped (last heartbeat {seen}); retrying",
                        )
                    ),
                )  # fmt: skip
            )
            again.append(job_id)
        else:
            fail_job(conn, job_id, _stopped(seen, attempts, f"worker stopped (last heartbeat "
                                            f"{seen}) on each of {attempts} attempts"))  # fmt: skip
    return again


def queued_jobs(conn: sa.Connection) -> list[str]:
    rows = conn.execute(sa.select(datastore_jobs.c.id).where(datastore_jobs.c.state == "queued"))
    return [r.id for r in rows]
