"""Where a harvested dataset came from: its source, its original IRI and the hash of its
description as last harvested. The row is what makes a dataset harvested: while it exists,
the catalogue refuses local edits (`torget.publishing.changes`), since the source is the
master and the next run would undo them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from torget.clock import now
from torget.db.schema import (
    datasets,
    datastore_jobs,
    distributions,
    harvest_origins,
    harvest_sources,
)

Row = dict[str, Any]

__all__ = [
    "Provenance",
    "provenance_of",
    "source_of_dataset",
    "source_of_distribution",
    "save_origin",
    "save_new_origins",
    "mark_withdrawn",
    "release",
    "hold_datastore_loads",
]


class Provenance:
    """What a dataset page says about a harvested dataset."""

    def __init__(
        self,
        source_id: str,
        source_title: str,
        source_url: str,
        original_iri: str,
        machine_translated: list[str],
    ) -> None:
        self.source_id = source_id
        self.source_title = source_title
        self.source_url = source_url
        self.original_iri = original_iri
        self.machine_translated = machine_translated

    def as_json(self) -> dict[str, object]:
        return dict(vars(self))


def source_of_dataset(conn: sa.Connection, id_or_name: str) -> str | None:
    """The id of the source that harvested the dataset (by id or name), or None."""
    return conn.execute(
        sa.select(harvest_origins.c.source_id)
        .join(datasets, datasets.c.id == harvest_origins.c.dataset_id)
        .where(sa.or_(datasets.c.id == id_or_name, datasets.c.name == id_or_name))
    ).scalar()


def source_of_distribution(conn: sa.Connection, dist_id: str) -> str | None:
    return conn.execute(
        sa.select(harvest_origins.c.source_id)
        .join(distributions, distributions.c.dataset_id == harvest_origins.c.dataset_id)
        .where(distributions.c.id == dist_id)
    ).scalar()


def provenance_of(conn: sa.Connection, dataset_id: str) -> Provenance | None:
    row = conn.execute(
        sa.select(harvest_origins, harvest_sources.c.title, harvest_sources.c.url)
        .join(harvest_sources, harvest_sources.c.id == harvest_origins.c.source_id)
        .where(harvest_origins.c.dataset_id == dataset_id)
    ).first()
    if row is None:
        return None
    notes = json.loads(row.notes)
    return Provenance(
        row.source_id,
        row.title,
        row.url,
        row.original_iri,
        list(notes.get("machine_translated", [])),
    )


def save_origin(
    conn: sa.Connection,
    dataset_id: str,
    source_id: str,
    iri: str,
    content_hash: str,
    notes: dict[str, list[str]],
) -> None:
    """The dataset's origin now (new datasets' origins: `save_new_origins`)."""
    values = _values(source_id, iri, content_hash, notes)
    updated = conn.execute(
        harvest_origins.update().where(harvest_origins.c.dataset_id == dataset_id).values(values)
    )
    if updated.rowcount == 0:
        conn.execute(harvest_origins.insert().values(dataset_id=dataset_id, **values))


def _values(source_id: str, iri: str, content_hash: str, notes: dict[str, list[str]]) -> Row:
    return {
        "source_id": source_id,
        "original_iri": iri,
        "content_hash": content_hash,
        "notes": json.dumps(notes),
        "withdrawn": False,
        "harvested_at": now(),
    }


def save_new_origins(
    conn: sa.Connection,
    source_id: str,
    new: Sequence[tuple[str, str, str, dict[str, list[str]]]],
) -> None:
    """The origins of datasets just made, (dataset id, IRI, hash, notes) each, in one
    statement."""
    rows = [{"dataset_id": d, **_values(source_id, i, h, n)} for d, i, h, n in new]
    if rows:
        conn.execute(harvest_origins.insert(), rows)


def mark_withdrawn(conn: sa.Connection, dataset_id: str) -> None:
    conn.execute(
        harvest_origins.update()
        .where(harvest_origins.c.dataset_id == dataset_id)
        .values(withdrawn=True, harvested_at=now())
    )


def hold_datastore_loads(conn: sa.Connection, source_id: str) -> None:
    """Remove the queued datastore loads of the source's distributions. A harvested
    distribution is loaded only when its source says so (`load_datastore`), since a regional
    aggregate would otherwise download every municipality's files: the datastore queues no load
    for one whose source does not (`torget.datastore.subscribers`), and this removes those
    queued while the source still did."""
    harvested = (
        sa.select(distributions.c.id)
        .join(harvest_origins, harvest_origins.c.dataset_id == distributions.c.dataset_id)
        .where(harvest_origins.c.source_id == source_id)
    )
    conn.execute(
        datastore_jobs.delete().where(
            datastore_jobs.c.state == "queued", datastore_jobs.c.distribution_id.in_(harvested)
        )
    )


def release(conn: sa.Connection, dataset_id: str) -> None:
    """The dataset is no longer harvested: an ordinary dataset of its organisation from now."""
    conn.execute(harvest_origins.delete().where(harvest_origins.c.dataset_id == dataset_id))
