"""The one interface the two full-text backends share, and the choice between them.

Everything else about search (visibility, facets, sorting, paging) is plain SQL over the
`search_documents` and `dataset_facets` tables and is the same on both databases; only
matching words and scoring relevance differ, so only that sits behind this interface.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from torget.search.text import QueryWord

__all__ = ["IndexedText", "Match", "FullText", "full_text_for"]


@dataclass(frozen=True)
class Match:
    """The documents matching a query: `source` (search_documents, joined to what the backend
    needs) where `condition` holds, with `score` (higher is more relevant)."""

    source: sa.FromClause
    condition: sa.ColumnElement[bool]
    score: sa.ColumnElement[float]


@dataclass(frozen=True)
class IndexedText:
    """A document's terms per weighted field, as stored in `search_documents`."""

    doc_id: int
    title_sv: str
    title_en: str
    keywords: str
    body: str
    extra: str


class FullText(Protocol):
    def write(self, conn: sa.Connection, texts: list[IndexedText]) -> None:
        """Index new documents (their `search_documents` rows exist already)."""

    def clear(self, conn: sa.Connection) -> None:
        """Forget every document (before a rebuild)."""

    def matches(self, query: list[QueryWord], scored: bool) -> Match:
        """Documents matching every query word (score 0 when not `scored`)."""

    def scores(self, query: list[QueryWord]) -> sa.Select[int, float]:
        """(document id, score) of the documents matching every query word, read from the
        text index alone: what ranking every match of a broad word needs, without a look at
        each one's `search_documents` row."""

    def in_title(self, query: list[QueryWord]) -> sa.ColumnElement[bool]:
        """Whether a `search_documents` row's title holds every query word in some form: the
        documents `query._tier` may rank above 0 (the others need no look at their title)."""

    def planned(self, conn: sa.Connection) -> AbstractContextManager[None]:
        """Around the statements of one text search: whatever the database needs to plan
        them well, undone afterwards."""


def full_text_for(conn: sa.Connection) -> FullText:
    if conn.dialect.name == "postgresql":
        from torget.search.postgres import PostgresFullText

        return PostgresFullText()
    from torget.search.sqlite import SqliteFullText

    return SqliteFullText()
