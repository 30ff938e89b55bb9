"""The page for developers: the API's endpoints, tokens, the DCAT feed and content negotiation."""

from __future__ import annotations

from fastapi import Request, Response

from torget.web.i18n import N_
from torget.web.pages.home import CATALOGUE_ALTERNATES
from torget.web.pages.routing import page_router
from torget.web.rendering import Alternate, render

__all__ = ["router"]

router = page_router()


@router.get("/about")
def about_page(request: Request) -> Response:
    return render(
        request,
        "about.html",
        title=N_("Open data and the API"),
        alternates=[
            *CATALOGUE_ALTERNATES,
            Alternate("application/json", "/api/openapi.json", "OpenAPI"),
        ],
    )
