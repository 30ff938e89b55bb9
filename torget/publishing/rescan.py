"""Running the personal-data guard again over the tables Torget serves now (`torget checklist
rescan`), e.g. after the detector learnt a new kind or form of personal data.

Each distribution's current table is scanned as a load's is (`personal_data.scan_tables`), and
the result replaces its recorded scan: a new finding nobody signed off re-opens the checklist's
personal-data item (a draft is not published until an organisation admin signs it off or the
data is replaced; the checklist of a published one shows it failed, and its next change is
held until then), while findings that are gone close it. The command reports each finding.
A distribution whose latest load is still running, or was refused, is skipped: that load's own
scan is what its checklist shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM
from torget.catalog import datasets as dataset_store
from torget.catalog.organisations import get_organisation
from torget.datastore import jobs, tables
from torget.db.engine import read, write
from torget.db.schema import datasets, distributions
from torget.publishing import guard
from torget.publishing.personal_data import Finding, scan_file
from torget.settings import Settings

__all__ = ["Rescanned", "rescan_datasets", "datasets_to_rescan"]


@dataclass(frozen=True)
class Rescanned:
    """One distribution's rescan: `clear`, `findings` (some nobody signed off), `signed`
    (all signed off), `skipped` (a newer load is pending or refused) or `no_table`."""

    dataset_id: str
    distribution_id: str
    state: str
    findings: list[Finding] = field(default_factory=list)


def datasets_to_rescan(engine: sa.Engine, organisation: str | None) -> list[str]:
    """The ids of the datasets with a distribution: of `organisation`, or of the instance."""
    with read(engine) as conn:
        query = sa.select(datasets.c.id).where(
            sa.exists().where(distributions.c.dataset_id == datasets.c.id)
        )
        if organisation is not None:
            org = get_organisation(conn, organisation)
            query = query.where(datasets.c.organisation_id == org.id)
        return list(conn.execute(query.order_by(datasets.c.name)).scalars())


def _rescan_one(engine: sa.Engine, settings: Settings, dataset_id: str, dist_id: str) -> Rescanned:
    root = settings.datastore_path
    with read(engine) as conn:
        table = tables.current_table(conn, root, dist_id)
        latest = jobs.latest_job(conn, dist_id)
    if table is None:
        return Rescanned(dataset_id, dist_id, "no_table")
    if latest is None or latest.id != table.job_id:
        return Rescanned(dataset_id, dist_id, "skipped")
    findings = scan_file(table.path)
    with write(engine) as conn:
        now_current = tables.current_table(conn, root, dist_id)
        if now_current is None or now_current.job_id != table.job_id:
            return Rescanned(dataset_id, dist_id, "skipped")  # a new version came meanwhile
        state = guard.record_rescan(conn, dist_id, table.job_id, latest.source, findings)
    return Rescanned(dataset_id, dist_id, state, findings)


def rescan_datasets(engine: sa.Engine, settings: Settings, refs: Iterable[str]) -> list[Rescanned]:
    """Scan the current tables of the datasets (by id or name) again; one result per
    distribution. Each table is scanned outside any transaction, its result recorded in a
    short one, so a long rescan does not hold up the site's writes."""
    results: list[Rescanned] = []
    for ref in refs:
        with read(engine) as conn:
            dataset = dataset_store.get_dataset(conn, SYSTEM, ref)
        for dist in dataset.distributions:
            results.append(_rescan_one(engine, settings, dataset.id, dist.id))
    return results
