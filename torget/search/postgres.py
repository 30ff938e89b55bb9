"""Full-text search on PostgreSQL: a generated tsvector column with a GIN index.

`search_documents.document` is computed by PostgreSQL itself from the stored words (migration
0002): Swedish text through `to_tsvector('swedish', …)`, English through 'english', titles
weighted A and the rest B. A query word becomes
`to_tsquery('swedish', …) || to_tsquery('english', …)` with the input `torget.search.text`
chooses (the word, or its stem and the prefix marker `:*`), and every word must match.
Words reach `to_tsquery` one at a time, as bound parameters, and contain only letters and
digits: no user syntax is parsed.
Relevance is `ts_rank`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCONFIG

from torget.db.schema import search_documents
from torget.search.backend import IndexedText, Match
from torget.search.text import QueryWord

__all__ = ["PostgresFullText"]

_DOCUMENT: sa.ColumnElement[Any] = sa.literal_column("search_documents.document")


def _word_query(word: QueryWord) -> sa.ColumnElement[Any]:
    sv = sa.func.to_tsquery(sa.cast("swedish", REGCONFIG), word.sv.postgres)
    en = sa.func.to_tsquery(sa.cast("english", REGCONFIG), word.en.postgres)
    return sv.op("||")(en)


def ts_query(query: list[QueryWord]) -> sa.ColumnElement[Any]:
    combined = _word_query(query[0])
    for word in query[1:]:
        combined = combined.op("&&")(_word_query(word))
    return combined


class PostgresFullText:
    @contextmanager
    def planned(self, conn: sa.Connection) -> Iterator[None]:
        """Index scans only, within a savepoint that is rolled back afterwards.

        PostgreSQL costs `@@` as cheap, so for a word matching a few percent of a large
        catalogue it picks a sequential scan testing every tsvector (55 ms at 100,000
        datasets) over the GIN index (5 ms); see bench/search.py. The setting is a penalty,
        not a ban, and the savepoint confines it to the search's own statements."""
        savepoint = conn.begin_nested()
        try:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            yield
        finally:
            savepoint.rollback()

    def write(self, conn: sa.Connection, texts: list[IndexedText]) -> None:
        """Nothing to do: PostgreSQL computes the tsvector column from the row."""

    def clear(self, conn: sa.Connection) -> None:
        """Nothing to do: the tsvector goes with its row."""

    def matches(self, query: list[QueryWord], scored: bool) -> Match:
        tsq = ts_query(query)
        score = sa.func.ts_rank(_DOCUMENT, tsq) if scored else sa.literal(0.0)
        return Match(search_documents, _DOCUMENT.op("@@")(tsq), score)
