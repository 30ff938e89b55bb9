"""Full-text search on SQLite: an FTS5 table of the terms Torget makes.

FTS5 has no Swedish stemmer, so `torget.search.text` makes the terms (stems, folded) for both
backends and FTS5 (tokenizer `unicode61`) only splits them on spaces. A query word becomes
`("form1" OR "form2"*)`: every form is a quoted string, so FTS5's own syntax (AND, NEAR, `*`,
`-`, `:`, parentheses) never reaches it from a user. Relevance is FTS5's bm25 with the
fields weighted title 10, keywords and themes 5, description 2, the rest 1 (migration 0024),
the weights of PostgreSQL's A-D labels (`ts_rank`'s 1.0, 0.4, 0.2, 0.1) rounded to BM25's
scale.

The FTS5 row of a document has the document's id as its rowid; a trigger deletes it with the
document.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import sqlalchemy as sa

from torget.db.schema import search_documents
from torget.search.backend import IndexedText, Match
from torget.search.text import QueryWord

__all__ = ["SqliteFullText", "match_expression"]

_INSERT = sa.text(
    "INSERT INTO search_fts (rowid, title, keywords, body, extra) "
    "VALUES (:id, :title, :keywords, :body, :extra)"
)


def match_expression(query: list[QueryWord]) -> str:
    """An FTS5 query: every word must match, in any of its forms."""
    groups = []
    for word in query:
        forms = [f'"{f.lexeme}"' + ("*" if f.prefix else "") for f in word.forms()]
        groups.append("(" + " OR ".join(forms) + ")")
    return " AND ".join(groups)


class SqliteFullText:
    def planned(self, conn: sa.Connection) -> AbstractContextManager[None]:
        return nullcontext()  # FTS5 always drives the query from the text index

    def write(self, conn: sa.Connection, texts: list[IndexedText]) -> None:
        rows = [
            {
                "id": t.doc_id,
                "title": f"{t.title_sv} {t.title_en}",
                "keywords": t.keywords,
                "body": t.body,
                "extra": t.extra,
            }
            for t in texts
        ]
        if rows:
            conn.execute(_INSERT, rows)

    def clear(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql("DELETE FROM search_fts")

    def in_title(self, query: list[QueryWord]) -> sa.ColumnElement[bool]:
        found = sa.text("SELECT rowid FROM search_fts WHERE search_fts MATCH :title")
        found = found.bindparams(title=f"title : ({match_expression(query)})")
        return search_documents.c.id.in_(found.columns(rowid=sa.Integer))

    def scores(self, query: list[QueryWord]) -> sa.Select[int, float]:
        found = (
            sa.text(
                "SELECT rowid AS doc_id, -rank AS score FROM search_fts WHERE search_fts MATCH :fts"
            )
            .bindparams(fts=match_expression(query))
            .columns(doc_id=sa.Integer, score=sa.Float)
            .subquery("scores")
        )
        return sa.select(found.c.doc_id, found.c.score)

    def matches(self, query: list[QueryWord], scored: bool) -> Match:
        score = "-rank" if scored else "0.0"
        found = (
            sa.text(
                f"SELECT rowid AS doc_id, {score} AS score "
                "FROM search_fts WHERE search_fts MATCH :fts"
            )
            .bindparams(fts=match_expression(query))
            .columns(doc_id=sa.Integer, score=sa.Float)
            .subquery("matches")
        )
        docs = search_documents
        return Match(docs.join(found, found.c.doc_id == docs.c.id), sa.true(), found.c.score)
