"""Files of a published dataset that the personal-data guard has not cleared yet.

A file of a distribution of a published dataset that the datastore loads (every own tabular
file: `datastore.load.loadable_source`, uploaded or linked by a changed download URL) is
loaded and scanned before its table becomes the one served (`guard.admit_table`). Until a load
of it has passed, the file itself must not be public either: it is held from the moment a
distribution links to it (the load's job is queued in the transaction that saves the link,
`datastore.subscribers`), readable only by those who may read the organisation's drafts (so
its editors can check it). That holds for the first file of a distribution (a new
distribution, or one that linked to no own file) as for a replacement. While a replacement is
held, the file the distribution served before, the last one whose load passed, stays
downloadable and is not deleted (`catalog.stored_files` asks `held` and `served_instead`), and
the catalogue shows it to those who cannot read the held one (`public_links`): the pages, the
DCAT feed and the CKAN API point at what the reader can fetch. A load the guard refused keeps
the file held until an admin signs the findings off (which loads it again) or the file is
replaced; so does a load that failed, since a file that cannot be read cannot be scanned
(the checklist's `personal_data_unreadable`). Once the new file passes, the previous one goes
from the store like any file nothing links to.

A file the datastore does not load (a PDF, an image) is not scanned, and the checklist's
personal-data item does not ask for its scan (only own tabular files are), so it is not held
either; nor is data whose load passed before the guard existed. The rule is read from the load
history (`datastore_jobs`), which every door writes through, so no upload path can skip it.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from torget.db.schema import datastore_jobs
from torget.files.urls import key_of_url
from torget.settings import Settings

__all__ = ["held", "served_instead", "previous_file", "waiting"]


def _loads(conn: sa.Connection, distribution_id: str) -> list[tuple[str, str]]:
    """(source, state) of the distribution's loads, the latest first."""
    t = datastore_jobs
    rows = conn.execute(
        sa.select(t.c.source, t.c.state)
        .where(t.c.distribution_id == distribution_id)
        .order_by(t.c.created_at.desc(), t.c.id.desc())
    ).all()
    return [(str(s), str(state)) for s, state in rows]


def _file_loads(settings: Settings, loads: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The loads of own files (not DataStore writes, not other addresses), by key."""
    return [(k, state) for s, state in loads if (k := key_of_url(settings, s)) is not None]


def _previous(loads: list[tuple[str, str]]) -> str | None:
    if not loads or loads[0][1] == "done":
        return None
    return next((k for k, state in loads if state == "done" and k != loads[0][0]), None)


def waiting(conn: sa.Connection, distribution_ids: Iterable[str]) -> set[str]:
    """Those of the distributions with a load that has not passed: only they can hold a
    file (one query for a page or a feed's batch, instead of one per distribution)."""
    ids = list(distribution_ids)
    if not ids:
        return set()
    t = datastore_jobs
    query = sa.select(t.c.distribution_id).where(t.c.distribution_id.in_(ids), t.c.state != "done")
    return {str(i) for i in conn.execute(query.distinct()).scalars()}


def held(conn: sa.Connection, settings: Settings, distribution_id: str, key: str) -> bool:
    """Whether the own file at `key` waits for the guard: the datastore loads it and its
    latest load has not passed (queued, running, failed or refused)."""
    loads = _file_loads(settings, _loads(conn, distribution_id))
    latest = next((state for k, state in loads if k == key), None)
    return latest is not None and latest != "done"


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
