"""Uploads of a published dataset that the personal-data guard has not cleared yet.

A new file for a distribution of a published dataset (uploaded, or linked by a changed download
URL) is loaded into the datastore and scanned before its table replaces the one served
(`guard.admit_table`). Until that load has passed, the file itself must not be public either:
it is held, readable only by those who may read the organisation's drafts (so its editors can
check it), while the file the distribution served before, the last one whose load passed,
stays downloadable and is not deleted (`catalog.stored_files` asks `held` and
`served_instead`). A load the guard refused keeps the file held until an admin signs the
findings off (which loads it again) or the file is replaced; so does a load that failed, when
the file replaces one that passed. Once the new file passes, the previous one goes from the
store like any file nothing links to.

The rule is read from the load history (`datastore_jobs`), which every door writes through, so
no upload path can skip it. What it does not hold: the first file of a distribution before its
scan (there is no earlier file to serve instead; the scan's refusal then holds it), and files
that are never loaded (a PDF, data published before the guard).
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.db.schema import datastore_jobs, personal_data_scans
from torget.files.urls import key_of_url
from torget.settings import Settings

__all__ = ["held", "served_instead", "previous_file"]


def _loads(conn: sa.Connection, distribution_id: str) -> list[tuple[str, str, bool]]:
    """(source, state, refused by the guard) of the distribution's loads, the latest first."""
    t, scans = datastore_jobs, personal_data_scans
    refused = sa.and_(scans.c.job_id == t.c.id, scans.c.state == "blocked")
    rows = conn.execute(
        sa.select(t.c.source, t.c.state, scans.c.job_id.is_not(None))
        .outerjoin(scans, refused)
        .where(t.c.distribution_id == distribution_id)
        .order_by(t.c.created_at.desc(), t.c.id.desc())
    ).all()
    return [(str(s), str(state), bool(blocked)) for s, state, blocked in rows]


def _file_loads(
    settings: Settings, loads: list[tuple[str, str, bool]]
) -> list[tuple[str, str, bool]]:
    """The loads of own files (not DataStore writes, not other addresses), by key."""
    return [(k, state, b) for s, state, b in loads if (k := key_of_url(settings, s)) is not None]


def _previous(loads: list[tuple[str, str, bool]]) -> str | None:
    if not loads or loads[0][1] == "done":
        return None
    return next((k for k, state, _b in loads if state == "done" and k != loads[0][0]), None)


def held(conn: sa.Connection, settings: Settings, distribution_id: str, key: str) -> bool:
    """Whether the file at `key` waits for the guard: its latest load has not passed, and it
    replaces a file that did (or the guard refused it)."""
    loads = _file_loads(settings, _loads(conn, distribution_id))
    latest = next(((state, b) for k, state, b in loads if k == key), None)
    if latest is None or latest[0] == "done":
        return False
    return latest[1] or _previous(loads) is not None


def previous_file(conn: sa.Connection, settings: Settings, distribution_id: str) -> str | None:
    """The key of the last own file whose load passed, if a later load is of another file."""
    return _previous(_file_loads(settings, _loads(conn, distribution_id)))


def served_instead(
    conn: sa.Connection, settings: Settings, distribution_id: str, linked: set[str]
) -> str | None:
    """The file a distribution of a published dataset serves while the file it links to
    (among `linked`) is held: the last one that passed."""
    if not any(held(conn, settings, distribution_id, key) for key in linked):
        return None
    return previous_file(conn, settings, distribution_id)
