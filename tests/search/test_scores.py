"""The process ranks a text's matches from its kept postings (torget.search.postings, scores)
exactly as the database does: the same score, to the last bit, for every match, and so the
same pages, before and after another process changed the index."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.search.conftest import CATALOGUE, NASTY, _dataset, _dist, build_catalogue
from torget.accounts.permissions import ANONYMOUS, SYSTEM
from torget.catalog.datasets import create_dataset, delete_dataset, patch_dataset
from torget.catalog.model import DatasetIn
from torget.db.engine import read, write
from torget.db.schema import search_documents
from torget.search import SearchQuery, bitmaps, search_datasets
from torget.search.backend import full_text_for
from torget.search.scores import matching, rank
from torget.search.text import query_words
from torget.settings import Settings
from torget.site import Site

TEXTS = [
    "bad", "badplatser", "badplats", "bathing", "bathing sites", "sites", "platser", "park",
    "parkering", "parking spaces", "förskola", "forskolor", "ängar", "angar", "åkrar", "zebra",
    "zebralinjer", "crossings", "waste", "avfall", "bibliotek", "library opening", "öppettider",
    "vatten", "vattenkvalitet", "water quality", "beskrivning", "about", "csv", "json", "hvd",
    "b", "ba", "kvalitet", "strand beach", "sjostad", "data", "e6", "2024", "zebr",
    *NASTY,
]  # fmt: skip
# Several words (PostgreSQL: `proximity.rank_and`): words repeated, in several fields, two
# forms of one word, one term matched by two words' forms, the query's order reversed.
SEVERAL = [
    "bad strand", "strand bad", "bad bad strand", "badplatser vattenkvalitet", "bathing beach",
    "water quality bathing sites", "sites bathing", "vatten vattenkvalitet", "bad badplats",
    "bad bads", "park parks", "badplatser i ale", "beskrivning av badplatser", "csv bad",
    "bathing sites site", "bads bad",
]  # fmt: skip
TEXTS += SEVERAL
# Asking for one term both as itself and as a prefix: PostgreSQL keeps the one its sort puts
# first, so these rank in SQL there (`proximity.operands`).
IN_SQL = {"bathing sites site", "bads bad"}
PAGED = TEXTS[:40] + SEVERAL[:8]


def _compared(engine: sa.Engine, texts: list[str] = TEXTS, ranked_in_sql: set[str] = IN_SQL) -> int:
    """Asserts the kept postings' score of every match of every text equals the database's,
    and that they rank every text but those `ranked_in_sql` on PostgreSQL; the number of texts whose
    ranking they keep."""
    kept_here = 0
    with read(engine) as conn:
        kept = bitmaps.current(conn)
        assert kept is not None
        postings = kept.text.postings(conn, kept)
        for text in texts:
            words = query_words(text)
            if not words:
                continue
            in_sql = dict(conn.execute(full_text_for(conn).scores(words)).all())
            found = matching(postings, words)
            assert set(postings.ids[found].tolist()) == set(in_sql), text
            titled = sa.select(search_documents.c.id).where(full_text_for(conn).in_title(words))
            in_title = matching(postings, words, title=True)
            assert set(postings.ids[in_title].tolist()) == set(conn.execute(titled).scalars())
            ranked = rank(conn.dialect.name, postings, words)
            in_pg = conn.dialect.name == "postgresql" and text in ranked_in_sql
            assert (ranked is None) == in_pg, text
            if ranked is None:
                continue
            positions, scores = ranked
            assert dict(zip(postings.ids[positions].tolist(), scores.tolist(), strict=True)) == (
                in_sql
            ), text
            kept_here += 1
    return kept_here


def _pages(engine: sa.Engine, texts: list[str]) -> list[tuple[object, ...]]:
    out = []
    for text in texts:
        for filters in ({}, {"theme": ["ENVI", "TRAN"]}):
            for page in (1, 2):
                query = SearchQuery(text=text, filters=filters, page=page, page_size=2)
                with read(engine) as conn:
                    result = search_datasets(conn, ANONYMOUS, query)
                out.append((result.total, [d.name for d in result.items], result.facets))
    return out


def _changed_elsewhere(settings: Settings) -> None:
    other = Site.open(settings, migrate=False, queue=False)
    try:
        with write(other.engine) as conn:
            patch_dataset(conn, SYSTEM, "bibliotek", {"state": "published"})
            delete_dataset(conn, SYSTEM, "badplatser")
            added = _dataset("aaa", "Badplatser i Ale", "Bathing sites in Ale",
                             themes=["ENVI"], distributions=[_dist("JSON")],
                             keywords={"sv": ["bad", "bad", "strand"], "en": ["beach"]},
                             modified=dt.date(2025, 1, 1))  # fmt: skip
            create_dataset(conn, SYSTEM, DatasetIn.model_validate(added))
    finally:
        other.close()


def test_kept_postings_score_every_match_as_the_database_does(
    settings: Settings, engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    assert _compared(engine) > 45
    _changed_elsewhere(settings)  # applied to the kept postings, not read whole
    assert _compared(engine) > 45
    with read(engine) as conn:
        kept = bitmaps.current(conn)
        assert kept is not None and -1 in kept.ids
        assert kept.text.postings(conn, kept).added_texts


def test_pages_ranked_from_the_kept_postings_are_those_ranked_in_sql(
    settings: Settings, engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    for change in (False, True):
        if change:
            _changed_elsewhere(settings)
        _assert_pages_as_in_sql(engine)


def _assert_pages_as_in_sql(engine: sa.Engine, texts: list[str] = PAGED) -> None:
    """Asserts that the texts' pages, with and without a filter, are those ranked in SQL."""
    kept = _pages(engine, texts)
    with write(engine) as conn:  # an index without a version: searches rank in SQL
        version = conn.execute(sa.text("SELECT version FROM search_index_version")).scalar()
        conn.execute(sa.text("DELETE FROM search_index_version"))
    assert _pages(engine, texts) == kept
    with write(engine) as conn:
        conn.execute(
            sa.text(f"INSERT INTO search_index_version (id, version) VALUES (1, {version})")
        )


# Words repeated in every field, and far apart; a document beyond the tsvector's limits.
NEAR_AND_FAR = [
    _dataset("upprepad", "Bad och strand vid bad", "Bathing at the beach, beach bathing",
             keywords={"sv": ["bad", "strand", "badstrand"], "en": ["beach", "bathing"]},
             description={"sv": "Bad, strand, bad och bad vid stranden. Strand bad strand.",
                          "en": "Bathing sites at the beach: bathing, beach, sites."}),
    _dataset("avlagsen", "Strand", "Beach", keywords={"sv": ["ord"], "en": []},
             description={"sv": "Strand " + "ord " * 150 + "bad.", "en": "beach " * 3}),
    _dataset("trangd", "Vatten och strand", "Water",
             description={"sv": "vatten " * 300 + "strand bad.", "en": None}),
    *(_dataset(f"fisk-{i}", f"Fisk och sjö {i}", None,
               description={"sv": "Fisk i sjön, sjö med fisk. " * (i + 1), "en": None})
      for i in range(5)),  # several documents with many pairs: folded column by column
]  # fmt: skip
NEAR_TEXTS = [
    "bad strand", "strand bad", "bad bad strand", "beach bathing", "bathing beach sites",
    "strand ord", "ord bad", "bad ord strand", "badstrand bad", "strand", "ord",
    "vatten strand", "vatten", "water", "fisk sjö", "sjön fisk", "fisk fisk sjö",
]  # fmt: skip
# Matching "trangd", whose "vatten" PostgreSQL keeps 255 times of 300 (and so counts fewer in
# its length): ranked in SQL there, whatever the query's words.
CROWDED = {"bad strand", "strand bad", "bad bad strand", "strand", "vatten strand", "vatten",
           "water"}  # fmt: skip


def test_several_words_ranked_from_the_kept_places_as_the_database_does(
    engine: sa.Engine,
) -> None:
    build_catalogue(engine, [*CATALOGUE, *NEAR_AND_FAR])
    assert _compared(engine, NEAR_TEXTS, CROWDED) > 0
    _assert_pages_as_in_sql(engine, NEAR_TEXTS)
