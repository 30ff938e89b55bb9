"""The start page: a search box, themes with counts, new and most used datasets, publishers."""

from __future__ import annotations

from fastapi import Request, Response

from torget.catalog.datasets import list_datasets
from torget.catalog.organisations import all_organisations
from torget.catalog.vocabularies import vocabulary
from torget.db.engine import read
from torget.web.catalogue_search import most_used, search
from torget.web.feeds import datasets_feed
from torget.web.i18n import N_, pick_language
from torget.web.pages.routing import page_router
from torget.web.rendering import Alternate, render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor

__all__ = ["router", "CATALOGUE_ALTERNATES"]

router = page_router()

CATALOGUE_ALTERNATES = (
    Alternate("application/rdf+xml", "/datasets/dcat", "DCAT-AP-SE (RDF/XML)"),
    Alternate("text/turtle", "/catalog.ttl", "DCAT-AP-SE (Turtle)"),
    Alternate("application/ld+json", "/catalog.jsonld", "DCAT-AP-SE (JSON-LD)"),
    Alternate("application/json", "/api/datasets", "JSON API"),
)


@router.get("/")
def home(request: Request) -> Response:
    actor = page_actor(request)
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        _, newest = list_datasets(conn, actor, limit=6, state="published")
        orgs = all_organisations(conn)
        found = search(conn, actor, sort="popularity", page_size=6, lang=lang)
        popular = most_used(conn, found)
    theme_counts = {f.value: f.count for f in found.facets.get("theme", [])}
    org_counts = {f.value: f.count for f in found.facets.get("organisation", [])}
    themes = [
        (c.code, c.label(lang), theme_counts.get(c.code))
        for c in sorted(vocabulary("theme").concepts, key=lambda c: c.label(lang))
    ]
    return render(
        request,
        "home.html",
        title=N_("Open data"),
        alternates=(*CATALOGUE_ALTERNATES, datasets_feed(lang)),
        themes=themes,
        newest=newest,
        most_used=popular,
        organisations={o.id: o for o in orgs.values()},
        publishers=[o for o in orgs.values() if o.data.parent is None],
        units={o.id: [c for c in orgs.values() if c.data.parent == o.name] for o in orgs.values()},
        org_counts=org_counts,
    )
