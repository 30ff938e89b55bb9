"""The API's reference: `/api/docs`, and the CKAN Action API's OpenAPI document.

`/api/docs` is a page of the site that shows an OpenAPI document in Swagger UI, vendored in
`static/vendor/` (no CDN) and started by `static/torget-api-docs.js`, so the page keeps the
site's Content-Security-Policy (no inline script or style). Without JavaScript the page
links the raw documents. `/api/3/openapi.json` is generated from CKAN's action table
(`torget.ckan.openapi`), so it cannot drift from the actions Torget answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from torget import __version__
from torget.ckan.openapi import ckan_openapi
from torget.web.i18n import N_
from torget.web.rendering import Alternate, render
from torget.web.request_site import SiteDep

__all__ = ["router"]

router = APIRouter()

DOCUMENTS = {
    "torget": (N_("Torget's JSON API"), "/api/openapi.json"),
    "ckan": (N_("CKAN Action API"), "/api/3/openapi.json"),
}


@router.get("/api/3/openapi.json", include_in_schema=False)
def ckan_document(site: SiteDep) -> dict[str, Any]:
    return ckan_openapi(site.settings.public_base, __version__)


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request, doc: str = "torget") -> Response:
    chosen = doc if doc in DOCUMENTS else "torget"
    url = DOCUMENTS[chosen][1]
    return render(
        request,
        "api_docs.html",
        title=N_("API reference"),
        alternates=[Alternate("application/json", url, "OpenAPI")],
        documents=[(key, label, href) for key, (label, href) in DOCUMENTS.items()],
        chosen=chosen,
        url=url,
    )
