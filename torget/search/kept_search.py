"""A search answered from what the process keeps (`bitmaps.py`): counts, and most pages.

Counts are ANDs and popcounts over the readable documents that match the text. The text's
matches come from the kept ranking of the query when there is one (`Bitmaps.ranked`), else
as a bitmap without scores (`Bitmaps.matched`, from the kept postings). Every match of a text
is ranked from the kept postings (`scores.rank`: the backend's formula, a few ms for a broad
word's tens of thousands) and the ranking kept, whatever the filters; where the postings do
not keep the formula (on PostgreSQL, a query asking for one term both as itself and as a
prefix, or matching a document beyond the tsvector's limits: `scores.py`), scoring every
match in the database is what a search pays the most for, so it is done, and kept, only when
the page needs it, ordering by relevance the matches of the text alone or of filters that
leave many of them (`RANK_ALL`); fewer are scored alone, only those passing every filter, and
not kept. Sorts other than relevance walk a kept order (`Bitmaps.page`); popularity is ranked
in SQL.
"""

from __future__ import annotations

import functools
import json
import operator
from typing import TYPE_CHECKING

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from torget.db.schema import dataset_popularity, search_documents
from torget.search.backend import full_text_for
from torget.search.bitmaps import Bitmaps, Ranked, members
from torget.search.facets import FACETS, stored_facet
from torget.search.scores import keeps_formula, matching, rank, title_bonus

if TYPE_CHECKING:
    from torget.search.query import _Search

__all__ = ["with_bitmaps", "page_of", "RANK_ALL"]

_docs = search_documents
# Filters passing more of a text's matches than this rank (and keep) every match instead.
RANK_ALL = 2000


def _ranked(search: _Search, kept: Bitmaps, among: list[int] | None = None) -> Ranked:
    """Every document matching the text (whoever may read it), or those `among` these ids,
    best first, with its score: what `Bitmaps.ranked` keeps per query."""
    if among is None:
        return _ranked_all(search, kept)
    found = full_text_for(search.conn).matches(search.words, True)
    score = search.score(found)
    stmt = sa.select(_docs.c.id, score).select_from(found.source).where(found.condition)
    return Ranked.of(kept, search.conn.execute(stmt.where(_docs.c.id.in_(among))).all())


def _among(
    conn: sa.Connection, column: sa.ColumnElement[int], ids: list[int]
) -> sa.ColumnElement[bool]:
    """`column IN ids` with the list as one parameter (a PostgreSQL array, a JSON array on
    SQLite): `in_` of a list of thousands built and compiled a parameter each (130 ms for a
    broad word's tied matches), and SQLite takes at most 32,766 parameters."""
    if conn.dialect.name == "postgresql":
        # As the array's text, which the server parses: psycopg dumped a list element by
        # element (a regular expression each: 26 ms of CPU for 7,800 titles holding "2020").
        listed_pg = sa.bindparam("among", "{" + ",".join(map(str, ids)) + "}", type_=sa.Text)
        return column == sa.any_(sa.cast(listed_pg, ARRAY(sa.Integer)))
    listed = sa.select(sa.column("value", sa.Integer)).select_from(
        sa.func.json_each(sa.bindparam("among", json.dumps(ids)))
    )
    return column.in_(listed)


def _ranked_all(search: _Search, kept: Bitmaps) -> Ranked:
    """`_ranked` of every match, in two parts: the backend's scores of all of them, and the
    title's part (`_Search.title_bonus`) of the few whose title holds every word, added as
    `_Search.score` adds them. The scores come from the kept postings (`scores.rank`) when
    they keep the backend's formula for the query, else from the text index; a broad word's
    tens of thousands of matches are never joined to their documents."""
    text = full_text_for(search.conn)
    postings = kept.text.postings(search.conn, kept)
    found = rank(search.conn.dialect.name, postings, search.words)
    if found is None:
        titled = sa.select(_docs.c.id, search.title_bonus()).where(text.in_title(search.words))
        bonus = dict(search.conn.execute(titled).all())
        scores = search.conn.execute(text.scores(search.words)).all()
        return Ranked.of(kept, [(d, bonus[d] + s if d in bonus else s) for d, s in scores])
    positions, score = found
    # The titles holding every word, told by the postings (on PostgreSQL the text index
    # finds them only by reading every match's tsvector: 95 ms for "data" at 100,000), and
    # their bonus from the kept titles. Both are among the ranked positions (ascending).
    in_title = np.flatnonzero(matching(postings, search.words, title=True)).astype(np.int64)
    if len(in_title) and len(positions):
        extra = title_bonus(postings, in_title, search.words)
        by_position = np.argsort(positions, kind="stable")
        j = np.searchsorted(positions, in_title, sorter=by_position)
        i = by_position[np.minimum(j, len(positions) - 1)]
        hit = positions[i] == in_title
        score[i[hit]] = extra[hit] + score[i[hit]]
    return Ranked.at(kept, positions, postings.ids[positions], score)


def _ranks_all(search: _Search) -> bool:
    """Whether the kept postings rank the text (`scores.rank`): then every match is ranked
    and kept at once, however few pass the filters, as cheaply as ranking a few in SQL."""
    return keeps_formula(search.conn.dialect.name, search.words)


def _matched(search: _Search, kept: Bitmaps) -> int:
    """The documents matching the text (whoever may read it), unscored: from the kept
    postings."""
    found = matching(kept.text.postings(search.conn, kept), search.words)
    return int.from_bytes(np.packbits(found, bitorder="little").tobytes(), "little")


def _best_page(search: _Search, kept: Bitmaps, ranked: Ranked, passing: int) -> list[str]:
    """The page by relevance from the kept ranking: the passing documents scoring at least
    the page's last (ties included), put in `_Search._page`'s order by their use, recency and
    name. A run of equal scores can hold thousands (page 200 of a broad word, whose matches
    are often alike): ordered at once by arrays, where asking SQL for the page took 150-400 ms
    of CPU (bench/search.py)."""
    q = search.query
    start, end = (q.page - 1) * q.page_size, q.page * q.page_size
    best = ranked.best(kept, passing, end)
    if min(end, len(best.scores)) <= start:
        return []
    # Only the runs of equal scores that reach into the page need their order decided.
    falling = -best.scores
    first = int(np.searchsorted(falling, falling[start], side="left"))
    last = int(np.searchsorted(falling, falling[min(end, len(falling)) - 1], side="right"))
    ids, positions = best.ids[first:last], best.positions[first:last]
    # Recency and name: the place in the kept order by modified (newest first, then name).
    recency = kept.rank("modified")[positions]
    known = recency < len(kept.ids)
    ids, recency, scores = ids[known], recency[known], best.scores[first:last][known]
    uses = _uses(search, ids.tolist())
    used = np.array([uses.get(d, 0) for d in ids.tolist()], np.int64)
    order = np.lexsort((recency, -used, -scores))  # best first, then the most used, …
    return _dataset_ids(search, ids[order][start - first : end - first].tolist())


def _uses(search: _Search, doc_ids: list[int]) -> dict[int, int]:
    """The use (views + 3 × downloads) of the used ones of these documents."""
    p = dataset_popularity
    used = sa.func.coalesce(p.c.views, 0) + 3 * sa.func.coalesce(p.c.downloads, 0)
    stmt = (
        sa.select(_docs.c.id, used)
        .join(p, p.c.dataset_id == _docs.c.dataset_id)
        .where(_among(search.conn, _docs.c.id, doc_ids))
    )
    return dict(search.conn.execute(stmt).all()) if doc_ids else {}


def _dataset_ids(search: _Search, doc_ids: list[int]) -> list[str]:
    """The datasets of these documents, in their order (a document gone since: left out)."""
    named = dict(
        search.conn.execute(
            sa.select(_docs.c.id, _docs.c.dataset_id).where(
                _among(search.conn, _docs.c.id, doc_ids)
            )
        ).all()
    )
    return [named[d] for d in doc_ids if d in named]


def page_of(search: _Search, kept: Bitmaps, passing: int) -> list[str]:
    """The page of the `passing` documents in the query's order, walked along a kept order
    (title, name; modified for relevance without text)."""
    q = search.query
    order = {"title": f"title_{q.lang}", "name": "name"}.get(q.sort, "modified")
    start = (q.page - 1) * q.page_size
    return _dataset_ids(search, kept.page(passing, order, start, start + q.page_size))


def with_bitmaps(search: _Search, kept: Bitmaps) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Counts from the bitmaps over the readable text matches; the page from a kept order or
    ranking, or ranked in SQL (relevance with text and narrow filters, popularity)."""
    q = search.query
    within = kept.readable(search.conn, search.actor)
    filters = {facet: kept.chosen(facet, values) for facet, values in search.chosen.items()}
    ranked = None
    if search.words:
        key = tuple(search.words)
        ranked = kept.ranked.peek(key)
        if ranked is None and q.sort == "relevance" and not filters:
            ranked = kept.ranked.get(key, lambda: _ranked(search, kept))
        if ranked is not None:
            matching = ranked.matching
        else:
            matching = kept.matched.get(key, lambda: _matched(search, kept))
            narrowed = functools.reduce(operator.and_, filters.values(), within & matching)
            if q.sort == "relevance" and (narrowed.bit_count() > RANK_ALL or _ranks_all(search)):
                ranked = kept.ranked.get(key, lambda: _ranked(search, kept))
            elif q.sort == "relevance":  # only the few the page is chosen from, not kept
                ranked = _ranked(search, kept, kept.ids[members(narrowed)].tolist())
        within &= matching
    stored = [stored_facet(f, q.lang) for f in FACETS]
    counts = kept.counts(within, filters, stored)
    passing = functools.reduce(operator.and_, filters.values(), within)
    if ranked is not None and q.sort == "relevance":
        return _best_page(search, kept, ranked, passing), counts
    if q.sort == "popularity" or (search.words and q.sort == "relevance"):
        return search.page_in_sql(), counts
    return page_of(search, kept, passing), counts
