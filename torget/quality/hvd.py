"""High-value datasets (Implementing Regulation (EU) 2023/138): does each one meet the
regulation's terms, and the report per organisation in the shape the EU's reporting reads.

A dataset is high-value when it says so the DCAT-AP way (`shared/specs/dcat/NOTES.md` §0 item
10, §5 rec. 14): `dcatap:applicableLegislation <http://data.europa.eu/eli/reg_impl/2023/138/oj>`
with at least one `dcatap:hvdCategory` (Torget's rules accept one only with the other). The
regulation asks of it (`shared/specs/sweden/NOTES.md` §4.2):

* an API: a data service that serves the dataset (`dcat:servesDataset`) or that one of its
  distributions names (`dcat:accessService`), or the datastore's query API over a loaded
  distribution (`/api/datastore/…`); a load under way counts, since the API follows it (a
  new dataset's files are loaded after it is saved; a load that fails leaves the warning);
* a bulk download: a distribution with a `dcat:downloadURL`;
* CC BY 4.0 or a more open licence (CC0 1.0) on every distribution; DIGG recommends exactly
  these two, and Torget stores licences as canonical IRIs (EU-NAL forms are mapped to them).

`torget.publishing.checklist` makes a gap a blocking item for a dataset being published for
the first time and a warning on one published before.

The report: the Commission is informed of HVDs through their DCAT-AP HVD metadata, which
data.europa.eu harvests from national portals (sweden/NOTES.md §4.2 "Reporting uses DCAT-AP
HVD"); the SEMIC DCAT-AP HVD 3.0.0 shapes (`shared/specs/dcat/semiceu-dcat-ap/hvd-3.0.0/
hvd-SHACL.ttl`) say what that metadata holds: per dataset its HVD categories and the
legislation, its distributions with licence and download URL, and for an API the data
service's endpoint URL, endpoint description, contact point and `foaf:page` on the quality of
service. `REPORT_COLUMNS` is one row per dataset with exactly those, named by their
properties, plus whether each of the three terms is met.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM, Actor
from torget.catalog.dataservices import DataService, get_dataservice, services_serving
from torget.catalog.datasets import Dataset, list_datasets
from torget.catalog.organisations import (
    Organisation,
    all_organisations,
    contact_point_of,
    get_organisation,
    publisher_of,
    units_of,
)
from torget.catalog.vocabularies import HVD_LEGISLATION, vocabulary
from torget.datastore.tables import loaded
from torget.db.schema import (
    dataservices,
    datastore_jobs,
    datastore_tables,
    distributions,
)
from torget.dcat.mapping import publisher_iri
from torget.settings import Settings

__all__ = [
    "HVD_LICENCES",
    "REPORT_COLUMNS",
    "HvdCheck",
    "is_high_value",
    "check_high_value",
    "datasets_with_api",
    "hvd_checks",
    "hvd_report",
    "report_csv",
    "report_document",
]

HVD_LICENCES = (
    "http://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
)
TERMS = ("api", "bulk_download", "licence")
REPORT_COLUMNS = (
    "dataset",
    "dcterms:identifier",
    "dcterms:title",
    "dcterms:publisher",
    "organisation",
    "state",
    "dcatap:applicableLegislation",
    "dcatap:hvdCategory",
    "hvd_category_label",
    "dcterms:license",
    "dcat:downloadURL",
    "dcat:accessService",
    "dcat:endpointURL",
    "dcat:endpointDescription",
    "foaf:page",
    "dcat:contactPoint",
    "api",
    "bulk_download",
    "licence",
    "missing",
)


def is_high_value(dataset: Dataset) -> bool:
    return HVD_LEGISLATION in dataset.data.applicable_legislation or bool(
        dataset.data.hvd_categories
    )


@dataclass(frozen=True)
class HvdCheck:
    """The three terms for one high-value dataset: what meets each, and what is missing."""

    dataset: Dataset
    services: list[DataService]
    datastore: list[str]  # ids of distributions whose table the datastore's API serves
    downloads: list[str]
    licences: dict[str, str | None]  # distribution id -> its licence (or the dataset's)
    missing: list[str] = field(default_factory=list)

    @property
    def closed_licences(self) -> list[str]:
        return sorted({str(v) for v in self.licences.values() if v not in HVD_LICENCES})

    def as_json(self) -> dict[str, Any]:
        return {
            "dataset_id": self.dataset.id,
            "name": self.dataset.name,
            "hvd_categories": self.dataset.data.hvd_categories,
            "api": {
                "dataservices": [s.data.name or s.id for s in self.services],
                "datastore": self.datastore,
            },
            "bulk_download": self.downloads,
            "licences": self.licences,
            "missing": self.missing,
        }


def _loading(conn: sa.Connection, distribution_ids: list[str]) -> set[str]:
    """The distributions whose table the datastore is loading now."""
    if not distribution_ids:
        return set()
    jobs = datastore_jobs
    rows = conn.execute(
        sa.select(jobs.c.distribution_id).where(
            jobs.c.distribution_id.in_(distribution_ids), jobs.c.state.in_(("queued", "running"))
        )
    )
    return {row[0] for row in rows}


def check_high_value(conn: sa.Connection, dataset: Dataset) -> HvdCheck | None:
    """None for a dataset that is not high-value."""
    if not is_high_value(dataset):
        return None
    dists = dataset.distributions
    named = {sid for d in dists for sid in d.data.access_services}
    services = {s.id: s for s in services_serving(conn, SYSTEM, dataset.id)}
    for sid in sorted(named - services.keys()):
        services[sid] = get_dataservice(conn, SYSTEM, sid)
    ids = [d.id for d in dists]
    datastore = sorted(loaded(conn, ids) | _loading(conn, ids))
    downloads = [d.data.download_url for d in dists if d.data.download_url]
    licences = {d.id: d.data.license or dataset.data.license for d in dists}
    serving = sorted(services.values(), key=lambda s: s.data.name or s.id)
    check = HvdCheck(dataset, serving, datastore, downloads, licences)
    if not services and not datastore:
        check.missing.append("api")
    if not downloads:
        check.missing.append("bulk_download")
    if not licences or check.closed_licences:
        check.missing.append("licence")
    return check


def _named_services(conn: sa.Connection, ids: list[str]) -> set[str]:
    """Those of the datasets a distribution of which names a data service."""
    d = distributions
    rows = conn.execute(
        sa.select(d.c.dataset_id, d.c.data).where(
            d.c.dataset_id.in_(ids),
            d.c.data.like("%access_services%"),
            # a cheap filter on the stored form; a row it lets through is still read
            d.c.data.not_like('%"access_services":[]%'),
        )
    )
    return {dataset_id for dataset_id, data in rows if json.loads(data).get("access_services")}


def _in_datastore(conn: sa.Connection, ids: list[str]) -> set[str]:
    """Those of the datasets with a distribution the datastore serves or is loading."""
    d, t, j = distributions, datastore_tables, datastore_jobs
    tables = sa.select(d.c.dataset_id).join(t, t.c.distribution_id == d.c.id)
    jobs = sa.select(d.c.dataset_id).join(j, j.c.distribution_id == d.c.id)
    jobs = jobs.where(j.c.state.in_(("queued", "running")))
    query = sa.union(tables.where(d.c.dataset_id.in_(ids)), jobs.where(d.c.dataset_id.in_(ids)))
    return set(conn.execute(query).scalars())


def datasets_with_api(conn: sa.Connection, dataset_ids: Iterable[str]) -> set[str]:
    """Those of the datasets that meet `check_high_value`'s API term, in a few queries for the
    lot: a data service serves it or a distribution names one, or the datastore serves or is
    loading one of its distributions. Any data service counts, as it does there."""
    wanted = list(dict.fromkeys(dataset_ids))
    served: set[str] = set()
    for (data,) in conn.execute(sa.select(dataservices.c.data)):
        served.update(json.loads(data).get("serves_datasets") or ())
    found = served.intersection(wanted)
    for start in range(0, len(wanted), 5000):
        batch = wanted[start : start + 5000]
        found |= _named_services(conn, batch) | _in_datastore(conn, batch)
    return found


# --- The report ------------------------------------------------------------------------------


def _category_labels(categories: list[str]) -> str:
    vocab = vocabulary("hvd_category")
    labels = [(c := vocab.lookup(iri)) and c.label_en or iri for iri in categories]
    return " | ".join(labels)


def _row(check: HvdCheck, settings: Settings, orgs: dict[str, Organisation]) -> dict[str, str]:
    ds = check.dataset
    base = settings.public_base
    contact = ds.data.contact_point or contact_point_of(orgs, ds.organisation_id)
    services = check.services
    return {
        "dataset": f"{base}/dataset/{ds.id}",
        "dcterms:identifier": ds.data.identifier or "",
        "dcterms:title": ds.data.title.sv,
        "dcterms:publisher": publisher_iri(base, publisher_of(orgs, ds.organisation_id)),
        "organisation": orgs[ds.organisation_id].name,
        "state": ds.state,
        "dcatap:applicableLegislation": " ".join(ds.data.applicable_legislation),
        "dcatap:hvdCategory": " ".join(ds.data.hvd_categories),
        "hvd_category_label": _category_labels(ds.data.hvd_categories),
        "dcterms:license": " ".join(sorted({str(v) for v in check.licences.values() if v})),
        "dcat:downloadURL": " ".join(check.downloads),
        "dcat:accessService": " ".join(f"{base}/dataservice/{s.id}" for s in services),
        "dcat:endpointURL": " ".join(
            [u for s in services for u in s.data.endpoint_urls]
            + [f"{base}/api/datastore/{d}" for d in check.datastore]
        ),
        "dcat:endpointDescription": " ".join(
            s.data.endpoint_description for s in services if s.data.endpoint_description
        ),
        "foaf:page": " ".join(p.url for s in services for p in s.data.pages),
        "dcat:contactPoint": f"mailto:{contact.email}" if contact else "",
        "api": "no" if "api" in check.missing else "yes",
        "bulk_download": "no" if "bulk_download" in check.missing else "yes",
        "licence": "no" if "licence" in check.missing else "yes",
        "missing": " ".join(check.missing),
    }


def hvd_checks(
    conn: sa.Connection, actor: Actor, organisation: str | None = None
) -> list[HvdCheck]:
    """The terms of every high-value dataset the actor may read (of `organisation` and its
    units, or of the whole catalogue), by name."""
    orgs = all_organisations(conn)
    units = units_of(orgs, get_organisation(conn, organisation).id) if organisation else None
    _total, found = list_datasets(conn, actor, limit=1_000_000)
    checks = []
    for dataset in sorted(found, key=lambda d: d.name):
        if units is not None and dataset.organisation_id not in units:
            continue
        check = check_high_value(conn, dataset)
        if check is not None:
            checks.append(check)
    return checks


def hvd_report(
    conn: sa.Connection, settings: Settings, actor: Actor, organisation: str | None = None
) -> list[dict[str, str]]:
    """One row per high-value dataset the actor may read (of `organisation` and its units, or
    of the whole catalogue), in `REPORT_COLUMNS` order."""
    orgs = all_organisations(conn)
    return [_row(check, settings, orgs) for check in hvd_checks(conn, actor, organisation)]


def report_document(organisation: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """The report as JSON: the columns named, then one object per dataset."""
    return {"organisation": organisation, "columns": list(REPORT_COLUMNS), "datasets": rows}


def report_csv(rows: list[dict[str, str]]) -> str:
    """The report as CSV (RFC 4180: CRLF line ends), a header of `REPORT_COLUMNS` first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
