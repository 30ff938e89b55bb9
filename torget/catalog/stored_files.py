"""Files in Torget's store that distributions link to: who may read one, and removing the
file once nothing links to it.

A file is readable exactly when a distribution that still exists links to it (its download or
access URL is the file's address, `files.urls`) and the actor may read that distribution's
dataset (`Actor.can_read`: published datasets for everyone, drafts for members of the owning
organisation, everything for sysadmins). A file nothing links to (a deleted distribution's,
an upload whose save failed, a showcase image, which its showcase's page serves under the
showcase's own rules) is not served at all: not found, as for any draft.

Uploads are kept under `datasets/<dataset id>/…` (the upload page and the CKAN API), so only
that dataset's distributions can make such a file readable: an editor elsewhere who learnt
the address cannot publish another organisation's draft file by linking to it. Keys without
an owner (`demo/…`, and `resources/…` from CKAN uploads before) are looked up among all
distributions by the folder in their address.

When a distribution goes (deleted itself, or with its dataset), the files it linked to are
deleted from the store after the commit, unless another distribution still links to them.

A distribution keeps a link to an own file as the reference `/files/<key>` (`kept_distribution`)
and shows it under the site's address of the moment (`shown_record`, `files.urls`), so the
catalogue survives a move of the site; migration 0012 turned the addresses kept before into
references. While the personal-data guard holds a published distribution's new file, those
who may not read it are shown the file served instead (`served_distributions`), so every
page, feed and API points them at what they can fetch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.model import DistributionIn
from torget.catalog.vocabularies import file_types
from torget.db.engine import after_commit, read
from torget.db.schema import datasets, distributions
from torget.errors import NotFound
from torget.events import DistributionDeleted, Handler
from torget.files import FileStore
from torget.files.urls import OWN_FILES, file_address, file_reference, file_url, key_of_url
from torget.publishing import held_files
from torget.settings import Settings
from torget.site_lookup import settings_of, site_of

__all__ = [
    "FileOwner",
    "upload_key",
    "owner_of_key",
    "readable_file",
    "linked_keys",
    "release_files",
    "kept_distribution",
    "shown_record",
    "shown_distribution",
    "served_records",
    "served_distributions",
    "URL_FIELDS",
]

URL_FIELDS = ("access_url", "download_url")  # where a distribution may link to an own file

_OWNED = re.compile(r"^datasets/([0-9a-f-]{36})/[^/]+/[^/]+$")
_NEVER_SERVED = ("showcases/",)


@dataclass(frozen=True)
class FileOwner:
    """The dataset whose distribution makes a file readable; `public` when anyone may."""

    dataset_id: str
    public: bool
    distribution_id: str = ""  # the distribution that links it (its downloads are counted)


def upload_key(dataset_id: str, upload_id: str, filename: str) -> str:
    """Where an upload for a dataset is kept: the dataset's id makes it the owner."""
    return f"datasets/{dataset_id}/{upload_id}/{filename}"


def owner_of_key(key: str) -> str | None:
    """The id of the dataset that owns an uploaded file's key, or None for other keys."""
    found = _OWNED.match(key)
    return found.group(1) if found else None


# --- How a distribution keeps its links to own files ------------------------------------------


def kept_distribution(conn: sa.Connection, data: DistributionIn) -> str:
    """The distribution's JSON as the catalogue keeps it: an own file by its reference."""
    settings = settings_of(conn)
    kept = {f: file_reference(settings, url) for f in URL_FIELDS if (url := getattr(data, f))}
    return data.model_copy(update=kept).model_dump_json()


def shown_record(conn: sa.Connection, record: dict[str, Any]) -> dict[str, Any]:
    """A kept distribution record with its own files' addresses minted for display."""
    refs = {f: url for f in URL_FIELDS if str(url := record.get(f) or "").startswith(OWN_FILES)}
    if not refs:
        return record
    base = settings_of(conn).public_base
    return {**record, **{f: file_address(base, url) for f, url in refs.items()}}


def shown_distribution(conn: sa.Connection, stored: str) -> DistributionIn:
    """A kept distribution (its JSON text) as `shown_record` shows it. Most name no own file:
    those are validated straight from the text, in half the time (a page of search results
    reads some fifty)."""
    if OWN_FILES not in stored:
        return DistributionIn.model_validate_json(stored)
    return DistributionIn.model_validate(shown_record(conn, json.loads(stored)))


def _instead(
    conn: sa.Connection, settings: Settings, dist_id: str, urls: dict[str, str]
) -> dict[str, Any] | None:
    """What changes in a distribution linking to `urls` (by field) for the public while
    the file it links to is held: the links to held files point at the file served instead,
    with its size and (by its extension) format; its checksum is not known, so none. None
    when nothing is held, or nothing is served instead."""
    keys = {f: k for f, u in urls.items() if (k := key_of_url(settings, u)) is not None}
    instead = held_files.served_instead(conn, settings, dist_id, set(keys.values()))
    if instead is None or instead in keys.values():
        return None
    moved = [f for f, k in keys.items() if held_files.held(conn, settings, dist_id, k)]
    update: dict[str, Any] = {f: file_url(settings, instead) for f in moved}
    try:
        update.update(byte_size=site_of(conn, "a served file's size").files.size(instead))
    except (NotFound, OSError):
        update.update(byte_size=None)
    update.update(checksum_sha1=None)
    found = file_types().lookup(instead.rsplit(".", 1)[-1]) if "." in instead else None
    if "download_url" in moved and found is not None:
        update.update(format=found.iri, media_type=found.media_type)
    return update


def served_records(
    conn: sa.Connection, records: Sequence[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The (id, shown record) of distributions of published datasets as the public sees
    them: a link to a file the personal-data guard holds points at the file served
    meanwhile, the last one whose load passed (`publishing.held_files`); with none, the link
    stays (that file is not public until it passes). One query for all of them, more only
    for the few with a load that has not passed."""
    settings = settings_of(conn)
    waiting = held_files.waiting(conn, [i for i, _r in records])
    out = []
    for dist_id, record in records:
        urls = {f: str(u) for f in URL_FIELDS if (u := record.get(f))}
        update = _instead(conn, settings, dist_id, urls) if dist_id in waiting else None
        out.append(record if update is None else {**record, **update})
    return out


def served_distributions(
    conn: sa.Connection, records: Sequence[tuple[str, DistributionIn]]
) -> list[DistributionIn]:
    """`served_records` for the catalogue's distribution records."""
    settings = settings_of(conn)
    waiting = held_files.waiting(conn, [i for i, _d in records])
    out = []
    for dist_id, data in records:
        urls = {f: str(u) for f in URL_FIELDS if (u := getattr(data, f))}
        update = _instead(conn, settings, dist_id, urls) if dist_id in waiting else None
        out.append(data if update is None else data.model_copy(update=update))
    return out


# --- Who may read a file ---------------------------------------------------------------------


def _links_of(settings: Settings, data: str) -> set[str]:
    record = json.loads(data)
    urls = (record.get("download_url"), record.get("access_url"))
    return {key for url in urls if url and (key := key_of_url(settings, url)) is not None}


def _candidates(conn: sa.Connection, key: str) -> Sequence[sa.Row[Any, Any, Any, Any, Any]]:
    """The distributions that may link to `key`, with their dataset's organisation and state."""
    query = sa.select(
        distributions.c.dataset_id, distributions.c.data, datasets.c.organisation_id,
        datasets.c.state, distributions.c.id,
    ).join(datasets, datasets.c.id == distributions.c.dataset_id)  # fmt: skip
    owner = owner_of_key(key)
    if owner is not None:
        return conn.execute(query.where(distributions.c.dataset_id == owner)).all()
    folder = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    match = distributions.c.data.contains(f"/files/{folder}", autoescape=True)
    return conn.execute(query.where(match)).all()


def _served_as(
    conn: sa.Connection, settings: Settings, row: sa.Row[Any, Any, Any, Any, Any], key: str
) -> str | None:
    """The dataset state under which the distribution `row` serves the file at `key` (None:
    it does not). A published dataset's upload the personal-data guard has not cleared is
    served as a draft's, and the file it replaces as a published one meanwhile
    (`publishing.held_files`)."""
    links = _links_of(settings, row.data)
    if row.state != "published":
        return row.state if key in links else None
    if key in links:
        return "draft" if held_files.held(conn, settings, row.id, key) else row.state
    return row.state if key == held_files.served_instead(conn, settings, row.id, links) else None


def readable_file(conn: sa.Connection, actor: Actor, settings: Settings, key: str) -> FileOwner:
    """The dataset that makes the file at `key` readable to `actor`; NotFound otherwise."""
    found: FileOwner | None = None
    if not key.startswith(_NEVER_SERVED):
        for row in _candidates(conn, key):
            state = _served_as(conn, settings, row, key)
            if state is not None and actor.can_read(row.organisation_id, state):
                found = FileOwner(row.dataset_id, state == "published", row.id)
                if found.public:
                    break
    if found is None:
        raise NotFound(f"no file {key!r}")
    return found


def linked_keys(conn: sa.Connection, settings: Settings, keys: Iterable[str]) -> set[str]:
    """Those of `keys` that some distribution still links to (or serves while the file it
    links to is held)."""
    return {
        key
        for key in keys
        if any(_served_as(conn, settings, row, key) for row in _candidates(conn, key))
    }


def release_files(
    conn: sa.Connection, settings: Settings, store: FileStore, keys: Iterable[str]
) -> None:
    """After this write transaction commits, delete those of `keys` nothing links to then."""
    wanted = {key for key in keys if not key.startswith(_NEVER_SERVED)}
    if not wanted:
        return
    engine = conn.engine

    def delete_unlinked() -> None:
        with read(engine) as now:
            kept = linked_keys(now, settings, wanted)
        for key in sorted(wanted - kept):
            store.delete(key)

    after_commit(conn, delete_unlinked)


# --- Keeping the store clean as distributions go ---------------------------------------------


def _on_deleted(conn: sa.Connection, event: DistributionDeleted) -> None:
    """A deleted distribution's own files go from the site's file store after the commit."""
    site = site_of(conn, "deleting a distribution's stored files")
    data = conn.execute(
        sa.select(distributions.c.data).where(distributions.c.id == event.distribution_id)
    ).scalar()
    if data is not None:
        release_files(conn, site.settings, site.files, _links_of(site.settings, data))


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = ((DistributionDeleted, _on_deleted),)
