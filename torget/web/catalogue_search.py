"""The pages' way to `torget.search`: imported on first use, so pages work without it.

`torget.search` owns full-text search, facets and view counts (one interface, SQLite FTS5 and
PostgreSQL backends). The pages call only `search_datasets`, `SearchQuery` and `record_view`
through the functions below; when the package is absent the home page leaves out its counts
and the search page says that search is unavailable.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor

__all__ = ["FACETS", "SORTS", "search_module", "search", "record_view"]

# The facets the search library offers, in the order the search page shows them.
FACETS = ("theme", "organisation", "format", "license", "keyword", "hvd", "conforms_to")
SORTS = ("relevance", "title", "modified", "popularity")


def search_module() -> ModuleType | None:
    try:
        return importlib.import_module("torget.search")
    except ModuleNotFoundError as exc:
        if exc.name not in ("torget.search",):
            raise
        return None


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
) -> Any | None:
    """A `SearchResult` (total, items, facets), or None when search is not installed."""
    module = search_module()
    if module is None:
        return None
    query = module.SearchQuery(
        text=text,
        filters=filters or {},
        sort=sort,
        page=page,
        page_size=page_size,
        lang=lang,
    )
    return module.search_datasets(conn, actor, query)


def record_view(conn: sa.Connection, dataset_id: str) -> None:
    """Count a reader's view of a dataset (for "most used"), when search is installed."""
    module = search_module()
    if module is not None:
        module.record_view(conn, dataset_id)
