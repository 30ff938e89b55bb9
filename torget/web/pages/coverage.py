"""The coverage page of a specification (issue 16, part 6): who publishes it, a map of the
municipalities with their results and the same data as tables. Server-rendered SVG: the map
needs no JavaScript and no map tiles, and is an image whose text alternative sums it up."""

from __future__ import annotations

from fastapi import Request, Response

from torget.db.engine import read
from torget.specifications import get_specification
from torget.specifications.coverage import specification_coverage
from torget.specifications.municipalities import sweden_map
from torget.web.i18n import Text, pick_language
from torget.web.pages.routing import page_router
from torget.web.rendering import Alternate, render
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()


@router.get("/specifications/{name}/{version}/coverage")
def coverage_page(request: Request, name: str, version: str) -> Response:
    site = request_site(request)
    with read(site.engine) as conn:
        spec = get_specification(conn, name, version)
        found = specification_coverage(conn, site.settings, spec)
    lang = pick_language(request)
    spec_title = Text(spec.title(lang), "en" if lang == "en" and spec.title_en else "sv")
    api = f"/api/specifications/{spec.name}/{spec.version}/coverage"
    return render(
        request, "specification_coverage.html", title=spec_title, spec=spec,
        spec_title=spec_title, coverage=found, counts=found.counts(), map=sweden_map(),
        alternates=[Alternate("application/json", api, "JSON")], api=api,
    )  # fmt: skip
