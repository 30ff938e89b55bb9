"""The title's part of relevance, computed from the titles the process keeps beside its
postings (`scores.title_bonus`), is the database's (`query._Search.title_bonus`) to the last
bit: each tier (the query as typed, inflected, as a phrase, every word), the shortness that
orders titles of one tier, and the ties between titles alike, before and after a change."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.search.conftest import _dataset, build_catalogue
from torget.accounts.permissions import ANONYMOUS, SYSTEM
from torget.catalog.datasets import create_dataset
from torget.catalog.model import DatasetIn
from torget.db.engine import read, write
from torget.db.schema import search_documents
from torget.search import SearchQuery, bitmaps
from torget.search.backend import full_text_for
from torget.search.kept_search import _ranked
from torget.search.query import _Search
from torget.settings import Settings

# Titles that a query of one or two of their words meets in each tier, several alike (ties).
TITLES = [
    ("Badplatser", "Bathing sites"), ("Badplatser", "Bathing sites"), ("Badplats", None),
    ("Badplatser i Ale", "Bathing sites in Ale"), ("Ale badplatser", None),
    ("Badplatsernas vattenkvalitet 2020", "Water quality 2020"), ("Vatten 2020", "Water 2020"),
    ("Kvalitet per skola 2020", "Quality per school 2020"), ("Kvalitet", "Quality"),
    ("Skolans kvalitet", "Quality of the school"), ("Kvalitet per skola", None),
    ("Skolor 2021", "Schools 2021"), ("Skolor 2021", "Schools 2021"), ("Skola", "School"),
    ("Parkering per område 2020 och 2021", None), ("Parkeringsplatser", "Parking spaces"),
    ("Data om data", "Data about data"), ("Öppna data", "Open data"), ("Data", None),
]  # fmt: skip
WORDS = [
    "badplatser", "badplats", "bad", "bathing sites", "badplatser ale", "ale", "2020", "per",
    "kvalitet", "quality", "skola", "skolor 2021", "school", "parkering", "data", "open data",
    "vatten 2020", "sites in", "kvalitet per skola", "water",
]  # fmt: skip


def _records(start: int = 0) -> list[dict[str, object]]:
    return [
        _dataset(f"t{start + i}", sv, en, keywords={"sv": ["kvalitet"], "en": ["data"]},
                 modified=dt.date(2020, 1, 1 + i % 28))
        for i, (sv, en) in enumerate(TITLES)
    ]  # fmt: skip


def _compared(engine: sa.Engine) -> int:
    """Asserts that every word's kept ranking has the scores and order of the database's
    (`_Search.score` of every match); the number of titles given a bonus."""
    titled = 0
    with read(engine) as conn:
        kept = bitmaps.current(conn)
        assert kept is not None
        for text in WORDS:
            search = _Search(conn, ANONYMOUS, SearchQuery(text=text))
            found = full_text_for(conn).matches(search.words, True)
            stmt = sa.select(search_documents.c.id, search.score(found))
            in_sql = conn.execute(stmt.select_from(found.source).where(found.condition)).all()
            ranked = _ranked(search, kept)
            assert dict(zip(ranked.ids.tolist(), ranked.scores.tolist(), strict=True)) == dict(
                in_sql
            ), text
            in_order = sorted(in_sql, key=lambda row: -row[1])
            assert ranked.scores.tolist() == [s for _, s in in_order], text
            titled += sum(s >= 100_000 for _, s in in_sql)
    return titled


def test_kept_title_bonus_is_the_databases(settings: Settings, engine: sa.Engine) -> None:
    build_catalogue(engine, _records())
    assert _compared(engine) > 50
    with write(engine) as conn:  # a change: the new titles come apart from the postings read
        for record in _records(100)[:6]:
            create_dataset(conn, SYSTEM, DatasetIn.model_validate(record))
    assert _compared(engine) > 60
