"""The quality score of a dataset, an organisation and the whole catalogue, read from the
database and scored by the pure functions of `mqa.py`.

Nothing is stored: scoring is a pass over the records' JSON (10,000 datasets in well under the
5 s budget, `bench/quality.py`), so a score is always that of the records as they are, and a
dataset's score after a save is simply read again. The reports cover the datasets the reader
may read (`catalog/visibility.py`): the public sees what the EU portal will harvest, editors
their drafts too, each marked by its state.

`link_checks` (address → the link checker's last HTTP status) is where the link checker's
results come in: by default those it keeps (`torget.publishing.links`, issue 20; a link that
gave no answer counts as broken). Torget's own files always count as reachable, and a link
never checked earns nothing (`facts.LinkEvidence`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset
from torget.catalog.organisations import (
    Organisation,
    all_organisations,
    contact_point_of,
    units_of,
)
from torget.catalog.stored_files import shown_record
from torget.catalog.visibility import readable_by
from torget.db.schema import datasets, distributions
from torget.dcat.mapping import MappingContext, agent_resource, dataset_resource
from torget.dcat.serialize import Resource
from torget.publishing.links import link_checks_of
from torget.quality.dataportal import (
    PortalScore,
    PortalTally,
    aggregate_portal,
    check_portal,
    facts_from_resources,
    portal_hints,
)
from torget.quality.facts import OWN_FILES, DatasetFacts, LinkEvidence, facts_from_record
from torget.quality.hints import Hint, hints_for
from torget.quality.mqa import (
    DIMENSIONS,
    MAX_POINTS,
    METRICS,
    AggregateScore,
    DatasetScore,
    aggregate,
    score_dataset,
)
from torget.settings import Settings

__all__ = [
    "DatasetQuality",
    "QualityReport",
    "link_evidence",
    "kept_link_checks",
    "dataset_quality",
    "quality_report",
]


def link_evidence(settings: Settings, link_checks: Mapping[str, int] | None = None) -> LinkEvidence:
    """Torget's own files (kept references and their addresses on this site or its files
    origin) count as reachable; other addresses by the link checker's results."""
    prefixes = [OWN_FILES, settings.public_base + OWN_FILES]
    if settings.files_base_url:
        prefixes.append(settings.files_base_url.rstrip("/") + OWN_FILES)
    return LinkEvidence(tuple(prefixes), dict(link_checks or {}))


def kept_link_checks(
    conn: sa.Connection, distribution_ids: list[str] | None = None
) -> dict[str, int]:
    """The link checker's last word per address (0: no answer at all)."""
    return {c.url: c.status or 0 for c in link_checks_of(conn, distribution_ids)}


@dataclass(frozen=True)
class DatasetQuality:
    dataset_id: str
    name: str
    title: str
    organisation: str
    state: str
    score: DatasetScore
    portal: PortalScore  # Sveriges dataportal's own rules, beside the EU's points

    @property
    def hints(self) -> list[Hint]:
        """Computed when asked: a catalogue report shows the hints of its worst few only."""
        return hints_for(self.score)

    @property
    def portal_hints(self) -> list[Hint]:
        return portal_hints(self.portal)

    def summary(self) -> dict[str, Any]:
        return {
            "dataset_id": self.dataset_id,
            "name": self.name,
            "title": self.title,
            "organisation": self.organisation,
            "state": self.state,
            "points": round(self.score.points, 2),
            "rating": self.score.rating,
            "hints": len(self.hints),
            "dataportal": {"passed": self.portal.passed, "total": self.portal.total},
        }

    def as_json(self) -> dict[str, Any]:
        out = self.summary()
        out["max_points"] = MAX_POINTS
        out["dimensions"] = {
            d: {
                "points": round(self.score.dimension(d), 2),
                "max": sum(m.points for m in METRICS if m.dimension == d),
            }
            for d in DIMENSIONS
        }
        out["metrics"] = [
            {
                "key": c.metric.key,
                "dimension": c.metric.dimension,
                "property": c.metric.property,
                "level": c.metric.level,
                "points": round(c.earned, 2),
                "max": c.metric.points,
                "passed": c.passed,
                "total": c.total,
            }
            for c in self.score.checks
        ]
        out["hints"] = [h.as_json() for h in self.hints]
        out["dataportal"] = {
            "passed": self.portal.passed,
            "total": self.portal.total,
            "rules": [
                {"rule": c.rule, "passed": c.passed, "details": list(c.details)}
                for c in self.portal.checks
            ],
            "hints": [h.as_json() for h in self.portal_hints],
        }
        return out


def _organisation_contact(orgs: dict[str, Organisation], org_id: str) -> bool:
    return contact_point_of(orgs, org_id) is not None


class _Portal:
    """The dataportal rules' view of records: each mapped as the feed maps it (`dcat/
    mapping.py`), its own files' addresses shown as the feed shows them, with its publisher."""

    def __init__(self, conn: sa.Connection, settings: Settings, orgs: dict[str, Organisation]):
        self._conn = conn
        self._ctx = MappingContext(settings.public_base, orgs)
        self._agents: dict[str, Resource] = {}

    def score(
        self, dataset_id: str, org_id: str, data: dict[str, Any],
        dists: list[tuple[str, dict[str, Any]]],
    ) -> PortalScore:  # fmt: skip
        shown = [(d, shown_record(self._conn, record)) for d, record in dists]
        resource = dataset_resource(self._ctx, dataset_id, org_id, data, shown)
        publisher = self._ctx.publisher(org_id)
        if publisher.id not in self._agents:
            self._agents[publisher.id] = agent_resource(self._ctx, publisher)
        return check_portal(facts_from_resources(resource, self._agents[publisher.id]))


def _quality(
    facts: DatasetFacts,
    evidence: LinkEvidence,
    meta: tuple[str, str, str, str],
    portal: PortalScore,
) -> DatasetQuality:
    score = score_dataset(facts, evidence)
    name, title, organisation, state = meta
    return DatasetQuality(facts.key, name, title, organisation, state, score, portal)


def dataset_quality(
    conn: sa.Connection,
    settings: Settings,
    dataset: Dataset,
    link_checks: Mapping[str, int] | None = None,
) -> DatasetQuality:
    """One dataset's score and hints, as read (the caller has checked it may be read)."""
    orgs = all_organisations(conn)
    data = dataset.data.model_dump(mode="json", exclude={"distributions"})
    dists = [(d.id, d.data.model_dump(mode="json")) for d in dataset.distributions]
    facts = facts_from_record(
        dataset.id,
        data,
        dists,
        organisation_contact=_organisation_contact(orgs, dataset.organisation_id),
        compliant=True if dataset.state == "published" else None,
    )
    org = orgs[dataset.organisation_id].name
    meta = (dataset.name, dataset.data.title.sv, org, dataset.state)
    if link_checks is None:
        link_checks = kept_link_checks(conn, [d.id for d in dataset.distributions])
    portal = _Portal(conn, settings, orgs).score(dataset.id, dataset.organisation_id, data, dists)
    return _quality(facts, link_evidence(settings, link_checks), meta, portal)


# --- Many datasets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityReport:
    """An organisation's (with its units) or the whole catalogue's score, and every dataset's."""

    organisation: str | None
    score: AggregateScore
    datasets: list[DatasetQuality]
    portal: PortalTally

    def worst_first(self) -> list[DatasetQuality]:
        return sorted(self.datasets, key=lambda q: (q.score.points, q.name))

    def as_json(self, *, limit: int | None = None) -> dict[str, Any]:
        s = self.score
        return {
            "organisation": self.organisation,
            "datasets": s.datasets,
            "distributions": s.distributions,
            "points": round(s.points, 2),
            "max_points": MAX_POINTS,
            "rating": s.rating,
            "dimensions": {
                d: {
                    "points": round(s.dimension(d), 2),
                    "max": sum(m.points for m in METRICS if m.dimension == d),
                }
                for d in DIMENSIONS
            },
            "metrics": [
                {
                    "key": t.metric.key,
                    "dimension": t.metric.dimension,
                    "property": t.metric.property,
                    "level": t.metric.level,
                    "passed": t.passed,
                    "population": t.population,
                    "points": round(t.earned, 2),
                    "max": t.metric.points,
                }
                for t in s.tallies
            ],
            "dataportal": self.portal.as_json(),
            "worst_first": [q.summary() for q in self.worst_first()[:limit]],
        }


def _rows(
    conn: sa.Connection, actor: Actor, org_ids: set[str] | None
) -> Iterator[tuple[sa.RowMapping, list[tuple[str, dict[str, Any]]]]]:
    where = [readable_by(actor, datasets)]
    if org_ids is not None:
        where.append(datasets.c.organisation_id.in_(sorted(org_ids)))
    rows = conn.execute(
        sa.select(
            datasets.c.id, datasets.c.name, datasets.c.organisation_id, datasets.c.state,
            datasets.c.data,
        ).where(*where)
    ).mappings().all()  # fmt: skip
    dists: dict[str, list[tuple[str, dict[str, Any]]]] = {r["id"]: [] for r in rows}
    dist_rows = conn.execute(
        sa.select(distributions.c.id, distributions.c.dataset_id, distributions.c.data)
        .select_from(distributions.join(datasets, datasets.c.id == distributions.c.dataset_id))
        .where(*where)
        .order_by(distributions.c.dataset_id, distributions.c.position, distributions.c.id)
    )
    for dist_id, dataset_id, data in dist_rows:
        dists[dataset_id].append((dist_id, json.loads(data)))
    for row in rows:
        yield row, dists[row["id"]]


def quality_report(
    conn: sa.Connection,
    settings: Settings,
    actor: Actor,
    organisation: Organisation | None = None,
    link_checks: Mapping[str, int] | None = None,
) -> QualityReport:
    """The score of `organisation` and its units, or of the whole catalogue, over the datasets
    the actor may read."""
    orgs = all_organisations(conn)
    org_ids = units_of(orgs, organisation.id) if organisation is not None else None
    if link_checks is None:
        link_checks = kept_link_checks(conn)
    evidence = link_evidence(settings, link_checks)
    contact = {org_id: _organisation_contact(orgs, org_id) for org_id in orgs}
    portal = _Portal(conn, settings, orgs)
    found = []
    for row, dists in _rows(conn, actor, org_ids):
        data = json.loads(row["data"])
        facts = facts_from_record(
            row["id"],
            data,
            dists,
            organisation_contact=contact[row["organisation_id"]],
            compliant=True if row["state"] == "published" else None,
        )
        title = (data.get("title") or {}).get("sv", "")
        meta = (row["name"], title, orgs[row["organisation_id"]].name, row["state"])
        checked = portal.score(row["id"], row["organisation_id"], data, dists)
        found.append(_quality(facts, evidence, meta, checked))
    score = aggregate(q.score for q in found)
    tally = aggregate_portal(q.portal for q in found)
    return QualityReport(organisation.name if organisation else None, score, found, tally)
