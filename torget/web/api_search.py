"""JSON search API: `GET /api/search` and `GET /api/search/suggest`, thin calls into
`torget.search.search_datasets` and `suggest_datasets`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor
from torget.catalog.datasets import get_datasets
from torget.clock import now
from torget.db.engine import read
from torget.search import FACETS, SearchQuery, SearchResult, search_datasets, suggest_datasets
from torget.search.request import Lang, Sort
from torget.usage.store import usage_state
from torget.web.answers_kept import SEARCHES, Answer, answered, json_body, keeps, loads_state
from torget.web.api_freshness import datasets_json_until
from torget.web.auth import current_actor
from torget.web.paging import Page, page_body, page_params
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["search"])


class Label(BaseModel):
    sv: str
    en: str


class FacetCount(BaseModel):
    value: str = Field(description="Pass it back as the facet's parameter to filter by it.")
    count: int = Field(description="Datasets with this value among those matching the text "
                       "and the other facets' filters.")  # fmt: skip
    label: Label
    selected: bool


class SearchPage(BaseModel):
    count: int = Field(description="Datasets matching the text and every filter.")
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[dict[str, Any]] = Field(description="Datasets as in /api/datasets.")
    facets: dict[str, list[FacetCount]] = Field(
        description="Per facet (" + ", ".join(FACETS) + "): values by count, most first."
    )


def _facet(description: str) -> Any:
    return Query([], description=description + " Repeat to choose several (any of them).")


_THEME = _facet("EU data theme code or IRI, e.g. ENVI.")
_ORGANISATION = _facet("Organisation short name.")
_FORMAT = _facet("File type code, IRI or media type, e.g. CSV.")
_LICENSE = _facet("Licence code or IRI, e.g. CC-BY-4.0.")
_KEYWORD = _facet("Keyword, in the language of `lang`.")
_HVD = _facet("High-value dataset category code or IRI.")
_CONFORMS_TO = _facet("URL of a specification the data conforms to.")
_CONFORMS = _facet("IRI of a specification a distribution's table was checked against and follows.")


def _facets_json(result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [
            {
                "value": v.value,
                "count": v.count,
                "label": {"sv": v.label_sv, "en": v.label_en},
                "selected": v.selected,
            }
            for v in values
        ]
        for name, values in result.facets.items()
    }


@router.get(
    "/search",
    summary="Search datasets: free text, facets with counts, sorting",
    response_model=None,
    responses={200: {"model": SearchPage, "description": "A page of results with facets."}},
    description="Free text matches titles, keywords and themes, descriptions, and the "
    "organisation, distribution titles and column names (weighted in that order), in Swedish "
    "and English, with Swedish and English stemming; å, ä and ö may be typed as a and o, the "
    "last word is also the start of a longer one, and one typo is forgiven in a word of five "
    "letters or more. Titles that are the query come first. Search syntax is read as plain "
    "words. Filters are "
    "combined with AND across facets and OR within one. A facet's counts reflect the text and "
    "the other facets' filters, not its own. Drafts are included for members of their "
    "organisation.",
)
async def search(
    request: Request,
    q: str = Query("", description="Words to look for.", max_length=1000),
    theme: list[str] = _THEME,
    organisation: list[str] = _ORGANISATION,
    format: list[str] = _FORMAT,
    license: list[str] = _LICENSE,
    keyword: list[str] = _KEYWORD,
    hvd: list[str] = _HVD,
    conforms_to: list[str] = _CONFORMS_TO,
    conforms: list[str] = _CONFORMS,
    sort: Sort = Query("relevance", description="relevance, title, modified, popularity or name."),
    lang: Lang = Query("sv", description="Language of title sorting and keyword facets."),
    overdue: bool = Query(False, description="Only published datasets past their due date."),
    page: Page = Depends(page_params),
    actor: Actor = Depends(current_actor),
) -> Response:
    chosen = {
        "theme": theme, "organisation": organisation, "format": format, "license": license,
        "keyword": keyword, "hvd": hvd, "conforms_to": conforms_to, "conforms": conforms,
    }  # fmt: skip
    query = SearchQuery(
        text=q,
        filters={name: values for name, values in chosen.items() if values},
        sort=sort,
        page=page.number,
        page_size=page.size,
        lang=lang,
        due_before=now() if overdue else None,
    )
    site = request_site(request)

    def build(conn: sa.Connection) -> Answer:
        result = search_datasets(conn, actor, query)
        ids = [d.id for d in result.items]
        loads = loads_state(conn, ids)
        # A kept answer's records are read after their loads_state (answers_kept).
        found = get_datasets(conn, actor, ids) if keeps(actor) else result.items
        items, until = datasets_json_until(conn, found, site.settings.public_base)
        body = page_body(request, page, result.total, items)  # with due dates (issue 20)
        body["facets"] = _facets_json(result)
        return Answer(json_body(body), "application/json", tuple(ids), loads, until)

    # Which datasets are overdue changes with the clock: such a search is built each time.
    key = ("search", str(request.url))  # its links to other pages name the request's host
    usage = usage_state(site.settings)
    found = await answered(site, actor, key, build, usage, not overdue, SEARCHES)
    return found.response()  # a kept one on the event loop, without a thread (answers_kept)


class Suggestion(BaseModel):
    name: str
    title: Label
    url: str = Field(description="The dataset's page.")


class Suggestions(BaseModel):
    q: str
    suggestions: list[Suggestion]


@router.get(
    "/search/suggest",
    summary="Suggestions while typing: the best few matches for a half-typed text",
    response_model=Suggestions,
    description="Ranked as `/api/search` ranks (the last word is read as the start of a "
    "word, one typo is forgiven in words of five letters or more, å, ä and ö may be typed "
    "as a and o), without facets or counts: what the search boxes of the pages offer.",
)
def suggest(
    request: Request,
    q: str = Query("", description="What has been typed so far.", max_length=200),
    lang: Lang = Query("sv", description="Language of the titles' order of ties."),
    limit: int = Query(8, ge=1, le=20, description="At most this many suggestions."),
    actor: Actor = Depends(current_actor),
) -> Suggestions:
    with read(request_site(request).engine) as conn:
        found = suggest_datasets(conn, actor, q, lang, limit)
    return Suggestions(
        q=q,
        suggestions=[
            Suggestion(
                name=d.name,
                title=Label(sv=d.data.title.sv, en=d.data.title.en or d.data.title.sv),
                url=f"/dataset/{d.name}",
            )
            for d in found
        ],
    )
