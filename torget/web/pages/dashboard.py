"""The publisher's start page: the datasets and APIs of the user's organisations, by state,
and the demand on each (its open suggestions by votes, how long answers took)."""

from __future__ import annotations

from fastapi import Request, Response

from torget.catalog.dataservices import list_dataservices
from torget.catalog.datasets import list_datasets
from torget.catalog.organisations import all_organisations
from torget.db.engine import read
from torget.harvest.sources import failing_sources
from torget.participation.demand import organisation_demand
from torget.publishing.settlements import classified
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, signed_in
from torget.web.pages.suggestions import STATUS_NAMES
from torget.web.rendering import render
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()
_LIMIT = 1000


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
    )
