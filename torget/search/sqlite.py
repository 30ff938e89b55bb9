"""Full-text search on SQLite: an FTS5 table of words stemmed by Torget.

FTS5 has no Swedish stemmer, so `torget.search.text` stems the words the way PostgreSQL's
'swedish' and 'english' configurations do, and FTS5 (tokenizer `unicode61`, diacritics kept)
only splits them on spaces. A query word becomes `("stem_sv"* OR "stem_en")`: every form is a
quoted string, so FTS5's own syntax (AND, NEAR, `*`, `-`, `:`, parentheses) never reaches it
from a user. Relevance is FTS5's bm25 with titles weighted 4:1 (set in migration 0002).

The FTS5 row of a document has the document's id as its rowid; a trigger deletes it with the
document.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import sqlalchemy as sa

from torget.db.schema import search_documents
from torget.search.backend import IndexedText, Match
from torget.search.text import QueryWord, lexemes

__all__ = ["SqliteFullText", "match_expression"]

_INSERT = sa.text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :title, :body)")


def _stems(sv: list[str], en: list[str]) -> str:
    return " ".join(lexemes("sv", sv) + lexemes("en", en))


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
                "title": _stems(t.title_sv, t.title_en),
                "body": _stems(t.body_sv, t.body_en),
            }
            for t in texts
        ]
        if rows:
            conn.execute(_INSERT, rows)

    def clear(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql("DELETE FROM search_fts")

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
