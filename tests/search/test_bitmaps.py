"""The bitmaps a process keeps (torget.search.bitmaps) follow writes made elsewhere: another
server process or the command line, through its own connections to the same database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from tests.search.conftest import _answers, _dataset, _dist
from torget.accounts.permissions import ANONYMOUS, SYSTEM
from torget.catalog.datasets import create_dataset, delete_dataset, patch_dataset
from torget.catalog.model import DatasetIn
from torget.db.engine import read, write
from torget.search import SearchQuery, bitmaps, search_datasets
from torget.search.bitmaps import members
from torget.search.documents import reindex
from torget.search.ready import keep_ready
from torget.search.scores import rank
from torget.search.text import query_words
from torget.settings import Settings
from torget.site import Site

_K = TypeVar("_K")


def _found(engine: sa.Engine, **query: object) -> tuple[set[str], dict[str, int]]:
    with read(engine) as conn:
        result = search_datasets(conn, ANONYMOUS, SearchQuery(**query))  # type: ignore[arg-type]
    themes = {v.value: v.count for v in result.facets["theme"] if v.count}
    return {d.name for d in result.items}, themes


def test_a_process_sees_another_process_s_writes_at_its_next_search(
    settings: Settings, engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    two_facets = {"filters": {"format": ["JSON", "CSV"], "license": ["CC0-1.0", "CC-BY-4.0"]}}
    names, themes = _found(engine, **two_facets)  # this process keeps the bitmaps now
    assert "bibliotek" not in names and themes["EDUC"] == 1
    assert "badplatser" in _found(engine, text="bad", filters={"theme": ["ENVI"]})[0]
    other = Site.open(settings, migrate=False, queue=False)
    try:
        with write(other.engine) as conn:
            patch_dataset(conn, SYSTEM, "bibliotek", {"state": "published"})
            delete_dataset(conn, SYSTEM, "badplatser")
    finally:
        other.close()
    names, themes = _found(engine, **two_facets)
    assert "bibliotek" in names and themes["EDUC"] == 2
    assert "badplatser" not in _found(engine, text="bad", filters={"theme": ["ENVI"]})[0]
    with write(engine) as conn:  # `torget search reindex`, which publishes no event
        reindex(conn)
    assert _found(engine, **two_facets) == (names, themes)


def test_bitmaps_answer_as_the_counting_in_sql_does(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    queries = [
        SearchQuery(text=text, filters=filters, sort=sort, page=page, page_size=2, lang=lang)
        for text in ("", "bad", "platser", "bathing sites", "data")
        for filters in ({"theme": ["ENVI", "TRAN"], "format": ["CSV"]}, {"keyword": ["bad"]}, {})
        for sort in ("relevance", "title", "modified", "name")
        for page, lang in ((1, "sv"), (2, "en"))
    ]  # type: ignore[arg-type]
    with_bitmaps = _answers(engine, queries)
    # Again, each text's every match now ranked and kept: filters choose from that ranking.
    assert _answers(engine, queries) == with_bitmaps
    with write(engine) as conn:  # an index without a version: searches count in SQL
        conn.execute(sa.text("DELETE FROM search_index_version"))
    assert _answers(engine, queries) == with_bitmaps


def _every_shape() -> list[SearchQuery]:
    return [
        SearchQuery(text=text, filters=filters, sort=sort, page=page, page_size=2)
        for text in ("", "bad", "zebra")
        for filters in ({"theme": ["ENVI", "TRAN"]}, {"format": ["JSON"]}, {})
        for sort in ("relevance", "title", "modified", "name")
        for page in (1, 2, 3)
    ]  # type: ignore[arg-type]


def test_a_process_applies_another_process_s_changes_instead_of_reading_everything(
    settings: Settings, engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    _answers(engine, _every_shape())  # this process keeps the bitmaps now
    other = Site.open(settings, migrate=False, queue=False)
    try:
        with write(other.engine) as conn:
            patch_dataset(conn, SYSTEM, "bibliotek", {"state": "published"})
            delete_dataset(conn, SYSTEM, "badplatser")
            added = _dataset(
                "aaa",
                "Abborrar",
                "Perch",
                themes=["ENVI"],
                distributions=[_dist("JSON")],
                modified=dt.date(2025, 1, 1),
            )
            create_dataset(conn, SYSTEM, DatasetIn.model_validate(added))
        with write(other.engine) as conn:
            # The newest document removed and added again: SQLite gives the new one its id.
            patch_dataset(conn, SYSTEM, "aaa", {"title": {"sv": "Öringar", "en": "Trout"}})
            patch_dataset(conn, SYSTEM, "zebra", {"modified": "2026-01-01", "themes": ["ENVI"]})
    finally:
        other.close()
    applied = _answers(engine, _every_shape())
    kept = bitmaps._kept[engine]
    assert -1 in kept.ids  # the removed documents' places: the change applied, not read whole
    with write(engine) as conn:  # an index without a version: searches count in SQL
        conn.execute(sa.text("DELETE FROM search_index_version"))
    assert _answers(engine, _every_shape()) == applied


def _by_id(kept: bitmaps.Bitmaps, found: dict[_K, int]) -> dict[_K, list[int]]:
    return {key: sorted(kept.ids[members(bits)].tolist()) for key, bits in found.items()}


def _texts_ranked(conn: sa.Connection, kept: bitmaps.Bitmaps) -> dict[str, object]:
    postings = kept.text.postings(conn, kept)
    out: dict[str, object] = {}
    for text in ("bad", "platser", "abborrar", "öringar", "zebra", "perch trout", "data"):
        found = rank(conn.dialect.name, postings, query_words(text))
        if found is not None:
            positions, scores = found
            out[text] = dict(zip(kept.ids[positions].tolist(), scores.tolist(), strict=True))
    return out


def _same_state(conn: sa.Connection, changed: bitmaps.Bitmaps, fresh: bitmaps.Bitmaps) -> None:
    """The changed state holds what a fresh read holds, document by document: its places,
    groups, facet values, kept orders, postings' titles and lengths, and rankings."""
    live = [d for d in changed.ids.tolist() if d >= 0]
    assert sorted(live) == fresh.ids.tolist()
    assert dict(changed.positions) == {d: p for p, d in enumerate(changed.ids.tolist()) if d >= 0}
    assert len(changed.positions) == len(live)
    assert _by_id(changed, changed.groups) == _by_id(fresh, fresh.groups)
    for facet in {*changed.values, *fresh.values}:
        assert _by_id(changed, changed.values.get(facet, {})) == _by_id(
            fresh, fresh.values.get(facet, {})
        ), facet
    for name in bitmaps.ORDERS:
        assert changed.ids[changed.order(name)].tolist() == fresh.ids[fresh.order(name)].tolist()
    texts = [changed.text.postings(conn, changed), fresh.text.postings(conn, fresh)]
    for state, postings in zip((changed, fresh), texts, strict=True):
        assert postings.ids.tolist() == state.ids.tolist()
    for d in live:
        here, there = changed.positions[d], fresh.positions[d]
        assert texts[0].titles[here] == texts[1].titles[there]
        assert texts[0].lengths[here].tolist() == texts[1].lengths[there].tolist()
    assert _texts_ranked(conn, changed) == _texts_ranked(conn, fresh)


def test_each_write_of_another_process_is_applied_as_a_fresh_process_reads_it(
    settings: Settings, engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    keep_ready(engine, freeze=False)  # as a server process: each new state's postings made
    with read(engine) as conn:
        first = bitmaps.current(conn)
    assert first is not None
    perch = _dataset("aaa", "Abborrar", "Perch", themes=["ENVI"], distributions=[_dist("JSON")],
                     modified=dt.date(2025, 1, 1))  # fmt: skip
    retheme = {"themes": ["ENVI"], "modified": "2026-01-01"}
    writes: list[list[Callable[[sa.Connection], object]]] = [
        [lambda c: create_dataset(c, SYSTEM, DatasetIn.model_validate(perch))],  # insert
        [lambda c: patch_dataset(c, SYSTEM, "aaa", {"title": {"sv": "Öringar", "en": "Trout"}})],
        [lambda c: patch_dataset(c, SYSTEM, "zebra", retheme)],  # theme and date
        [lambda c: delete_dataset(c, SYSTEM, "badplatser")],
        [lambda c: patch_dataset(c, SYSTEM, "bibliotek", {"state": "published"}),  # two at once
         lambda c: patch_dataset(c, SYSTEM, "forskolor", {"title": {"sv": "Abborrar i Ale"}})],
    ]  # fmt: skip
    other = Site.open(settings, migrate=False, queue=False)
    try:
        for changes in writes:
            for change in changes:
                with write(other.engine) as conn:
                    change(conn)
            applied = _answers(engine, _every_shape())
            fresh = Site.open(settings, migrate=False, queue=False)  # a process keeping nothing
            try:
                assert applied == _answers(fresh.engine, _every_shape())
                with read(engine) as conn, read(fresh.engine) as fresh_conn:
                    changed, read_whole = bitmaps.current(conn), bitmaps.current(fresh_conn)
                    assert changed is not None and read_whole is not None
                    assert changed.keys is first.keys  # changed, not read whole
                    _same_state(conn, changed, read_whole)
            finally:
                fresh.close()
    finally:
        other.close()
