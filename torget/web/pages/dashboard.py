"""The publisher's start page: the datasets and APIs of the user's organisations, by state,
and the demand on each (its open suggestions by votes, how long answers took)."""

from __future__ import annotations

from fastapi import Request, Response

from torget.catalog.dataservices import list_dataservices
from torget.catalog.datasets import Dataset, list_datasets
from torget.catalog.organisations import all_organisations
from torget.db.engine import read
from torget.harvest.sources import failing_sources
from torget.participation.demand import organisation_demand
from torget.publishing.freshness import freshness_of, overdue_of
from torget.publishing.links import LinkCheck, broken_links
from torget.publishing.settlements import classified
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, signed_in
from torget.web.pages.suggestions import STATUS_NAMES
from torget.web.rendering import render
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()
_LIMIT = 1000


def _by_organisation(
    datasets: dict[str, list[Dataset]], broken: list[tuple[str, LinkCheck]]
) -> dict[str, list[tuple[Dataset, LinkCheck]]]:
    """The broken links (issue 20) under their organisations, each with its dataset."""
    by_id = {d.id: (org, d) for org, found in datasets.items() for d in found}
    grouped: dict[str, list[tuple[Dataset, LinkCheck]]] = {org: [] for org in datasets}
    for dataset_id, check in broken:
        if dataset_id in by_id:
            org_id, dataset = by_id[dataset_id]
            grouped[org_id].append((dataset, check))
    return grouped


@router.get("/publish")
def dashboard(request: Request) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        orgs = all_organisations(conn)
        mine = [o for o in orgs.values() if actor.has_role(o.id, "member")]
        datasets = {
            o.id: list_datasets(conn, actor, organisation=o.name, limit=_LIMIT)[1] for o in mine
        }
        _, services = list_dataservices(conn, actor, limit=_LIMIT)
        demand = {o.id: organisation_demand(conn, o.id) for o in mine}
        harvest_failing = failing_sources(conn, actor)  # issue 15: sources that keep failing
        ids = [d.id for found in datasets.values() for d in found]
        unclassified = set(ids) - classified(conn, ids)  # issue 13 B: published before it
        fresh = freshness_of(conn, ids)  # issue 20: overdue datasets, longest overdue first
        broken = broken_links(conn, [o.id for o in mine])
    overdue = {org: overdue_of(found, fresh) for org, found in datasets.items()}
    return render(
        request,
        "dashboard.html",
        title=N_("Publish"),
        organisations=mine,
        datasets=datasets,
        services={o.id: [s for s in services if s.organisation_id == o.id] for o in mine},
        demand=demand,
        statuses=STATUS_NAMES,
        harvest_failing=harvest_failing,
        unclassified=unclassified,
        freshness=fresh,
        overdue=overdue,
        broken=_by_organisation(datasets, broken),
    )
