"""Datasets and their distributions: create, read, update, delete, list.

Every function takes the caller (`Actor`) and an open transaction; the caller commits. Drafts
are invisible to anyone outside the owning organisation: reading one gives "not found", not
"forbidden", so that drafts do not leak through their names. Every change reads the record it
changes through `lock_dataset`, in the transaction that writes it, so concurrent writers queue
instead of overwriting each other's changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from torget.accounts.permissions import Actor
from torget.catalog.dataset_rules import (
    Lookups,
    check_identifier,
    check_services,
    claim,
    editable_organisation,
    lookups,
    row_taken,
    service_known,
    unique_name,
)
from torget.catalog.model import DatasetIn, DistributionIn
from torget.catalog.organisations import get_organisation
from torget.catalog.rules import normalise_dataset, normalise_distribution
from torget.catalog.stored_files import (
    kept_distribution,
    served_distributions,
    shown_distribution,
)
from torget.catalog.visibility import readable_by, validation_failed_from
from torget.clock import as_utc, now
from torget.db.schema import datasets, distributions, organisations
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.events import (
    DatasetDeleted,
    DatasetPublished,
    DatasetSaved,
    DatasetUpdated,
    DatasetWithdrawn,
    DistributionDeleted,
    DistributionSaved,
    publish,
)
from torget.ids import is_uuid, new_id

__all__ = [
    "Dataset",
    "Distribution",
    "create_dataset",
    "get_dataset",
    "get_datasets",
    "lock_dataset",
    "lock_distribution",
    "list_datasets",
    "update_dataset",
    "patch_dataset",
    "delete_dataset",
    "add_distribution",
    "get_distribution",
    "update_distribution",
    "patch_distribution",
    "delete_distribution",
    "replace_distributions",
    "NewDataset",
    "prepare_new",
    "insert_new",
]


@dataclass(frozen=True)
class Distribution:
    id: str
    dataset_id: str
    position: int
    data: DistributionIn
    created_at: dt.datetime
    updated_at: dt.datetime

    def as_json(self, base: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "iri": f"{base}/dataset/{self.dataset_id}/distribution/{self.id}",
            "dataset_id": self.dataset_id,
        }
        out.update(self.data.model_dump(mode="json"))
        out["created_at"] = self.created_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        return out


@dataclass(frozen=True)
class Dataset:
    id: str
    organisation_id: str
    data: DatasetIn
    distributions: list[Distribution]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def name(self) -> str:
        assert self.data.name is not None
        return self.data.name

    @property
    def state(self) -> str:
        return self.data.state

    def as_json(self, base: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "iri": f"{base}/dataset/{self.id}"}
        out.update(self.data.model_dump(mode="json", exclude={"distributions"}))
        out["distributions"] = [d.as_json(base) for d in self.distributions]
        out["created_at"] = self.created_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        return out


# --- Reading ---------------------------------------------------------------------------------


def _distribution(conn: sa.Connection, row: sa.Row[tuple[object, ...]]) -> Distribution:
    m = row._mapping
    return Distribution(
        m["id"],
        m["dataset_id"],
        m["position"],
        shown_distribution(conn, m["data"]),
        as_utc(m["created_at"]),
        as_utc(m["updated_at"]),
    )


def _distributions_of(conn: sa.Connection, dataset_ids: list[str]) -> dict[str, list[Distribution]]:
    found: dict[str, list[Distribution]] = {i: [] for i in dataset_ids}
    if not dataset_ids:
        return found
    rows = conn.execute(
        sa.select(distributions)
        .where(distributions.c.dataset_id.in_(dataset_ids))
        .order_by(distributions.c.dataset_id, distributions.c.position, distributions.c.id)
    )
    for dist in (_distribution(conn, row) for row in rows):
        found[dist.dataset_id].append(dist)
    return found


def _datasets(conn: sa.Connection, rows: list[sa.Row[tuple[object, ...]]]) -> list[Dataset]:
    dists = _distributions_of(conn, [r._mapping["id"] for r in rows])
    out = []
    for row in rows:
        m = row._mapping
        data = DatasetIn.model_validate_json(m["data"])
        data.organisation = m["org_name"]
        out.append(
            Dataset(
                m["id"],
                m["organisation_id"],
                data,
                dists[m["id"]],
                as_utc(m["created_at"]),
                as_utc(m["updated_at"]),
            )
        )
    return out


def _seen_by(conn: sa.Connection, actor: Actor, found: list[Dataset]) -> list[Dataset]:
    """The datasets as `actor` sees them: where they may not read a published dataset's
    drafts, its distributions point at the files served to them, not at new ones the
    personal-data guard holds (`stored_files.served_distributions`)."""
    public = [
        d for d in found
        if d.state == "published" and not actor.can_read(d.organisation_id, "draft")
    ]  # fmt: skip
    served = served_distributions(conn, [(x.id, x.data) for d in public for x in d.distributions])
    shown = iter(served)
    replaced = {}
    for d in public:
        dists = [(x, next(shown)) for x in d.distributions]
        if any(data is not x.data for x, data in dists):  # most serve what they link to
            replaced[d.id] = dataclasses.replace(
                d, distributions=[dataclasses.replace(x, data=data) for x, data in dists]
            )
    return [replaced.get(d.id, d) for d in found]


def _select() -> sa.Select[Any]:
    return sa.select(datasets, organisations.c.name.label("org_name")).join(
        organisations, organisations.c.id == datasets.c.organisation_id
    )


def get_dataset(conn: sa.Connection, actor: Actor, id_or_name: str) -> Dataset:
    key = datasets.c.id if is_uuid(id_or_name) else datasets.c.name
    rows = conn.execute(_select().where(key == id_or_name)).all()
    found = _datasets(conn, list(rows))
    if not found or not actor.can_read(found[0].organisation_id, found[0].state):
        raise NotFound(f"no dataset {id_or_name!r}")
    return _seen_by(conn, actor, found)[0]


def lock_dataset(conn: sa.Connection, actor: Actor, id_or_name: str) -> Dataset:
    """The dataset as it is now, its row held against other writers until the transaction
    ends, so that what is read here and written back cannot interleave with another writer's
    change (a lost update). PostgreSQL takes a row lock (`SELECT … FOR UPDATE`, which also
    waits for a writer holding it and then reads its committed change); SQLite has no row
    locks, but its write transactions begin with `BEGIN IMMEDIATE` and hold the database."""
    key = datasets.c.id if is_uuid(id_or_name) else datasets.c.name
    conn.execute(sa.select(datasets.c.id).where(key == id_or_name).with_for_update())
    return get_dataset(conn, actor, id_or_name)


def lock_distribution(conn: sa.Connection, actor: Actor, dist_id: str) -> Distribution:
    """The distribution as it is now, with its dataset locked as by `lock_dataset`."""
    dataset_id = get_distribution(conn, actor, dist_id).dataset_id
    lock_dataset(conn, actor, dataset_id)
    return get_distribution(conn, actor, dist_id)


def get_datasets(conn: sa.Connection, actor: Actor, ids: list[str]) -> list[Dataset]:
    """Datasets by id in the given order, leaving out those missing or not readable: one
    query for a whole page (search results), not one per dataset."""
    rows = conn.execute(_select().where(datasets.c.id.in_(ids))).all() if ids else []
    found = {d.id: d for d in _datasets(conn, list(rows))}
    readable = [
        found[i]
        for i in ids
        if i in found and actor.can_read(found[i].organisation_id, found[i].state)
    ]
    return _seen_by(conn, actor, readable)


def list_datasets(
    conn: sa.Connection,
    actor: Actor,
    *,
    offset: int = 0,
    limit: int = 20,
    organisation: str | None = None,
    state: str | None = None,
) -> tuple[int, list[Dataset]]:
    """One page of the datasets the actor may read, newest changes first."""
    where = [readable_by(actor, datasets)]
    if organisation is not None:
        where.append(datasets.c.organisation_id == get_organisation(conn, organisation).id)
    if state is not None:
        where.append(datasets.c.state == state)
    total = conn.execute(
        sa.select(sa.func.count()).select_from(datasets).where(*where)
    ).scalar_one()
    rows = conn.execute(
        _select()
        .where(*where)
        .order_by(datasets.c.updated_at.desc(), datasets.c.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return total, _seen_by(conn, actor, _datasets(conn, list(rows)))


# --- Writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewDataset:
    """A new dataset that met the rules, not yet written: as `get_dataset` will read it, and
    its distributions as the catalogue keeps them."""

    dataset: Dataset
    kept: list[str]


def prepare_new(conn: sa.Connection, asks: Lookups, data: DatasetIn) -> NewDataset:
    """The rules of a new dataset (its organisation and the editor's role there, the model's
    `normalise_dataset`, a unique name and identifier, known data services), in this order;
    the first broken raises. Nothing is written."""
    org_id, org_name = asks.owner(data.organisation)
    name_given = data.name is not None
    data = normalise_dataset(data)
    assert data.name is not None and data.identifier is not None
    data.name = unique_name(asks.name_taken, data.name, name_given)
    check_identifier(asks.identifier_taken, data.identifier)
    new_dists = data.distributions or []
    data.distributions = None
    for i, dist in enumerate(new_dists):
        check_services(asks.service_known, dist, f"distributions.{i}.")
    claim(asks, data.name, data.identifier)
    stamp, dataset_id = now(), new_id()
    kept = [kept_distribution(conn, dist) for dist in new_dists]
    dists = [
        Distribution(new_id(), dataset_id, i, shown_distribution(conn, text), stamp, stamp)
        for i, text in enumerate(kept)
    ]
    data.organisation = org_name
    return NewDataset(Dataset(dataset_id, org_id, data, dists, stamp, stamp), kept)


def insert_new(conn: sa.Connection, new: Sequence[NewDataset]) -> None:
    """Write prepared datasets, many rows per statement, and announce each."""
    if not new:
        return
    conn.execute(
        datasets.insert(),
        [
            {
                "id": n.dataset.id,
                "identifier": n.dataset.data.identifier,
                "name": n.dataset.name,
                "organisation_id": n.dataset.organisation_id,
                "state": n.dataset.state,
                "title_sv": n.dataset.data.title.sv,
                "data": n.dataset.data.model_dump_json(exclude={"distributions"}),
                "created_at": n.dataset.created_at,
                "updated_at": n.dataset.updated_at,
            }
            for n in new
        ],
    )
    rows = [
        {
            "id": dist.id,
            "dataset_id": dist.dataset_id,
            "position": dist.position,
            "data": text,
            "created_at": dist.created_at,
            "updated_at": dist.updated_at,
        }
        for n in new
        for dist, text in zip(n.dataset.distributions, n.kept, strict=True)
    ]
    if rows:
        conn.execute(distributions.insert(), rows)
    for n in new:
        for dist in n.dataset.distributions:
            publish(conn, DistributionSaved(dist.id, dist.dataset_id))
        publish(conn, DatasetSaved(n.dataset.id, n.dataset))
        _announce(conn, n.dataset.id, "draft", n.dataset.state)


def create_dataset(conn: sa.Connection, actor: Actor, data: DatasetIn) -> Dataset:
    new = prepare_new(conn, lookups(conn, actor), data)
    insert_new(conn, [new])
    return get_dataset(conn, actor, new.dataset.id)


def update_dataset(conn: sa.Connection, actor: Actor, id_or_name: str, data: DatasetIn) -> Dataset:
    """Replace a dataset's metadata (its distributions have their own endpoints)."""
    current = lock_dataset(conn, actor, id_or_name)
    actor.require(current.organisation_id, "editor", "change this dataset")
    if data.distributions is not None:
        raise ValidationFailed(
            [FieldError("distributions", "change distributions through their own endpoints")]
        )
    org_id = editable_organisation(
        conn, actor, data.organisation, "move datasets to this organisation"
    ).id
    if data.identifier is None:
        data.identifier = current.data.identifier
    if data.name is None:
        data.name = current.name
    data = normalise_dataset(data)
    assert data.name is not None and data.identifier is not None
    unique_name(row_taken(conn, datasets.c.name, current.id), data.name, True)
    check_identifier(row_taken(conn, datasets.c.identifier, current.id), data.identifier)
    conn.execute(
        datasets.update()
        .where(datasets.c.id == current.id)
        .values(
            identifier=data.identifier,
            name=data.name,
            organisation_id=org_id,
            state=data.state,
            title_sv=data.title.sv,
            data=data.model_dump_json(exclude={"distributions"}),
            updated_at=now(),
        )
    )
    publish(conn, DatasetSaved(current.id))
    _announce(conn, current.id, current.state, data.state)
    return get_dataset(conn, actor, current.id)


def patch_dataset(
    conn: sa.Connection, actor: Actor, id_or_name: str, changes: dict[str, Any]
) -> Dataset:
    """Change only the given fields of the dataset as it is when the change is written; the
    result must still be a valid dataset."""
    current = lock_dataset(conn, actor, id_or_name)
    merged = current.data.model_dump(mode="json", exclude={"distributions"})
    merged.update(changes)
    try:
        data = DatasetIn.model_validate(merged)
    except ValidationError as exc:
        raise validation_failed_from(exc) from None
    return update_dataset(conn, actor, current.id, data)


def delete_dataset(conn: sa.Connection, actor: Actor, id_or_name: str) -> None:
    current = lock_dataset(conn, actor, id_or_name)
    actor.require(current.organisation_id, "editor", "delete this dataset")
    if current.state == "published":  # before the rows go, so subscribers can read them
        publish(conn, DatasetWithdrawn(current.id))
    for dist in current.distributions:
        publish(conn, DistributionDeleted(dist.id, current.id))
    # Before the rows go, as for the distributions: the search index's kept facet counts need
    # the document that the delete would otherwise remove by cascade.
    publish(conn, DatasetDeleted(current.id))
    conn.execute(distributions.delete().where(distributions.c.dataset_id == current.id))
    conn.execute(datasets.delete().where(datasets.c.id == current.id))


def _announce(conn: sa.Connection, dataset_id: str, before: str, after: str) -> None:
    """The public's view of a save: published, withdrawn, or a public dataset updated."""
    if before != "published" and after == "published":
        publish(conn, DatasetPublished(dataset_id))
    elif before == "published" and after != "published":
        publish(conn, DatasetWithdrawn(dataset_id))
    elif after == "published":
        publish(conn, DatasetUpdated(dataset_id))


# --- Distributions ---------------------------------------------------------------------------


def _insert_distribution(
    conn: sa.Connection, dataset_id: str, position: int, data: DistributionIn, stamp: dt.datetime
) -> str:
    dist_id = new_id()
    conn.execute(
        distributions.insert().values(
            id=dist_id,
            dataset_id=dataset_id,
            position=position,
            data=kept_distribution(conn, data),
            created_at=stamp,
            updated_at=stamp,
        )
    )
    return dist_id


def _touch(conn: sa.Connection, dataset_id: str) -> None:
    """A distribution changed: the dataset counts as changed too."""
    conn.execute(datasets.update().where(datasets.c.id == dataset_id).values(updated_at=now()))
    publish(conn, DatasetSaved(dataset_id))
    state = conn.execute(sa.select(datasets.c.state).where(datasets.c.id == dataset_id))
    if state.scalar_one() == "published":
        publish(conn, DatasetUpdated(dataset_id))


def add_distribution(
    conn: sa.Connection, actor: Actor, dataset_id: str, data: DistributionIn
) -> Distribution:
    dataset = lock_dataset(conn, actor, dataset_id)  # the next position, and no other's
    actor.require(dataset.organisation_id, "editor", "add distributions to this dataset")
    data = normalise_distribution(data)
    check_services(service_known(conn), data)
    position = max((d.position for d in dataset.distributions), default=-1) + 1
    dist_id = _insert_distribution(conn, dataset.id, position, data, now())
    publish(conn, DistributionSaved(dist_id, dataset.id))
    _touch(conn, dataset.id)
    return get_distribution(conn, actor, dist_id)


def get_distribution(conn: sa.Connection, actor: Actor, dist_id: str) -> Distribution:
    row = conn.execute(
        sa.select(distributions, datasets.c.organisation_id, datasets.c.state)
        .join(datasets, datasets.c.id == distributions.c.dataset_id)
        .where(distributions.c.id == dist_id)
    ).first()
    if row is None or not actor.can_read(row.organisation_id, row.state):
        raise NotFound(f"no distribution {dist_id!r}")
    dist = _distribution(conn, row)
    if row.state != "published" or actor.can_read(row.organisation_id, "draft"):
        return dist
    return dataclasses.replace(dist, data=served_distributions(conn, [(dist.id, dist.data)])[0])


def update_distribution(
    conn: sa.Connection, actor: Actor, dist_id: str, data: DistributionIn
) -> Distribution:
    current = lock_distribution(conn, actor, dist_id)
    dataset = get_dataset(conn, actor, current.dataset_id)
    actor.require(dataset.organisation_id, "editor", "change this distribution")
    data = normalise_distribution(data)
    check_services(service_known(conn), data)
    conn.execute(
        distributions.update()
        .where(distributions.c.id == dist_id)
        .values(data=kept_distribution(conn, data), updated_at=now())
    )
    publish(conn, DistributionSaved(dist_id, dataset.id))
    _touch(conn, dataset.id)
    return get_distribution(conn, actor, dist_id)


def patch_distribution(
    conn: sa.Connection, actor: Actor, dist_id: str, changes: dict[str, Any]
) -> Distribution:
    current = lock_distribution(conn, actor, dist_id)
    merged = current.data.model_dump(mode="json")
    merged.update(changes)
    try:
        data = DistributionIn.model_validate(merged)
    except ValidationError as exc:
        raise validation_failed_from(exc) from None
    return update_distribution(conn, actor, dist_id, data)


def delete_distribution(conn: sa.Connection, actor: Actor, dist_id: str) -> None:
    current = lock_distribution(conn, actor, dist_id)
    dataset = get_dataset(conn, actor, current.dataset_id)
    actor.require(dataset.organisation_id, "editor", "delete this distribution")
    # Before the row goes, as in `delete_dataset`: subscribers read what it linked to (the
    # stored file that `catalog.stored_files` removes).
    publish(conn, DistributionDeleted(dist_id, dataset.id))
    conn.execute(distributions.delete().where(distributions.c.id == dist_id))
    _touch(conn, dataset.id)


def replace_distributions(
    conn: sa.Connection,
    actor: Actor,
    id_or_name: str,
    wanted: list[tuple[str | None, DistributionIn]],
) -> Dataset:
    """Make the dataset's distributions `wanted`, in that order: an item with the id of one
    of its distributions replaces it, one without is added, and those not named are deleted.

    One pass under one lock, and the dataset announced as changed once: linear in the number
    of distributions. (CKAN's `package_update` sends them all; changing them one at a time
    re-read the whole dataset and re-indexed it for each, and 200 took 34 s inside the write
    lock.) Errors are named `distributions.<i>.<field>`."""
    dataset = lock_dataset(conn, actor, id_or_name)
    actor.require(dataset.organisation_id, "editor", "change this dataset's distributions")
    current = {d.id for d in dataset.distributions}
    kept: set[str] = set()
    stamp = now()
    for i, (dist_id, given) in enumerate(wanted):
        try:
            data = normalise_distribution(given)
        except ValidationFailed as exc:
            raise ValidationFailed(
                [dataclasses.replace(e, field=f"distributions.{i}.{e.field}") for e in exc.errors]
            ) from None
        check_services(service_known(conn), data, f"distributions.{i}.")
        if dist_id in current and dist_id not in kept:
            kept.add(dist_id)
            conn.execute(
                distributions.update()
                .where(distributions.c.id == dist_id)
                .values(position=i, data=kept_distribution(conn, data), updated_at=stamp)
            )
        else:
            dist_id = _insert_distribution(conn, dataset.id, i, data, stamp)
        publish(conn, DistributionSaved(dist_id, dataset.id))
    for gone in sorted(current - kept):
        publish(conn, DistributionDeleted(gone, dataset.id))  # before the row goes, as above
        conn.execute(distributions.delete().where(distributions.c.id == gone))
    _touch(conn, dataset.id)
    return get_dataset(conn, actor, dataset.id)
