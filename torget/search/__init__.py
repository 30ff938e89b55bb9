"""Search over the catalogue's datasets: one function, two backends chosen by the database.

`search_datasets(conn, actor, SearchQuery(...))` answers free text, facet filters with exact
counts, four sort orders and paging, with the visibility rules of the catalogue stores;
`suggest_datasets` the best few matches of a half-typed text. On SQLite it uses FTS5
(`sqlite.py`), on PostgreSQL a tsvector (`postgres.py`), both over the same terms that
`text.py` makes (Swedish and English stems, without diacritics), ranked by the same tiers
(`query.py`); the same query gives the same results on both.
The index follows the catalogue through the domain events (`subscribers.py`, registered when
this package is imported) and is rebuilt by `reindex` (`torget search reindex`).
"""

from __future__ import annotations

from torget.search import subscribers as _subscribers  # noqa: F401  (registers the handlers)
from torget.search.documents import reindex
from torget.search.facets import FACETS
from torget.search.popularity import popularity_of, record_download, record_view
from torget.search.query import search_datasets, suggest_datasets
from torget.search.request import SORTS, FacetValue, SearchQuery, SearchResult

__all__ = [
    "SearchQuery",
    "SearchResult",
    "FacetValue",
    "FACETS",
    "SORTS",
    "search_datasets",
    "suggest_datasets",
    "reindex",
    "record_view",
    "record_download",
    "popularity_of",
]
