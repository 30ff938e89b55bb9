"""The quality score's pages (issue 14): the publisher's report, lowest score first, over the
organisations they belong to (`/publish/quality`, linked from the dashboard), and one
organisation's report for its editors (`/organisation/{name}/quality`). A dataset's own score
and hints are on its publishing pages (`dataset_forms.py`, `_quality.html`)."""

from __future__ import annotations

from fastapi import Request, Response

from torget.catalog.organisations import all_organisations, get_organisation
from torget.db.engine import read
from torget.quality.report import quality_report
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, signed_in
from torget.web.rendering import render
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()
_LIMIT = 50


@router.get("/publish/quality")
def publisher_quality(request: Request) -> Response:
    actor = signed_in(request)
    site = request_site(request)
    with read(site.engine) as conn:
        orgs = all_organisations(conn)
        mine = [o for o in orgs.values() if actor.has_role(o.id, "member")]
        names = {o.name for o in mine}
        tops = [o for o in mine if o.data.parent not in names]  # a unit is in its parent's
        reports = [quality_report(conn, site.settings, actor, o) for o in tops]
    return render(
        request,
        "quality.html",
        title=N_("Quality score"),
        organisation=None,
        reports=reports,
        report_titles=[o.data.title for o in tops],
        limit=_LIMIT,
    )


@router.get("/organisation/{name}/quality")
def organisation_quality(request: Request, name: str) -> Response:
    actor = signed_in(request)
    site = request_site(request)
    with read(site.engine) as conn:
        org = get_organisation(conn, name)
        actor.require(org.id, "editor", "see this organisation's quality score")
        report = quality_report(conn, site.settings, actor, org)
    return render(
        request,
        "quality.html",
        title=N_("Quality score"),
        organisation=org,
        reports=[report],
        report_titles=[org.data.title],
        limit=_LIMIT,
    )
