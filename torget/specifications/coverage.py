"""Who publishes data after a specification, and where (issue 16, "coverage").

Per published distribution whose current table was checked against the specification: the
organisation, the dataset, its rows, when its table was last loaded, when it was checked and
how it did. Drafts are left out: the list is public.

The same publications are placed on Sweden's 290 municipalities (`municipalities`): by the
municipality codes of their rows in the combined table (a source whose `source` or `kommun_id`
column says `0180` is Stockholm's) or else by the organisation's name or its parent's
("Sjöstads kommun"). A municipality shows the best result among its publications; a publisher
that is no municipality's (a region, a company) is listed apart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb
import sqlalchemy as sa

from torget.catalog.organisations import Organisation, all_organisations
from torget.db.schema import (
    datasets,
    datastore_tables,
    distributions,
    organisations,
    specification_conformance,
)
from torget.settings import Settings
from torget.specifications.combine import combined_file
from torget.specifications.municipalities import Municipality, code_of_title, municipalities
from torget.specifications.registry import Specification

__all__ = ["Publication", "Place", "Coverage", "coverage", "publications", "specification_coverage",
           "STATES"]  # fmt: skip

STATES = ("conforms", "warnings", "fails")  # best first


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
    updated_at: dt.datetime | None = None  # when its table was last loaded
    specification_iri: str = ""
    organisation_id: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation, "organisation_title": self.organisation_title,
            "dataset": self.dataset, "dataset_title": self.dataset_title,
            "distribution": self.distribution_id, "specification": self.specification_iri,
            "state": self.state, "rows": self.rows, "errors": self.errors,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "checked_at": self.checked_at.isoformat(),
        }  # fmt: skip


def publications(conn: sa.Connection, where: sa.ColumnElement[bool]) -> list[Publication]:
    """The published distributions checked against a specification that match `where`."""
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
            t.c.loaded_at,
            c.c.specification_iri,
            o.c.id.label("org_id"),
        )  # fmt: skip
        .join(t, (t.c.distribution_id == c.c.distribution_id) & (t.c.job_id == c.c.job_id))
        .join(d, d.c.id == c.c.distribution_id)
        .join(ds, ds.c.id == d.c.dataset_id)
        .join(o, o.c.id == ds.c.organisation_id)
        .where(where, ds.c.state == "published")
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
            r.loaded_at,
            r.specification_iri,
            r.org_id,
        )  # fmt: skip
        for r in rows
    ]


def coverage(conn: sa.Connection, specification_iri: str) -> list[Publication]:
    """The published distributions checked against the specification, by organisation."""
    return publications(conn, specification_conformance.c.specification_iri == specification_iri)


@dataclass(frozen=True)
class Place:
    """A municipality on the coverage map."""

    municipality: Municipality
    publications: tuple[Publication, ...]

    @property
    def state(self) -> str | None:
        """The best result among its publications; None when nobody publishes there."""
        found = {p.state for p in self.publications}
        return next((s for s in STATES if s in found), None)


@dataclass(frozen=True)
class Coverage:
    specification: Specification
    publications: list[Publication]
    places: list[Place]  # every municipality, by code
    elsewhere: list[Publication]  # publishers placed in no municipality

    def counts(self) -> dict[str, int]:
        """Municipalities by their best result, and those where nobody publishes (`none`)."""
        found = Counter(p.state or "none" for p in self.places)
        return {s: found[s] for s in (*STATES, "none")}

    def as_json(self) -> dict[str, Any]:
        return {
            "specification": self.specification.iri,
            "publications": [p.as_json() for p in self.publications],
            "municipalities": [
                {
                    "code": p.municipality.code,
                    "name": p.municipality.name,
                    "county": p.municipality.county_name,
                    "state": p.state,
                    "publications": [x.distribution_id for x in p.publications],
                }
                for p in self.places
            ],  # fmt: skip
            "counts": self.counts(),
            "elsewhere": [p.distribution_id for p in self.elsewhere],
        }


def _codes_in_rows(settings: Settings, spec: Specification) -> dict[tuple[str, str], str]:
    """(organisation, dataset) → the municipality code most of its combined rows give."""
    path = combined_file(settings, spec)
    if path is None:
        return {}
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute(
                "SELECT source_organisation, source_dataset, municipality_code, count(*) AS n "
                "FROM data WHERE municipality_code IS NOT NULL GROUP BY ALL ORDER BY n DESC"
            ).fetchall()
    except duckdb.Error:  # replaced meanwhile, or of an older shape: names decide
        return {}
    found: dict[tuple[str, str], str] = {}
    for org, dataset, code, _n in rows:
        found.setdefault((org, dataset), code)
    return found


def _code_by_name(conn: sa.Connection) -> dict[str, str]:
    """Organisation id → the municipality its name, or its nearest parent's, names."""
    orgs = all_organisations(conn)
    by_name = {o.name: o for o in orgs.values()}
    found: dict[str, str] = {}
    for org in orgs.values():
        seen: set[str] = set()
        current: Organisation | None = org
        while current is not None and current.name not in seen:
            seen.add(current.name)
            if (code := code_of_title(current.data.title.sv)) is not None:
                found[org.id] = code
                break
            current = by_name.get(current.data.parent or "")
    return found


def specification_coverage(conn: sa.Connection, settings: Settings,
                           spec: Specification) -> Coverage:  # fmt: skip
    found = coverage(conn, spec.iri)
    in_rows, by_name = _codes_in_rows(settings, spec), _code_by_name(conn)
    known = municipalities()
    placed: dict[str, list[Publication]] = {}
    elsewhere = []
    for p in found:
        code = in_rows.get((p.organisation, p.dataset)) or by_name.get(p.organisation_id)
        if code in known:
            placed.setdefault(code, []).append(p)
        else:
            elsewhere.append(p)
    places = [Place(m, tuple(placed.get(code, ()))) for code, m in sorted(known.items())]
    return Coverage(spec, found, places, elsewhere)
