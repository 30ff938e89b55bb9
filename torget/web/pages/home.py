"""The start page: a search box, themes with counts, new and most used datasets, publishers.

It is the most visited page, and an anonymous reader's copy is the same for everyone who
reads it in that language: it is kept as rendered (`_PAGES`) and answered on the event loop,
without a thread of the pool (issue 21). Rendering it takes 3-4 ms of a core while holding
the GIL; at 64 connections the renders in the pool's threads starved the event loop that
reads the requests and writes the answers, and the page served fewer readers a second at 64
connections than at one. A kept page is answered with two stamp reads (a few bytes each) and
a dictionary look-up; only building it, and the page of a signed-in reader, goes to a thread
(a few at a time: `web/page_threads.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request, Response
from markupsafe import escape

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset, list_datasets
from torget.catalog.organisations import Organisation, all_organisations
from torget.catalog.vocabularies import vocabulary
from torget.db.engine import read
from torget.dcat.feed_cache import catalogue_state
from torget.memo import Memo
from torget.search.request import SearchResult
from torget.usage.store import usage_state
from torget.web.catalogue_search import most_used, search
from torget.web.feeds import datasets_feed
from torget.web.i18n import N_, pick_language
from torget.web.page_threads import in_page_thread
from torget.web.pages.dataset_kept import TOKEN_SLOT
from torget.web.pages.routing import page_router
from torget.web.rendering import Alternate, form_token, html_response, page_html
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


@dataclass(frozen=True)
class _Front:
    """What the start page shows of the catalogue."""

    newest: list[Dataset]
    organisations: dict[str, Organisation]
    found: SearchResult
    popular: list[Dataset]


# The start page is the most visited page and the same for every anonymous reader: its
# catalogue part is kept per site and language until the catalogue changes (the token the
# feed's cache keys on) or the use counts do (their own token, renewed by each flush, since
# "most used" moves with use rather than with the catalogue); every process sees both.
_KEPT: Memo[_Front] = Memo(16)


def _front(request: Request, actor: Actor, lang: str) -> _Front:
    site = request_site(request)
    if actor.user is not None:  # an editor may see more than the public
        return _read_front(site.engine, actor, lang)
    # The tokens are read before the data: a change committed meanwhile gets the next one.
    states = catalogue_state(site.settings), usage_state(site.settings)
    return _KEPT.get((site.settings, lang, *states), lambda: _read_front(site.engine, actor, lang))


def _read_front(engine: sa.Engine, actor: Actor, lang: str) -> _Front:
    with read(engine) as conn:
        _, newest = list_datasets(conn, actor, limit=6, state="published")
        orgs = all_organisations(conn)
        found = search(conn, actor, sort="popularity", page_size=6, lang=lang)
        return _Front(newest, orgs, found, most_used(conn, found))


# The whole page as rendered for an anonymous reader, per site, language and the same two
# tokens: what it shows of the reader is only their language (in the key) and the form token
# (none on this page for an anonymous reader; a slot if a form is ever added).
_PAGES: Memo[str] = Memo(16)


def _kept_key(request: Request) -> tuple[object, ...] | None:
    """The key of the page every anonymous reader of this address gets, or None when this
    request gets its own: a session with a signed-in user (told apart by the session cookie
    alone, no query), a message waiting to be shown, or a query (`?lang=` sets a cookie)."""
    session = request.session
    if "user_id" in session or "flash" in session or request.query_params:
        return None
    settings = request_site(request).settings
    # The tokens are read before the data: a change committed meanwhile gets the next one.
    states = catalogue_state(settings), usage_state(settings)
    return (settings, pick_language(request), *states)


@router.get("/")
async def home(request: Request) -> Response:
    key = _kept_key(request)
    if key is None:
        return await in_page_thread(lambda: _built(request))
    body = _PAGES.peek(key)
    if body is None:
        body = await in_page_thread(lambda: _PAGES.get(key, lambda: _kept_html(request)))
    if TOKEN_SLOT in body:
        body = body.replace(TOKEN_SLOT, escape(form_token(request)))
    return html_response(request, body)


def _built(request: Request) -> Response:
    return html_response(request, _page_html(request, None))


def _kept_html(request: Request) -> str:
    return _page_html(request, TOKEN_SLOT)


def _page_html(request: Request, csrf: object) -> str:
    actor = page_actor(request)
    lang = pick_language(request)
    front = _front(request, actor, lang)
    orgs, found = front.organisations, front.found
    theme_counts = {f.value: f.count for f in found.facets.get("theme", [])}
    org_counts = {f.value: f.count for f in found.facets.get("organisation", [])}
    themes = [
        (c.code, c.label(lang), theme_counts.get(c.code))
        for c in sorted(vocabulary("theme").concepts, key=lambda c: c.label(lang))
    ]
    return page_html(
        request,
        "home.html",
        title=N_("Open data"),
        alternates=(*CATALOGUE_ALTERNATES, datasets_feed(lang)),
        csrf=csrf,
        themes=themes,
        newest=front.newest,
        most_used=front.popular,
        organisations={o.id: o for o in orgs.values()},
        publishers=[o for o in orgs.values() if o.data.parent is None],
        units={o.id: [c for c in orgs.values() if c.data.parent == o.name] for o in orgs.values()},
        org_counts=org_counts,
    )
