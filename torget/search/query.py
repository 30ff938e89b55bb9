"""Searching datasets: free text, facet filters with exact counts, four sort orders, paging.

Facet semantics are the usual ones of faceted search: filters are ANDed across facets and ORed
within one, and a facet's counts reflect the text, the visibility and every *other* facet's
filter, not its own, so that choosing "CSV" still shows how many datasets "JSON" would add.
A chosen value is always listed in its facet, with count 0 when nothing else matches.

Counts come from `dataset_facets`: each candidate document carries a bit per chosen facet
(does it pass that filter?), and a facet row counts when its document passes every filter but
its own facet's. A document passing every filter is joined to all its rows, one failing only
facet i's filter to its rows of facet i; no other document is joined. The page comes from the
same candidates in the same statement, and the total number of matches is read off the counts
(see `_total`). Counts over everything the reader may see (no text: every facet when there is
no filter, the chosen facet when there is one) are read from the kept counts instead
(`counts.py`), which makes the bare search page and the home page cheap at any size; so are
all counts of one click on a value of a bounded facet (`counts.PAIRED`), from the pairs' counts.
Every other search without a due date counts with the bitmaps each process keeps
(`bitmaps.py`), and pages from its kept orders or its kept ranking of the text's matches
(`kept_search.py`), as do any page of one clicked value (but by popularity) and a deep page of
the bare search (no text, no filter); the statement above remains for due dates and a
database without them.
"""

from __future__ import annotations

import functools
import operator
from contextlib import nullcontext
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset, get_datasets
from torget.catalog.organisations import all_organisations
from torget.catalog.visibility import readable_by
from torget.db.schema import (
    dataset_due_dates,
    dataset_facets,
    dataset_popularity,
    search_documents,
)
from torget.search.backend import Match, full_text_for
from torget.search.bitmaps import current as current_bitmaps
from torget.search.counts import PAIRED, visible_counts, visible_pair_counts
from torget.search.facets import FACETS, facet_key, label_of, stored_facet
from torget.search.kept_search import page_of, with_bitmaps
from torget.search.request import (
    FacetValue,
    Lang,
    SearchQuery,
    SearchResult,
    check,
    chosen,
)
from torget.search.scores import SHORT, TIER
from torget.search.terms import corrected
from torget.search.text import QueryWord, fold, query_words

__all__ = ["search_datasets", "suggest_datasets"]

_docs = search_documents


def _filter_mask(conn: sa.Connection, chosen: dict[str, list[str]]) -> sa.ColumnElement[int]:
    """Bit i set when the document passes the i-th chosen facet's filter.

    Tested on the document's own row (`facet_keys`, a copy of its facet rows), not with a
    look-up per document: on PostgreSQL a correlated sub-query per matching document cost a
    third of a search at 100,000 datasets (bench/search.py)."""
    # A substring test, case-sensitive like the facet rows (SQLite's LIKE is not).
    position = sa.func.strpos if conn.dialect.name == "postgresql" else sa.func.instr
    bits: list[sa.ColumnElement[int]] = []
    for i, (facet, values) in enumerate(chosen.items()):
        has = [position(_docs.c.facet_keys, facet_key(facet, v)) > 0 for v in values]
        bits.append(sa.case((sa.or_(*has), 1 << i), else_=0))
    return functools.reduce(operator.add, bits)


# How far down (in documents) a page of one clicked value comes from the bitmaps (`_deep`).
DEEP = 500


def _tier(conn: sa.Connection, query: list[QueryWord]) -> sa.ColumnElement[float]:
    """How the title matches, the same on both databases: 4 when it is the query as typed
    (folded), 3 when it is the query inflected (their roots equal, in either language), 2
    when it holds the query as a phrase (2.5 as typed), 1 when it holds every query word in
    some form, else 0."""
    position = sa.func.strpos if conn.dialect.name == "postgresql" else sa.func.instr
    d = _docs.c
    typed = " ".join(fold(w.word) for w in query)
    phrases = [" ".join(w.roots[i] for w in query) for i in (0, 1)]
    literal = position(" " + d.title_words + " ", f" {typed} ") > 0
    phrase = sa.or_(
        *(position(" " + t + " ", f" {p} ") > 0
          for t, p in zip((d.roots_sv, d.roots_en), phrases, strict=True))
    )  # fmt: skip
    both = " " + d.title_sv + " " + d.title_en + " "
    every_word = sa.and_(
        *(
            sa.or_(
                *(position(both, " " + f.lexeme + ("" if f.prefix else " ")) > 0 for f in w.forms())
            )  # fmt: skip
            for w in query
        )
    )
    return sa.case(
        (d.title_words == typed, 4.0),
        (sa.or_(d.roots_sv == phrases[0], d.roots_en == phrases[1]), 3.0),
        (sa.and_(phrase, literal), 2.5),
        (phrase, 2.0),
        (every_word, 1.0),
        else_=0.0,
    )


def _shortness() -> sa.ColumnElement[Any]:
    """1 / the number of words of the titles: among titles that match alike, the one that
    says only what was asked for ("Badplatser" before "Badplatser i Ale")."""
    title = _docs.c.title_words
    spaces = sa.func.length(title) - sa.func.length(sa.func.replace(title, " ", ""))
    return 1.0 / (spaces + 1.0)


class _Search:
    """One search, answered by one statement over the candidate documents: the text matches
    the actor may read, each with a bit mask of the filters it passes. From them come the page
    (the candidates passing every filter, sorted) and the facets' counts, so the text and the
    filters are evaluated once; counts over everything readable come from the kept counts."""

    def __init__(self, conn: sa.Connection, actor: Actor, query: SearchQuery):
        self.conn, self.actor, self.query = conn, actor, query
        self.words: list[QueryWord] = corrected(conn, query_words(query.text))
        self.chosen = chosen(query)
        self.visible = readable_by(actor, _docs)

    def score(self, found: Match) -> sa.ColumnElement[Any]:
        """The relevance of a text match: its title's tier, the title's shortness, then the
        backend's score. A title without every word ranks 0: told by the full-text index, so
        that a broad word ("data") does not compare the titles of half the catalogue."""
        return self.title_bonus() + found.score

    def title_bonus(self, in_title: sa.ColumnElement[bool] | None = None) -> sa.ColumnElement[Any]:
        """The part of `score` from the title (0 unless it holds every word: `in_title`)."""
        in_title = full_text_for(self.conn).in_title(self.words) if in_title is None else in_title
        tier = sa.case((in_title, _tier(self.conn, self.words)), else_=0.0)
        short = sa.case((tier > 0, _shortness() * SHORT), else_=0.0)
        return tier * TIER + short

    def _candidates(self, common: bool = False) -> sa.CTE:
        """`common`: the one filter of a search without text passes so many documents that
        walking the sort order's index to the page is cheaper than sorting all of them."""
        q = self.query
        where = [self.visible]
        source: sa.FromClause = _docs
        score: sa.ColumnElement[Any] = sa.literal(0.0)
        if self.words:
            scored = q.sort == "relevance"
            found = full_text_for(self.conn).matches(self.words, scored)
            source, score = found.source, self.score(found) if scored else found.score
            where.append(found.condition)
        mask = _filter_mask(self.conn, self.chosen) if self.chosen else sa.literal(0)
        if q.due_before is not None:
            due = sa.select(dataset_due_dates.c.dataset_id).where(
                dataset_due_dates.c.due_at < q.due_before
            )
            where.append(_docs.c.dataset_id.in_(due))
        if self.words and self.chosen:
            # Ranked only where the page needs a rank: on the documents passing every filter.
            # Ranking reads each document's whole text (ts_rank, bm25), and with three facets
            # most text matches fail a filter: 14 instead of 18 ms of PostgreSQL CPU per search
            # at 100,000 datasets (bench/search.py).
            full = (1 << len(self.chosen)) - 1
            score = sa.case((mask == full, score), else_=sa.literal(0.0))
        if not self.words and len(self.chosen) == 1 and q.due_before is None:
            where.append(self._passing_one_filter(common))
            mask = sa.literal(1)
        columns = [
            _docs.c.id,
            _docs.c.dataset_id,
            _docs.c.name,
            _docs.c.modified,
            _docs.c[f"title_key_{q.lang}"].label("title_key"),
            score.label("score"),
            mask.label("mask"),
        ]
        stmt = sa.select(*columns).select_from(source).where(*where)
        if not self.words and (not self.chosen or self._paired()):
            # Only the page reads it: left to the planner, which walks the sort's index.
            return stmt.cte("candidates")
        # Materialised, so that the mask is computed once per document, not per facet row.
        return stmt.cte("candidates").prefix_with("MATERIALIZED")

    def _passing_one_filter(self, common: bool) -> sa.ColumnElement[bool]:
        """A search without text and one filter: its own facet is counted from the kept
        counts, so only the documents passing the filter are needed, found through the facet
        rows' (facet, value) index."""
        ((facet, values),) = self.chosen.items()
        rows = dataset_facets
        passing = sa.select(rows.c.doc_id).where(rows.c.facet == facet, rows.c.value.in_(values))
        if common:
            # Tested per document along the sort's index, which reaches the page soon.
            return passing.where(rows.c.doc_id == _docs.c.id).exists()
        return _docs.c.id.in_(passing)

    def _page(self, found: sa.CTE, every: sa.ColumnElement[bool]) -> sa.Select[Any]:
        q = self.query
        source: sa.FromClause = found
        key: sa.ColumnElement[Any]
        descending = True
        ties: list[sa.ColumnElement[Any]] = []
        if q.sort == "title":
            key, descending = found.c.title_key, False
        elif q.sort == "name":
            key, descending = found.c.name, False
        elif q.sort == "popularity":
            p = dataset_popularity
            source = found.outerjoin(p, p.c.dataset_id == found.c.dataset_id)
            key = sa.func.coalesce(p.c.views, 0) + 3 * sa.func.coalesce(p.c.downloads, 0)
        elif q.sort == "relevance" and self.words:
            # Use, then recency, only break ties: between equally good matches, the used one.
            p = dataset_popularity
            source = found.outerjoin(p, p.c.dataset_id == found.c.dataset_id)
            used = sa.func.coalesce(p.c.views, 0) + 3 * sa.func.coalesce(p.c.downloads, 0)
            key = found.c.score
            ties = [used, found.c.modified]
        else:
            key = found.c.modified
        where = [every]
        if ties:
            # Only the candidates scoring at least the page's last: the others need neither
            # their use read nor a place in the sort (a broad word matches tens of thousands).
            last = (
                sa.select(found.c.score).where(every).order_by(found.c.score.desc())
                .offset(q.page * q.page_size - 1).limit(1).scalar_subquery()
            )  # fmt: skip
            where.append(sa.or_(last.is_(None), found.c.score >= last))
        keys = [key, *ties]
        labels = [f"k{i}" for i in range(len(keys))]
        named = [k.label(n) for k, n in zip(keys, labels, strict=True)]
        page = (
            sa.select(found.c.dataset_id, found.c.name, *named)
            .select_from(source)
            .where(*where)
            .order_by(*(k.desc() if descending else k.asc() for k in keys), found.c.name)
            .offset((q.page - 1) * q.page_size)
            .limit(q.page_size)
            .subquery("page")
        )
        # Numbered on the page only: a window over every match made the walk to a deep page
        # sort them all (4 times the CPU of the walk itself at page 4,000; bench/search.py).
        again = [page.c[n].desc() if descending else page.c[n].asc() for n in labels]
        position = sa.func.row_number().over(order_by=[*again, page.c.name])
        nothing = sa.cast(sa.null(), sa.String)
        return sa.select(sa.literal("page"), page.c.dataset_id, nothing, position)

    def _counts(self, found: sa.CTE, full: int, skip: list[str]) -> sa.Select[Any]:
        """Counts per facet value: a document passing every filter counts in every facet; one
        failing only facet i's filter counts in facet i only (its rows of that facet are read
        through the primary key's (doc_id, facet) prefix). Facets in `skip` are counted
        elsewhere."""
        rows = dataset_facets
        counted_here = [
            name for name in (stored_facet(f, self.query.lang) for f in FACETS) if name not in skip
        ]
        every = sa.select(rows.c.facet, rows.c.value).select_from(
            found.join(rows, rows.c.doc_id == found.c.id)
        )
        parts = [every.where(found.c.mask == full, rows.c.facet.in_(counted_here))]
        for i, name in enumerate(self.chosen):
            if name in skip:
                continue
            on = sa.and_(rows.c.doc_id == found.c.id, rows.c.facet == name)
            parts.append(
                sa.select(rows.c.facet, rows.c.value)
                .select_from(found.join(rows, on))
                .where(found.c.mask == full & ~(1 << i))
            )
        counted = sa.union_all(*parts).subquery("counted")
        return sa.select(
            sa.literal("facet"), counted.c.facet, counted.c.value, sa.func.count()
        ).group_by(counted.c.facet, counted.c.value)

    def _paired(self) -> tuple[str, str] | None:
        """The one chosen value when it is the whole query and the kept pairs' counts
        (`counts.visible_pair_counts`) answer every other facet: one value of one of
        `PAIRED`, no text, no due date."""
        if self.words or self.query.due_before is not None or len(self.chosen) != 1:
            return None
        ((facet, values),) = self.chosen.items()
        return (facet, values[0]) if facet in PAIRED and len(values) == 1 else None

    def _common(self, passing: int) -> bool:
        """Whether walking the sort's index, testing each document, reaches the page's end
        sooner than sorting the `passing` documents: a walk tests about page end × readable /
        passing documents (the readable ones summed from the kept counts: every document has
        one organisation). At 100,000 datasets a theme on a quarter of them: page 1 in 0.1 ms
        instead of 38 ms of SQLite CPU (bench/search.py)."""
        every = visible_counts(self.conn, self.actor, ["organisation"])["organisation"]
        return self.query.page * self.query.page_size * sum(every.values()) < passing * passing

    def _deep(self) -> bool:
        """A page far enough down an order without text that walking a kept order (a bitmap
        test per document) beats walking the sort's index with a look-up per document: page
        100 of a theme on a quarter of 100,000 datasets, 95 ms of PostgreSQL CPU in SQL
        (bench/search.py). Not for popularity, which no kept order follows."""
        q = self.query
        return q.sort != "popularity" and (q.page - 1) * q.page_size >= DEEP

    def _from_table(self) -> list[str]:
        """Facets whose counts are those of everything the actor may read, so that the kept
        counts (`counts.visible_counts`) answer them: all of them when there is neither text
        nor a filter, the one chosen facet when there is no text and one filter (and with it
        every other facet, from the pairs' counts, when the filter is `_paired`)."""
        if self.words or len(self.chosen) > 1 or self.query.due_before is not None:
            return []
        if self.chosen and not self._paired():
            return list(self.chosen)
        return [stored_facet(f, self.query.lang) for f in FACETS]

    def _by_popularity(self, found: sa.CTE) -> list[str]:
        """The page of the popularity order with neither text nor filters (the home page), in
        two short walks instead of sorting every document: the used datasets (those in
        `dataset_popularity`) by score, then, when the page reaches past them, the unused
        ones by name, along the name index. The same order as `_page`'s."""
        q, p = self.query, dataset_popularity
        score = p.c.views + 3 * p.c.downloads
        start, end = (q.page - 1) * q.page_size, q.page * q.page_size
        # Driven by the (few) used datasets' ids, each looked up by the documents' unique
        # dataset_id index; a join would let SQLite walk every document instead.
        used_ids = sa.select(p.c.dataset_id).where(score > 0)
        its_score = sa.select(score).where(p.c.dataset_id == found.c.dataset_id).scalar_subquery()
        used = list(
            self.conn.execute(
                sa.select(found.c.dataset_id)
                .where(found.c.dataset_id.in_(used_ids))
                .order_by(its_score.desc(), found.c.name)
                .limit(end)
            ).scalars()
        )
        page = used[start:end]
        if len(used) == end:
            return page
        is_used = sa.exists().where(p.c.dataset_id == found.c.dataset_id, score > 0)
        rest = (
            sa.select(found.c.dataset_id)
            .where(~is_used)
            .order_by(found.c.name)
            .offset(max(0, start - len(used)))
            .limit(q.page_size - len(page))
        )
        return page + list(self.conn.execute(rest).scalars())

    def page_in_sql(self) -> list[str]:
        """The page ranked in SQL, over the candidates passing every filter."""
        found = self._candidates()
        full = (1 << len(self.chosen)) - 1
        rows = self.conn.execute(self._page(found, found.c.mask == full))
        return [row[1] for row in sorted(rows, key=lambda row: int(row[3]))]

    def run(self) -> tuple[list[str], dict[str, dict[str, int]]]:
        """The dataset ids of the page, in order, and the counts per stored facet."""
        full = (1 << len(self.chosen)) - 1
        kept = self._from_table()
        stored = [stored_facet(f, self.query.lang) for f in FACETS]
        if kept != stored and self.query.due_before is None:
            bitmaps = current_bitmaps(self.conn)
            if bitmaps is not None:
                return with_bitmaps(self, bitmaps)
        counts: dict[str, dict[str, int]] = {name: {} for name in stored}
        paired = self._paired()
        common = False
        if paired:
            facet, value = paired
            others = [name for name in stored if name != facet]
            counts.update(visible_pair_counts(self.conn, self.actor, facet, value, others))
            counts.update(visible_counts(self.conn, self.actor, [facet]))
            # Any page, not only a deep one: for page 1 of a theme on 5 % of 100,000 datasets
            # PostgreSQL walked the sort's index in parallel workers, which tested 9,000
            # documents to find 20 (95-170 ms; bench/search.py), where a kept order takes
            # about 1 ms at any depth.
            bitmaps = current_bitmaps(self.conn) if self.query.sort != "popularity" else None
            if bitmaps is not None:
                passing = bitmaps.readable(self.conn, self.actor) & bitmaps.chosen(facet, [value])
                return page_of(self, bitmaps, passing), counts
            common = self._common(counts[facet].get(value, 0))
        elif kept:
            counts.update(visible_counts(self.conn, self.actor, kept))
            bitmaps = current_bitmaps(self.conn) if not self.chosen and self._deep() else None
            if bitmaps is not None:  # SQL walks the sort's index to the page, 80,000 rows deep
                return page_of(self, bitmaps, bitmaps.readable(self.conn, self.actor)), counts
        found = self._candidates(common)
        page_stmt = self._page(found, found.c.mask == full)
        stmt: sa.Select[Any] | sa.CompoundSelect[Any]
        if kept == stored:  # every count is kept: the page is all that is left to find
            if self.query.sort == "popularity" and not self.chosen:
                return self._by_popularity(found), counts
            stmt = page_stmt
        else:
            stmt = sa.union_all(self._counts(found, full, kept), page_stmt)
        page: list[tuple[int, str]] = []
        for part, first, second, number in self.conn.execute(stmt):
            if part == "page":
                page.append((int(number), first))
            else:
                counts[first][second] = int(number)
        return [dataset_id for _, dataset_id in sorted(page)], counts


def _facet_values(
    search: _Search, counts: dict[str, dict[str, int]], orgs: dict[str, tuple[str, str]]
) -> dict[str, list[FacetValue]]:
    out = {}
    for facet in FACETS:
        name = stored_facet(facet, search.query.lang)
        found = counts[name]
        chosen = search.chosen.get(name, [])
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        shown = ranked[: search.query.facet_limit]
        shown += [(v, found.get(v, 0)) for v in chosen if v not in dict(shown)]
        out[facet] = [
            FacetValue(value, count, *label_of(facet, value, orgs), selected=value in chosen)
            for value, count in shown
        ]
    return out


def _organisation_titles(conn: sa.Connection) -> dict[str, tuple[str, str]]:
    return {
        o.name: (o.data.title.sv, o.data.title.en or o.data.title.sv)
        for o in all_organisations(conn).values()
    }


def _total(search: _Search, counts: dict[str, dict[str, int]]) -> int:
    """The number of matches, read off the organisation facet: every dataset has exactly one
    organisation, so its counts (over the matches of every other filter) add up to the
    matches, taken over the chosen organisations when there are any."""
    by_organisation = counts["organisation"]
    chosen = search.chosen.get("organisation")
    return (
        sum(by_organisation.get(v, 0) for v in chosen) if chosen else sum(by_organisation.values())
    )


def search_datasets(conn: sa.Connection, actor: Actor, query: SearchQuery) -> SearchResult:
    """One page of the datasets the actor may read that match the query, with facet counts."""
    check(query)
    search = _Search(conn, actor, query)
    with full_text_for(conn).planned(conn) if search.words else nullcontext():
        page, counts = search.run()
    items = get_datasets(conn, actor, page)
    orgs = _organisation_titles(conn) if counts["organisation"] else {}
    return SearchResult(_total(search, counts), items, _facet_values(search, counts, orgs))


def suggest_datasets(
    conn: sa.Connection, actor: Actor, text: str, lang: Lang = "sv", limit: int = 8
) -> list[Dataset]:
    """The best matches for a half-typed text, as the search ranks them, without counting
    facets or the total: what a search box suggests while a person types."""
    search = _Search(conn, actor, SearchQuery(text=text, page_size=limit, lang=lang))
    if not search.words:
        return []
    with full_text_for(conn).planned(conn):
        found = search._candidates()
        rows = conn.execute(search._page(found, sa.true())).all()
    ids = [row[1] for row in sorted(rows, key=lambda row: int(row[3]))]
    return get_datasets(conn, actor, ids)
