"""JSON API for the link checker (issue 20): a dataset's link checks, an organisation's broken
links (its members), and a check now (its editors). The checks are `torget.publishing.links`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from torget.accounts.permissions import Actor
from torget.catalog import datasets as store
from torget.catalog.organisations import get_organisation
from torget.db.engine import read
from torget.publishing.links import broken_links, link_checks_of, run_checks
from torget.web.auth import current_actor
from torget.web.request_site import SiteDep

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["links"])


def _items(site: SiteDep, actor: Actor, dataset: str) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = store.get_dataset(conn, actor, dataset)
        items = [c.as_json() for c in link_checks_of(conn, [d.id for d in found.distributions])]
    return {"count": len(items), "items": items}


@router.get("/datasets/{dataset}/links", summary="The link checks of a dataset's external links")
def dataset_links(
    site: SiteDep, dataset: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    return _items(site, actor, dataset)


@router.post("/datasets/{dataset}/links/check", summary="Check a dataset's external links now")
def check_dataset_links(
    site: SiteDep, dataset: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = store.get_dataset(conn, actor, dataset)
    actor.require(found.organisation_id, "editor", "check this dataset's links")
    run_checks(site.engine, site.settings, dataset_id=found.id)
    return _items(site, actor, found.id)


@router.get(
    "/organisations/{organisation}/broken-links",
    summary="The broken links of an organisation's datasets (its members)",
)
def organisation_broken_links(
    site: SiteDep, organisation: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        org = get_organisation(conn, organisation)
        actor.require(org.id, "member", "read this organisation's broken links")
        items = [c.as_json() | {"dataset_id": d} for d, c in broken_links(conn, [org.id])]
    return {"count": len(items), "items": items}
