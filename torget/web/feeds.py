"""New and updated datasets as Atom 1.0 feeds: the whole catalogue, or any search's.

`/feeds/datasets.atom` lists the 50 most recently changed public datasets, newest first (the
search's "modified" order: a dataset's `modified`, else its last change); `organisation=`,
`theme=` (each repeatable, as on the search page) and `q=` narrow it exactly as a search does,
through the same `torget.search.search_datasets`, so a feed is a search a reader can follow.
It is public and never personal: it reads as an anonymous visitor whatever credentials come
with the request, so drafts never appear and the answer can be cached and shared (CORS, see
`torget.web.cors`). `lang=en` gives English titles and summaries where a dataset has them.
The home, search and organisation pages link the matching feed with `<link rel="alternate">`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response

from torget.accounts.permissions import ANONYMOUS
from torget.atom import ATOM_MEDIA_TYPE, Category, Entry, FeedInfo, Link, atom_document
from torget.catalog.datasets import Dataset
from torget.db.engine import read
from torget.search import SearchQuery, search_datasets
from torget.search.request import Lang
from torget.web.rendering import Alternate
from torget.web.request_site import SiteDep

__all__ = ["FEED_PATH", "FEED_SIZE", "datasets_feed", "feed_url", "router"]

router = APIRouter(tags=["feeds"])

FEED_PATH = "/feeds/datasets.atom"
FEED_SIZE = 50
_TITLES = {"sv": "Torget: nya och ändrade datamängder", "en": "Torget: new and updated datasets"}


def _params(organisation: list[str], theme: list[str], q: str) -> list[tuple[str, str]]:
    params = [("organisation", o) for o in sorted(organisation)]
    params += [("theme", t) for t in sorted(theme)]
    return params + ([("q", q.strip())] if q.strip() else [])


def feed_url(
    organisation: list[str] | None = None,
    theme: list[str] | None = None,
    q: str = "",
    lang: str = "sv",
) -> str:
    """The feed's address (relative) for these filters, the parameters in a fixed order."""
    params = _params(organisation or [], theme or [], q)
    params += [("lang", lang)] if lang == "en" else []
    return FEED_PATH + (f"?{urlencode(params)}" if params else "")


def datasets_feed(
    lang: str,
    organisation: list[str] | None = None,
    theme: list[str] | None = None,
    q: str = "",
) -> Alternate:
    """The page's `<link rel="alternate">` to the feed of what it lists."""
    return Alternate(ATOM_MEDIA_TYPE, feed_url(organisation, theme, q, lang), "Atom")


def _entry(dataset: Dataset, base: str, lang: Lang) -> Entry:
    data = dataset.data
    title = (data.title.en if lang == "en" else None) or data.title.sv
    summary = (data.description.en if lang == "en" else None) or data.description.sv
    page = f"{base}/dataset/{dataset.name}"
    return Entry(
        id=f"urn:uuid:{dataset.id}",
        title=title,
        updated=dataset.updated_at,
        published=dataset.created_at,
        summary=summary,
        links=(Link(page), Link(page + ".json", "application/json"),
               Link(page + ".rdf", "application/rdf+xml")),
        author=data.organisation,
        categories=tuple(Category(t, t.rsplit("/", 1)[-1]) for t in data.themes),
    )  # fmt: skip


@router.get(
    FEED_PATH,
    summary="New and updated datasets as an Atom feed (the search's filters)",
    response_class=Response,
    responses={200: {"content": {ATOM_MEDIA_TYPE: {}}}},
)
def new_and_updated_datasets(
    site: SiteDep,
    organisation: list[str] = Query([], description="Organisation short name; repeatable."),
    theme: list[str] = Query([], description="EU data theme code, e.g. ENVI; repeatable."),
    q: str = Query("", max_length=1000, description="Words to look for, as in /api/search."),
    lang: Lang = Query("sv", description="Language of titles and summaries."),
) -> Response:
    filters = {name: values for name, values in (("organisation", organisation),
               ("theme", theme)) if values}  # fmt: skip
    query = SearchQuery(text=q, filters=filters, sort="modified", page_size=FEED_SIZE, lang=lang)
    with read(site.engine) as conn:
        found = search_datasets(conn, ANONYMOUS, query)
    base = site.settings.public_base
    named = ", ".join([*organisation, *theme, *([f"“{q.strip()}”"] if q.strip() else [])])
    search = urlencode([*_params(organisation, theme, q), ("sort", "modified")])
    info = FeedInfo(
        title=_TITLES[lang] + (f" ({named})" if named else ""),
        self_url=base + feed_url(organisation, theme, q, lang),
        page_url=f"{base}/search?{search}",
    )
    entries = [_entry(d, base, lang) for d in found.items]
    return Response(
        atom_document(info, entries, base), media_type=ATOM_MEDIA_TYPE + "; charset=utf-8"
    )
