"""The pages' use of `torget.search`: one search call with the page's parameters, most used.

`torget.search` owns full-text search, facets and popularity (one interface; SQLite FTS5 and
PostgreSQL backends). The pages go through these functions only, so that what they ask of the
search library is in one place.
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset
from torget.clock import now
from torget.search import FACETS, SORTS, SearchQuery, SearchResult, search_datasets
from torget.search.popularity import popularities

__all__ = ["FACETS", "SORTS", "search", "most_used"]


def search(
    conn: sa.Connection,
    actor: Actor,
    *,
    text: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 20,
    lang: str = "sv",
    overdue: bool = False,
) -> SearchResult:
    query = SearchQuery(
        text=text,
        filters=filters or {},
        sort=sort if sort in SORTS else "relevance",
        page=page,
        page_size=page_size,
        lang="en" if lang == "en" else "sv",
        due_before=now() if overdue else None,  # issue 20: only datasets past their due date
    )
    return search_datasets(conn, actor, query)


def most_used(conn: sa.Connection, found: SearchResult) -> list[Dataset]:
    """The datasets of a popularity-sorted result that anyone has used at all."""
    used = popularities(conn, [d.id for d in found.items])
    return [d for d in found.items if used[d.id] > 0]
