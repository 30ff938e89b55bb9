"""The link checker on the pages (issue 20): "Check the links now" on a dataset's publishing
page, for an editor who has just put a broken link right. The check itself and the schedule
are `torget.publishing.links`; the results are shown by the publishing page and the
dashboard."""

from __future__ import annotations

from fastapi import Request, Response

from torget.catalog.datasets import get_dataset
from torget.db.engine import read
from torget.publishing.links import run_checks
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()


@router.post("/publish/dataset/{ref}/links/check")
def check_links_now(request: Request, ref: str) -> Response:
    actor = signed_in(request)
    site = request_site(request)
    with read(site.engine) as conn:
        dataset = get_dataset(conn, actor, ref)
    actor.require(dataset.organisation_id, "editor", "check this dataset's links")
    run_checks(site.engine, site.settings, dataset_id=dataset.id)
    return redirect(f"/publish/dataset/{dataset.id}#links")
