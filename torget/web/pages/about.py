"""The guide for developers (`/about`): every API, each with a runnable example.

The examples (`about_examples.py`) are requests against this Torget, built from its base URL
and from public records looked up for each showing of the page, so that a developer can copy
any of them and get an answer; `tests/web/test_about.py` runs every example the page shows.
"""

from __future__ import annotations

from fastapi import Request, Response

from torget.accounts.permissions import ANONYMOUS
from torget.datastore import access
from torget.datastore.query import RowQuery
from torget.db.engine import read
from torget.errors import TorgetError
from torget.web.feeds import datasets_feed
from torget.web.i18n import N_, pick_language
from torget.web.pages.about_examples import Example, examples, find_sample
from torget.web.pages.home import CATALOGUE_ALTERNATES
from torget.web.pages.routing import page_router
from torget.web.rendering import Alternate, render
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()

# The guide's sections in order; their titles and texts are in the template.
SECTIONS = ("catalogue", "search", "datastore", "aggregates", "sql", "downloads", "ckan", "dcat",
            "suggestions", "webhooks", "publish")  # fmt: skip


def page_examples(request: Request) -> list[Example]:
    """The examples for this catalogue as it is now (none in an empty one)."""
    site = request_site(request)
    root = site.settings.datastore_path
    with read(site.engine) as conn:

        def value(distribution_id: str, column: str) -> str | None:
            try:
                table = access.open_table(conn, ANONYMOUS, root, distribution_id)
                page = access.fetch_page(table, RowQuery(fields=[column], limit=1), 1)
            except TorgetError:  # unreadable now: the next table is tried
                return None
            found = page.rows[0].get(column) if page.rows else None
            return None if found is None or str(found) == "" else str(found)

        sample = find_sample(conn, value)
    return examples(sample) if sample is not None else []


@router.get("/about")
def about_page(request: Request) -> Response:
    found = page_examples(request)
    sections = [(key, [e for e in found if e.section == key]) for key in SECTIONS]
    return render(
        request,
        "about.html",
        title=N_("Open data and the API"),
        alternates=[
            *CATALOGUE_ALTERNATES,
            datasets_feed(pick_language(request)),
            Alternate("application/json", "/api/openapi.json", "OpenAPI"),
        ],
        sections=sections,
    )
