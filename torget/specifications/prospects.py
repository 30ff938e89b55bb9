"""Which specifications an organisation publishes, and which it could (issue 16, "coverage").

Published: its published distributions (its own and its units') checked against a
specification, as in `coverage`. Could publish, for each specification it does not publish yet:
- a candidate of its inventory (the datasets it means to publish, `publishing.inventory`) whose
  title or description names the specification: its name, its title, or the stem of the
  Swedish title's last word (`toalett` for "Offentliga toaletter", `badplats` for
  "Badplatser"), without regard to case or accents. Only where the reader may see the
  inventory: its members always, the public when the organisation made it public;
- a published dataset whose datastore table already has the specification's columns: every
  required field and at least three fifths of all its fields, matched by name and alias as a
  check matches them, without declaring it. The specifications that share the national base
  columns (`source`, `id`, `name`, …) can all look alike; the share of columns tells them apart.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.organisations import Organisation, all_organisations, get_organisation, units_of
from torget.db.schema import datasets, datastore_tables, distributions, organisations
from torget.errors import NotFound
from torget.memo import Memo
from torget.publishing import inventory
from torget.specifications.columns import match_columns
from torget.specifications.coverage import Publication, publications
from torget.specifications.registry import Specification, all_specifications
from torget.specifications.report import Report

__all__ = ["Prospect", "OrganisationSpecifications", "organisation_specifications"]

_SHARE = 0.6
_ENDINGS = ("er", "ar", "or")


@dataclass(frozen=True)
class Prospect:
    specification: Specification
    reason: str  # "inventory" (a candidate names it) | "columns" (a table has its columns)
    title: str  # the candidate's or the dataset's (Swedish)
    dataset: str | None  # the dataset's name, for "columns" or a promoted candidate
    matched: int = 0  # "columns": how many of the specification's fields the table has

    def as_json(self) -> dict[str, Any]:
        s = self.specification
        return {"specification": {"name": s.name, "version": s.version, "iri": s.iri},
                "reason": self.reason, "title": self.title, "dataset": self.dataset,
                "matched_fields": self.matched, "fields": len(s.fields)}  # fmt: skip


@dataclass(frozen=True)
class OrganisationSpecifications:
    organisation: Organisation
    published: list[tuple[Specification, Publication]]
    possible: list[Prospect]

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation.name,
            "published": [{**p.as_json(), "specification": {"name": s.name,
                                                             "version": s.version, "iri": s.iri}}
                          for s, p in self.published],
            "possible": [p.as_json() for p in self.possible],
        }  # fmt: skip


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _keys(spec: Specification) -> set[str]:
    keys = {_fold(spec.name.replace("-", " ").replace("_", " ")), _fold(spec.title_sv)}
    if spec.title_en:
        keys.add(_fold(spec.title_en))
    last = _fold(spec.title_sv).split()[-1] if spec.title_sv.split() else ""
    stem = next((last[: -len(e)] for e in _ENDINGS if last.endswith(e) and len(last) > 6), last)
    return {k for k in (*keys, stem) if len(k) >= 4}


def _from_inventory(conn: sa.Connection, actor: Actor, org: Organisation,
                    specs: list[Specification]) -> list[Prospect]:  # fmt: skip
    try:
        found = inventory.read_inventory(conn, actor, org.name).candidates
    except NotFound:  # not public, and the reader is no member
        return []
    out = []
    for spec in specs:
        keys = _keys(spec)
        for cand in found:
            text = _fold(f"{cand.title_sv} {cand.title_en or ''} {cand.description or ''}")
            if any(k in text for k in keys):
                out.append(Prospect(spec, "inventory", cand.title_sv, cand.dataset_name))
    return out


def _from_tables(conn: sa.Connection, units: set[str],
                 specs: list[Specification]) -> list[Prospect]:  # fmt: skip
    t, d, ds = datastore_tables, distributions, datasets
    rows = conn.execute(
        sa.select(ds.c.name, ds.c.title_sv, t.c.columns)
        .join(d, d.c.id == t.c.distribution_id)
        .join(ds, ds.c.id == d.c.dataset_id)
        .where(ds.c.organisation_id.in_(units), ds.c.state == "published")
        .order_by(ds.c.name)
    ).all()
    headers = [(name, title, tuple(c["name"] for c in json.loads(columns)))
               for name, title, columns in rows]  # fmt: skip
    out = []
    for spec in specs:
        schema = json.dumps(spec.schema, sort_keys=True)
        for name, title, header in headers:
            present = _fitting(spec, schema, header)
            if present is not None:
                out.append(Prospect(spec, "columns", title, name, present))
    return out


# Every view of an organisation's page matches each of its tables against each specification;
# a header and a schema give the same answer every time, so it is kept.
_FITS: Memo[int | None] = Memo(20_000)


def _fitting(spec: Specification, schema: str, header: tuple[str, ...]) -> int | None:
    """How many of the specification's fields the header has when it could follow it (every
    required field, and enough of all), else None."""

    def fits() -> int | None:
        matched = match_columns(list(header), spec.fields, Report(spec.iri))
        enough = len(matched.present) >= max(3, _SHARE * len(spec.fields))
        return (
            len(matched.present)
            if enough and not any(f.required for f in matched.missing)
            else None
        )

    return _FITS.get((schema, header), fits)


def organisation_specifications(conn: sa.Connection, actor: Actor,
                                name: str) -> OrganisationSpecifications:  # fmt: skip
    org = get_organisation(conn, name)
    units = units_of(all_organisations(conn), org.id)
    specs = all_specifications(conn)
    by_iri = {s.iri: s for s in specs}
    found = publications(conn, organisations.c.id.in_(units))
    published = [(by_iri[p.specification_iri], p) for p in found if p.specification_iri in by_iri]
    done = {s.iri for s, _p in published}
    todo = [s for s in specs if s.iri not in done]
    possible = _from_inventory(conn, actor, org, todo) + _from_tables(conn, units, todo)
    return OrganisationSpecifications(org, published, possible)
