"""A server process's search made ready at start-up (torget.search.ready): the kept index and
its postings read before any search, kept ready across other processes' writes, and answers
the same as those of a process that keeps nothing."""

from __future__ import annotations

import datetime as dt
import gc

import sqlalchemy as sa

from tests.search.conftest import _answers, _dataset, build_catalogue
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import create_dataset, delete_dataset, patch_dataset
from torget.catalog.model import DatasetIn
from torget.db.engine import read, write
from torget.search import SearchQuery, bitmaps
from torget.search.popularity import add_use
from torget.search.ready import keep_ready
from torget.settings import Settings
from torget.site import Site


def _in_sql(engine: sa.Engine, queries: list[SearchQuery]) -> list[tuple[object, ...]]:
    """The answers of a database whose index has no version: nothing kept, all in SQL."""
    with write(engine) as conn:
        version = conn.execute(sa.text("SELECT version FROM search_index_version")).scalar()
        conn.execute(sa.text("DELETE FROM search_index_version"))
    try:
        return _answers(engine, queries)
    finally:
        with write(engine) as conn:
            conn.execute(sa.text("INSERT INTO search_index_version VALUES (1, :v)"), {"v": version})


def _texts() -> list[SearchQuery]:
    return [
        SearchQuery(text=text, sort=sort, page=page, page_size=2)
        for text in ("bad", "platser", "bathing sites", "zebra", "abborrar")
        for sort in ("relevance", "title")
        for page in (1, 2)
    ]  # type: ignore[arg-type]


def test_a_ready_process_keeps_the_postings_of_every_state_before_any_text_search(
    settings: Settings, engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    before = gc.get_freeze_count()
    try:
        keep_ready(engine)
        kept = bitmaps._kept[engine]
        assert kept.text.ready  # read at start-up, without a search
        assert gc.get_freeze_count() > before  # what it holds is out of the collector's walks
    finally:
        gc.unfreeze()
    other = Site.open(settings, migrate=False, queue=False)
    try:
        with write(other.engine) as conn:
            patch_dataset(conn, SYSTEM, "bibliotek", {"state": "published"})
            delete_dataset(conn, SYSTEM, "badplatser")
            added = _dataset("aaa", "Abborrar", "Perch", themes=["ENVI"],
                             modified=dt.date(2025, 1, 1))  # fmt: skip
            create_dataset(conn, SYSTEM, DatasetIn.model_validate(added))
    finally:
        other.close()
    # A search without text finds the change: the new state's postings come with it.
    _answers(engine, [SearchQuery(filters={"theme": ["ENVI"], "format": ["CSV"]})])
    changed = bitmaps._kept[engine]
    assert changed.version > kept.version and -1 in changed.ids  # applied, not read whole
    assert changed.text.ready
    with read(engine) as conn:
        assert changed.text.postings(conn, changed).added_texts
    assert _answers(engine, _texts()) == _in_sql(engine, _texts())


def test_a_run_of_equal_scores_is_paged_by_use_recency_and_name_as_in_sql(
    engine: sa.Engine,
) -> None:
    # Alike but for their names and dates: every match of "mätdata" scores the same.
    alike = [
        _dataset(f"matning-{i:02d}", "Mätdata", "Readings", modified=dt.date(2020, 1 + i % 3, 1))
        for i in range(14)
    ]
    build_catalogue(engine, alike)
    with write(engine) as conn:
        add_use(conn, {d: (i % 4, i % 2) for i, d in enumerate(_ids(conn)) if i % 3})
    queries = [
        SearchQuery(text=text, filters=filters, page=page, page_size=3)
        for text in ("mätdata", "readings")
        for filters in ({}, {"format": ["CSV"]})
        for page in range(1, 7)
    ]  # type: ignore[arg-type]
    kept = _answers(engine, queries)
    assert [names for _, names, _ in kept[:5]] != [[]] * 5
    assert kept == _in_sql(engine, queries)


def _ids(conn: sa.Connection) -> list[str]:
    return list(conn.execute(sa.text("SELECT id FROM datasets ORDER BY name")).scalars())


def test_any_page_of_one_clicked_value_is_walked_along_a_kept_order_as_in_sql(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    queries = [
        SearchQuery(filters=filters, sort=sort, page=page, page_size=1)
        for filters in ({"theme": ["ENVI"]}, {"organisation": ["trafik"]}, {"format": ["CSV"]})
        for sort in ("relevance", "title", "modified", "name", "popularity")
        for page in (1, 2, 3)
    ]  # type: ignore[arg-type]
    kept = _answers(engine, queries)
    assert [names for _, names, _ in kept[:3]] != [[]] * 3
    assert kept == _in_sql(engine, queries)


def test_a_deep_page_without_text_is_walked_along_a_kept_order_as_in_sql(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    queries = [
        SearchQuery(sort=sort, page=page, page_size=1)
        for sort in ("relevance", "title", "modified", "name")
        for page in (1, 3, 502)
    ]  # type: ignore[arg-type]
    assert _answers(engine, queries) == _in_sql(engine, queries)
