"""The maturity pages (issue 14 item 4): an organisation's level, each criterion's value
against the next level's threshold and its next steps (`/organisation/{name}/maturity`), and
every organisation side by side with the role model of each criterion (`/maturity`). Public and
without JavaScript; each has its JSON twin under `/api/`."""

from __future__ import annotations

from fastapi import Request, Response

from torget.db.engine import read
from torget.maturity.levels import CRITERIA, LEVELS, TOP
from torget.maturity.report import comparison, organisation_maturity
from torget.web.i18n import N_, Text, localize, pick_language
from torget.web.pages.routing import page_router
from torget.web.rendering import Alternate, render
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()


@router.get("/organisation/{name}/maturity")
def organisation_maturity_page(request: Request, name: str) -> Response:
    site = request_site(request)
    with read(site.engine) as conn:
        found = organisation_maturity(conn, site.settings, name)
    org = found.organisation
    title = localize(org.data.title, pick_language(request)) or Text(org.name, "sv")
    return render(
        request,
        "maturity.html",
        title=title,
        maturity=found,
        org=org,
        levels=LEVELS,
        top=TOP,
        alternates=[
            Alternate("application/json", f"/api/organisations/{org.name}/maturity", "JSON")
        ],
    )


@router.get("/maturity")
def maturity_comparison_page(request: Request) -> Response:
    site = request_site(request)
    with read(site.engine) as conn:
        found = comparison(conn, site.settings)
    return render(
        request,
        "maturity_comparison.html",
        title=N_("Open-data maturity"),
        found=found,
        criteria=CRITERIA,
        levels=LEVELS,
        alternates=[Alternate("application/json", "/api/maturity", "JSON")],
    )
