"""The combined national tables follow the catalogue through its domain events.

A load or a CKAN write rebuilds its specification's table (`conformance.check_after_load`).
What else changes a table's sources arrives as events, handled in the change's transaction:

- `DistributionDeleted` (a distribution deleted, alone or with its dataset; a harvested
  dataset that vanished from its source is deleted or withdrawn the same way): its
  specification's table is rebuilt without it.
- `DatasetSaved`: a dataset withdrawn, published again, renamed, or a declaration
  (`conforms_to`) removed, added or changed on it or one of its distributions. A distribution
  whose recorded check is for a specification it no longer declares loses that record here
  (so the `conforms` facet, reindexed after this handler, and the old table drop it), and one
  that declares a specification its current table was not checked against is checked after
  the commit. A table is rebuilt when its report does not match the catalogue: a source in it
  that is no longer published, or named differently, or a published one missing from it.

Rebuilds run after the commit (a rolled-back change rebuilds nothing), once per
specification per transaction, and a failure is logged, never raised: the change stands, and
the next rebuild puts the table right. A rebuild only reads the sources that changed
(`combine`), so each source that goes loses its own rows and the rest are copied as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from torget.datastore import tables
from torget.db.engine import after_commit
from torget.db.schema import datasets, distributions, organisations, specification_conformance
from torget.events import Bulk, DatasetSaved, DistributionDeleted, Handler
from torget.site_lookup import site_of
from torget.specifications.combine import combine, combined_report
from torget.specifications.conformance import check_after_load, declared_in
from torget.specifications.registry import by_iri

if TYPE_CHECKING:  # torget.site lists these subscriptions
    from torget.site import Site

__all__ = ["SUBSCRIPTIONS"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Rebuild:
    """After the commit: the combined table of the specification `iri` built again."""

    site: Site
    iri: str

    def __call__(self) -> None:
        try:
            with self.site.engine.connect() as conn:
                spec = by_iri(conn, self.iri)
            if spec is not None:
                combine(self.site.settings, self.site.engine, spec)
        except Exception:  # noqa: BLE001 - the change is committed; the next build catches up
            log.warning("the combined table of %s was not rebuilt", self.iri, exc_info=True)


@dataclass(frozen=True)
class _Check:
    """After the commit: the distribution's table checked against its new declaration (which
    rebuilds that specification's table)."""

    site: Site
    distribution_id: str

    def __call__(self) -> None:
        check_after_load(self.site.engine, self.site.settings, self.distribution_id)


def _recorded(conn: sa.Connection, where: sa.ColumnElement[bool]) -> list[sa.Row[tuple[str, str]]]:
    t = specification_conformance
    query = sa.select(t.c.distribution_id, t.c.specification_iri, distributions.c.dataset_id)
    return list(conn.execute(query.join(distributions, distributions.c.id == t.c.distribution_id)
                             .where(where)))  # fmt: skip


def _on_distribution_deleted(conn: sa.Connection, event: DistributionDeleted) -> None:
    site = site_of(conn, "rebuilding a combined table")
    for row in _recorded(conn, distributions.c.id == event.distribution_id):
        after_commit(conn, _Rebuild(site, row.specification_iri))


_CHUNK = 500


def _on_datasets_saved(conn: sa.Connection, events: Sequence[DatasetSaved]) -> None:
    """Each saved dataset's distributions against their recorded checks; a harvest's
    datasets read together, 500 at a time (one by one this cost a harvest 7 % of its time)."""
    site = site_of(conn, "rebuilding a combined table")
    ids = list(dict.fromkeys(e.dataset_id for e in events))
    for i in range(0, len(ids), _CHUNK):
        _settle_datasets(conn, site, ids[i : i + _CHUNK])


def _settle_datasets(conn: sa.Connection, site: Site, dataset_ids: list[str]) -> None:
    mine = distributions.c.dataset_id.in_(dataset_ids)
    found = _recorded(conn, mine)
    recorded = {r.distribution_id: r.specification_iri for r in found}
    rows = conn.execute(
        sa.select(distributions.c.id, distributions.c.data, datasets.c.data.label("dataset"))
        .join(datasets, datasets.c.id == distributions.c.dataset_id)
        .where(mine)
    )
    for row in rows:
        declared = declared_in(conn, row.data, row.dataset)
        iri = recorded.get(row.id)
        if declared is not None and declared.iri != iri and tables.loaded(conn, [row.id]):
            after_commit(conn, _Check(site, row.id))
        if iri is not None and (declared is None or declared.iri != iri):
            t = specification_conformance
            conn.execute(t.delete().where(t.c.distribution_id == row.id))
    for dataset_id, iri in dict.fromkeys((r.dataset_id, r.specification_iri) for r in found):
        if _out_of_step(conn, site, dataset_id, iri):
            after_commit(conn, _Rebuild(site, iri))


def _out_of_step(conn: sa.Connection, site: Site, dataset_id: str, iri: str) -> bool:
    """Whether the combined table of `iri` shows the dataset's sources otherwise than the
    catalogue now has them (in it or not, and under which names)."""
    spec = by_iri(conn, iri)
    report = combined_report(site.settings, spec) if spec is not None else None
    if report is None:
        return spec is not None
    row = conn.execute(
        sa.select(datasets.c.name, datasets.c.state, organisations.c.name.label("org"))
        .join(organisations, organisations.c.id == datasets.c.organisation_id)
        .where(datasets.c.id == dataset_id)
    ).first()
    t = specification_conformance
    now_in = {
        d: (row.org, row.name)
        for d in conn.execute(
            sa.select(t.c.distribution_id)
            .join(distributions, distributions.c.id == t.c.distribution_id)
            .where(distributions.c.dataset_id == dataset_id, t.c.specification_iri == iri)
        ).scalars()
        if row is not None and row.state == "published"
    }
    mine = set(conn.execute(
        sa.select(distributions.c.id).where(distributions.c.dataset_id == dataset_id)
    ).scalars())  # fmt: skip
    shown = {e["distribution"]: (e["organisation"], e["dataset"])
             for e in report.get("sources", []) if e["distribution"] in mine}  # fmt: skip
    return shown != now_in


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DistributionDeleted, _on_distribution_deleted),
    (DatasetSaved, Bulk(_on_datasets_saved)),  # a harvest's datasets together
)
