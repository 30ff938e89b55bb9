"""The search page: free text, facets as filters, sorting and pages, all in one GET form.

Everything is in the query string, so a search can be bookmarked, shared and used without
JavaScript. The search itself is `torget.search` (see `catalogue_search`); a filter value is
a facet's code (`theme=ENVI`, `format=CSV`, `organisation=miljo`), as the facets list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request, Response

from torget.db.engine import read
from torget.web.catalogue_kept import organisations
from torget.web.catalogue_search import FACETS, SORTS, search
from torget.web.feeds import datasets_feed
from torget.web.i18n import N_, pick_language
from torget.web.pages.home import CATALOGUE_ALTERNATES
from torget.web.pages.routing import page_router
from torget.web.paging import page_number
from torget.web.rendering import render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor

__all__ = ["router", "SearchParams"]

router = page_router()

PAGE_SIZE = 20
FACET_TITLES = {
    "theme": N_("Theme"),
    "organisation": N_("Organisation"),
    "format": N_("Format"),
    "license": N_("Licence"),
    "keyword": N_("Keyword"),
    "hvd": N_("High-value category"),
    "conforms_to": N_("Specification"),
    "conforms": N_("Checked against a specification"),
}
SORT_TITLES = {
    "relevance": N_("Best match"),
    "title": N_("Title"),
    "modified": N_("Last updated"),
    "popularity": N_("Most used"),
}
FACET_SHOWN = 12  # values shown per facet; the chosen ones are always shown


@dataclass(frozen=True)
class SearchParams:
    text: str
    filters: dict[str, list[str]]
    sort: str
    page: int
    overdue: bool = False  # issue 20: only datasets past their due date

    @classmethod
    def from_request(cls, request: Request) -> SearchParams:
        query = request.query_params
        filters = {f: [v for v in query.getlist(f) if v] for f in FACETS}
        text = query.get("q", "").strip()[:500]
        sort = query.get("sort", "")
        if sort not in SORTS:
            sort = "relevance" if text else "modified"
        page = query.get("page", "1")
        return cls(
            text,
            {k: v for k, v in filters.items() if v},
            sort,
            page_number(page),
            query.get("overdue") == "1",
        )

    def url(self, **changes: object) -> str:
        """This search's address with some parameters changed (`page`, `sort`, a filter)."""
        params: list[tuple[str, str]] = []
        text = changes.get("text", self.text)
        if text:
            params.append(("q", str(text)))
        filters = changes.get("filters", self.filters)
        assert isinstance(filters, dict)
        for name, values in filters.items():
            params += [(name, v) for v in values]
        if changes.get("overdue", self.overdue):
            params.append(("overdue", "1"))
        sort = changes.get("sort", self.sort)
        params.append(("sort", str(sort)))
        page = changes.get("page", 1)
        if page != 1:
            params.append(("page", str(page)))
        return "/search?" + urlencode(params)

    def without(self, facet: str, value: str) -> str:
        filters = {
            k: [v for v in vs if not (k == facet and v == value)] for k, vs in self.filters.items()
        }
        return self.url(filters={k: v for k, v in filters.items() if v}, page=1)


@router.get("/search")
def search_page(request: Request) -> Response:
    actor = page_actor(request)
    lang = pick_language(request)
    params = SearchParams.from_request(request)
    site = request_site(request)
    with read(site.engine) as conn:
        found = search(
            conn,
            actor,
            text=params.text,
            filters=params.filters,
            sort=params.sort,
            page=params.page,
            page_size=PAGE_SIZE,
            lang=lang,
            overdue=params.overdue,
        )
    last_page = max(1, -(-found.total // PAGE_SIZE))
    return render(
        request,
        "search.html",
        title=N_("Find data"),
        alternates=(
            *CATALOGUE_ALTERNATES,
            datasets_feed(
                lang, params.filters.get("organisation"), params.filters.get("theme"), params.text
            ),
        ),
        params=params,
        found=found,
        facets=FACETS,
        facet_titles=FACET_TITLES,
        facet_shown=FACET_SHOWN,
        sorts=[(s, SORT_TITLES[s]) for s in SORTS],
        organisations=organisations(site),
        last_page=last_page,
    )
