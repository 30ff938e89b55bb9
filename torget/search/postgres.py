"""Full-text search on PostgreSQL: a generated tsvector column with a GIN index.

`search_documents.document` is computed by PostgreSQL itself from the stored terms
(migration 0024): `to_tsvector('simple', …)` of each field, which only splits the terms
`torget.search.text` made (stems, folded), so that both backends index exactly the same terms;
the title weighted A, keywords and themes B, the description C, the rest D. A query becomes
one `to_tsquery('simple', '(form1 | form2:*) & …')`: every word must match, in any of its
forms. The forms contain only letters and digits and reach PostgreSQL as one bound
parameter: no user syntax is parsed.
Relevance is `ts_rank` with its length normalisation 1 (rank / (1 + log(length))), near
BM25's preference for short documents.
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


def query_text(query: list[QueryWord], weights: str = "") -> str:
    """The text `to_tsquery('simple', …)` is given: every word, in any of its forms (in the
    fields of `weights` only, when given: "A" is the title)."""
    groups = []
    for word in query:
        forms = [f.lexeme + (":*" if f.prefix else ":" if weights else "") + weights
                 for f in word.forms()]  # fmt: skip
        groups.append("(" + " | ".join(forms) + ")")
    return " & ".join(groups)


def ts_query(query: list[QueryWord], weights: str = "") -> sa.ColumnElement[Any]:
    return sa.func.to_tsquery(sa.cast("simple", REGCONFIG), query_text(query, weights))


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

    def in_title(self, query: list[QueryWord]) -> sa.ColumnElement[bool]:
        return _DOCUMENT.op("@@")(ts_query(query, "A"))

    def scores(self, query: list[QueryWord]) -> sa.Select[int, float]:
        tsq = ts_query(query)
        # As a double, the float's exact value, as `matches`' score is added in SQL; a real
        # would reach Python as its shortest decimal, a slightly different number.
        score = sa.cast(sa.func.ts_rank(_DOCUMENT, tsq, 1), sa.Float(53))
        return sa.select(search_documents.c.id, score).where(_DOCUMENT.op("@@")(tsq))

    def matches(self, query: list[QueryWord], scored: bool) -> Match:
        tsq = ts_query(query)
        score = sa.func.ts_rank(_DOCUMENT, tsq, 1) if scored else sa.literal(0.0)
        return Match(search_documents, _DOCUMENT.op("@@")(tsq), score)
