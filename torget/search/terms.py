"""The vocabulary of indexed terms, and one typo forgiven in a long query word.

`search_terms` holds every term any document was indexed with (both backends, one row per
term). A query word of five letters or more that matches no term at all (neither its stems nor
the prefixes it stands for) is looked for among the terms one edit away (a letter left out,
added, changed, or two letters swapped: Damerau-Levenshtein distance 1), and matches those. The
candidates are made here and looked up by the primary key, because SQLite's spellfix is not
part of Python's SQLite and the look-up must be the same on both databases: a ten-letter word
has about 800 candidates, one indexed `IN` look-up. A term whose last document went stays
until the next reindex; it matches nothing, so it costs only a look-up.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.db.schema import search_terms
from torget.search.text import Form, QueryWord, fold

__all__ = ["add_terms", "clear_terms", "corrected", "TYPO_MIN", "one_edit"]

TYPO_MIN = 5
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
_terms = search_terms


def add_terms(conn: sa.Connection, found: Iterable[str]) -> None:
    rows = [{"term": t} for t in sorted(set(found)) if t and len(t) <= 100]
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(_terms).on_conflict_do_nothing(), rows)


def clear_terms(conn: sa.Connection) -> None:
    conn.execute(sa.delete(_terms))


def one_edit(word: str) -> set[str]:
    """Every string one edit away from `word` over a-z and 0-9 (the folded alphabet)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    return out


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _known(conn: sa.Connection, word: QueryWord) -> bool:
    tests = []
    for form in word.forms():
        if form.prefix:
            tests.append(sa.and_(_terms.c.term >= form.lexeme, _terms.c.term < _after(form.lexeme)))
        else:
            tests.append(_terms.c.term == form.lexeme)
    found = conn.execute(sa.select(_terms.c.term).where(sa.or_(*tests)).limit(1)).first()
    return found is not None


def corrected(conn: sa.Connection, query: list[QueryWord]) -> list[QueryWord]:
    """The query, each long word found nowhere also matching the terms one typo away."""
    out = []
    for word in query:
        if len(word.word) < TYPO_MIN or not word.word.isalpha() or _known(conn, word):
            out.append(word)
            continue
        typed = {fold(word.word), *word.roots, word.sv.lexeme, word.en.lexeme}
        candidates = set().union(*(one_edit(s) for s in typed))
        near = conn.execute(
            sa.select(_terms.c.term).where(_terms.c.term.in_(sorted(candidates)))
        ).scalars()
        out.append(word.also(*(Form(t, False) for t in sorted(near))))
    return out
