"""Who publishes data after a specification: per published distribution whose current table
was checked against it, the organisation, the dataset, its rows, when it was checked and how it
did (issue 16, "coverage"). Drafts are left out: the list is public."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa

from torget.db.schema import (
    datasets,
    datastore_tables,
    distributions,
    organisations,
    specification_conformance,
)

__all__ = ["Publication", "coverage"]


@dataclass(frozen=True)
class Publication:
    organisation: str  # short name
    organisation_title: str  # Swedish
    dataset: str  # name
    dataset_title: str  # Swedish
    distribution_id: str
    state: str  # conforms | warnings | fails
    rows: int
    errors: int
    checked_at: dt.datetime


def coverage(conn: sa.Connection, specification_iri: str) -> list[Publication]:
    """The published distributions checked against the specification, by organisation."""
    c, t, d, ds, o = (specification_conformance, datastore_tables, distributions, datasets,
                      organisations)  # fmt: skip
    rows = conn.execute(
        sa.select(
            o.c.name.label("org"),
            o.c.data.label("org_data"),
            ds.c.name,
            ds.c.title_sv,
            c.c.distribution_id,
            c.c.state,
            t.c.row_count,
            c.c.error_count,
            c.c.checked_at,
        )  # fmt: skip
        .join(t, (t.c.distribution_id == c.c.distribution_id) & (t.c.job_id == c.c.job_id))
        .join(d, d.c.id == c.c.distribution_id)
        .join(ds, ds.c.id == d.c.dataset_id)
        .join(o, o.c.id == ds.c.organisation_id)
        .where(c.c.specification_iri == specification_iri, ds.c.state == "published")
        .order_by(o.c.name, ds.c.name, c.c.distribution_id)
    )
    return [
        Publication(
            r.org,
            json.loads(r.org_data)["title"]["sv"],
            r.name,
            r.title_sv,
            r.distribution_id,
            r.state,
            int(r.row_count),
            int(r.error_count),
            r.checked_at,
        )  # fmt: skip
        for r in rows
    ]
