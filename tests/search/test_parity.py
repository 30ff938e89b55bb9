"""The same query gives the same results on SQLite (FTS5) and PostgreSQL (tsvector).

One catalogue is built through the stores on both databases; every query then runs on both.
Where the order is defined (title, modified, popularity; paging) the names must come in the
same order; for relevance, whose scores differ by design (bm25 against ts_rank), the same set.
Facet counts must be equal everywhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL
from tests.search.conftest import CATALOGUE, NASTY, _dataset, _dist, build_catalogue
from torget.accounts.permissions import ANONYMOUS
from torget.db.engine import read, write
from torget.search import SearchQuery, record_download, record_view, search_datasets
from torget.settings import load_settings, normalise_database_url
from torget.site import Site

pytestmark = pytest.mark.postgres


MORE = [
    _dataset("cykel-2023", "Cykelräkningar 2023", "Bicycle counts 2023", themes=["TRAN"],
             keywords={"sv": ["cykel"], "en": ["bicycle"]}, modified=dt.date(2024, 1, 1)),
    _dataset("cykel-2024", "Cykelräkningar 2024", "Bicycle counts 2024", themes=["TRAN"],
             keywords={"sv": ["cykel"], "en": ["bicycle"]}, modified=dt.date(2024, 1, 1)),
    _dataset("bad-norrby", "Badplats Norrby", "Norrby beach", themes=["ENVI"],
             distributions=[_dist("JSON"), _dist("CSV", "CC-BY-4.0")],
             modified=dt.date(2024, 5, 1)),
    _dataset("aker", "Åkermark", "Arable land", themes=["AGRI"], modified=dt.date(2024, 5, 1)),
    _dataset("eclair", "Éclairer och ängsblommor", "Éclairs", themes=["AGRI"],
             modified=dt.date(2018, 1, 1)),
    _dataset("e6", "Trafik på E6 vid Sjöstad", "Traffic on the E6", themes=["TRAN"],
             keywords={"sv": ["e6", "trafikflöde"], "en": ["traffic flow"]},
             modified=dt.date(2023, 1, 1)),
]  # fmt: skip
RECORDS = [dict(r, modified=r.get("modified") or dt.date(2020, 1, 1)) for r in CATALOGUE + MORE]

QUERIES: list[dict[str, Any]] = [
    {},
    {"text": "badplatser"},
    {"text": "badplats"},
    {"text": "badplatsen"},
    {"text": "bathing"},
    {"text": "beaches"},
    {"text": "cykel"},
    {"text": "cyklar"},
    {"text": "cykelräkningarna"},
    {"text": "cykelräkning"},
    {"text": "bicycles 2024"},
    {"text": "parkeringsplats"},
    {"text": "förskola barn"},
    {"text": "water quality"},
    {"text": "ängsblomma"},
    {"text": "e6"},
    {"text": "trafik"},
    {"text": "the"},
    {"text": "beskrivning", "sort": "title"},
    {"sort": "title"},
    {"sort": "title", "lang": "en"},
    {"sort": "modified"},
    {"sort": "popularity"},
    {"sort": "title", "page": 2, "page_size": 3},
    {"sort": "modified", "page": 3, "page_size": 4},
    {"sort": "popularity", "page": 2, "page_size": 5},
    {"filters": {"theme": ["TRAN"]}, "sort": "title"},
    {"filters": {"theme": ["TRAN", "AGRI"], "format": ["CSV"]}, "sort": "modified"},
    {"text": "bad", "filters": {"format": ["JSON"], "license": ["CC0-1.0"]}},
    {"text": "cykel", "filters": {"keyword": ["cykel"], "organisation": ["sjostad"]}},
    {"filters": {"keyword": ["bicycle"]}, "lang": "en", "sort": "title"},
    {"filters": {"hvd": ["c_ac64a52d"], "conforms_to": ["https://example.org/spec/parkering"]}},
    {"filters": {"organisation": ["trafik", "grannby"], "theme": ["EDUC", "TRAN"]}},
] + [{"text": nasty} for nasty in NASTY]


def _build(url: str, data_dir: Path) -> sa.Engine:
    settings = load_settings(
        environ={}, config_file=data_dir / "absent.toml", data_dir=data_dir, database_url=url
    )
    engine = Site.open(settings, queue=False).engine
    ids = build_catalogue(engine, RECORDS)
    with write(engine) as conn:  # the same popularity on both
        for i, name in enumerate(sorted(ids)):
            for _ in range(i % 4):
                record_view(conn, ids[name])
            if i % 3 == 0:
                record_download(conn, ids[name])
    return engine


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    if not POSTGRES_URL:
        pytest.skip("needs TORGET_TEST_POSTGRES_URL")
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sa.create_engine(normalise_database_url(POSTGRES_URL))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    folder = tmp_path_factory.mktemp("parity")
    sqlite = _build(f"sqlite:///{folder / 'torget.db'}", folder)
    postgres = _build(f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}", folder / "pg")
    try:
        yield sqlite, postgres
    finally:
        sqlite.dispose()
        postgres.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def _run(engine: sa.Engine, query: SearchQuery) -> tuple[int, list[str], dict[str, Any]]:
    with read(engine) as conn:
        result = search_datasets(conn, ANONYMOUS, query)
    facets = {k: [(v.value, v.count) for v in values] for k, values in result.facets.items()}
    return result.total, [d.name for d in result.items], facets


@pytest.mark.parametrize("spec", QUERIES, ids=[repr(q)[:60] for q in QUERIES])
def test_same_results_on_both_databases(
    engines: tuple[sa.Engine, sa.Engine], spec: dict[str, Any]
) -> None:
    query = SearchQuery(**{"page_size": 50, **spec})
    on_sqlite, on_postgres = (_run(engine, query) for engine in engines)
    assert on_sqlite[0] == on_postgres[0], "total"
    assert on_sqlite[2] == on_postgres[2], "facets"
    if query.sort == "relevance" and query.text.strip():
        assert set(on_sqlite[1]) == set(on_postgres[1])
    else:
        assert on_sqlite[1] == on_postgres[1]


def test_the_queries_find_something(engines: tuple[sa.Engine, sa.Engine]) -> None:
    """Guard against a parity that holds because both find nothing."""
    sqlite = engines[0]
    expected_counts = {"badplats": 3, "badplatser": 3, "cykelräkningarna": 2, "cykelräkning": 2,
                       "e6": 1, "ängsblomma": 1, "bicycles 2024": 1}  # fmt: skip
    for text, expected in expected_counts.items():
        assert _run(sqlite, SearchQuery(text=text))[0] == expected, text
