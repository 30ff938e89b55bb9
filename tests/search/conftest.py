"""A small catalogue for search tests, built through the catalogue stores (so the index is
kept by the domain events, as in production), on every configured database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import org_payload
from torget.accounts.permissions import ANONYMOUS, SYSTEM
from torget.catalog.datasets import create_dataset
from torget.catalog.model import DatasetIn, OrganisationIn
from torget.catalog.organisations import create_organisation
from torget.db.engine import read, write
from torget.search import SearchQuery, search_datasets

HVD_GEO = "c_ac64a52d"
SPEC = "https://example.org/spec/parkering"

# Search syntax of FTS5, tsquery and SQL, odd Unicode: all must be read as plain words.
NASTY = [
    '"unbalanced', "badplats AND OR", "AND", "OR NOT", "*", "-", ":", "bad*", "-bad", "title:bad",
    "NEAR(bad strand)", "NEAR", "(", ")", "((bad)", "'; DROP TABLE datasets; --", "' OR 1=1 --",
    "bad & strand | !x", "<->", "a:*", "\\", "%", "_", "^bad", "{bad}", "bad\x00strand",
    "ÅÄÖ åäö", "😀 bad", "x²", "ﬁsk", "İstanbul", "Straße", "e6", "2024", "3.5", "—", "\t\n",
    "a" * 300, " ".join(["bad"] * 50), "och", "the and of", "\u200b",
]  # fmt: skip


def _answers(engine: sa.Engine, queries: list[SearchQuery]) -> list[tuple[object, ...]]:
    """Each query's total, names and facets, each read in a transaction of its own."""
    out = []
    for query in queries:
        with read(engine) as conn:
            result = search_datasets(conn, ANONYMOUS, query)
        out.append((result.total, [d.name for d in result.items], result.facets))
    return out


def _dist(fmt: str, licence: str | None = "CC0-1.0", **more: Any) -> dict[str, Any]:
    return {"download_url": f"https://data.example/{fmt.lower()}", "format": fmt,
            "license": licence, **more}  # fmt: skip


def _dataset(name: str, sv: str, en: str | None, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": name,
        "organisation": "sjostad",
        "state": "published",
        "title": {"sv": sv, "en": en},
        "description": {"sv": f"Beskrivning av {sv.lower()}.", "en": en and f"About {en}."},
        "distributions": [_dist("CSV")],
    }
    record.update(fields)
    return record


CATALOGUE = [
    _dataset("badplatser", "Badplatser", "Bathing sites", themes=["ENVI"],
             keywords={"sv": ["bad", "strand"], "en": ["bathing", "beach"]},
             modified=dt.date(2024, 5, 1)),
    _dataset("vattenkvalitet", "Badplatsens vattenkvalitet", "Water quality at bathing sites",
             themes=["ENVI", "HEAL"], keywords={"sv": ["bad", "vattenkvalitet"], "en": []},
             distributions=[_dist("CSV", "CC-BY-4.0"), _dist("JSON", "CC-BY-4.0")],
             modified=dt.date(2023, 6, 1)),
    _dataset("parkering", "Parkeringsplatser", "Parking spaces", organisation="trafik",
             themes=["TRAN"], hvd_categories=[HVD_GEO], applicable_legislation=["HVD"],
             conforms_to=[{"url": SPEC}], distributions=[_dist("GEOJSON")],
             keywords={"sv": ["parkering"], "en": ["parking"]}, modified=dt.date(2024, 1, 1)),
    _dataset("forskolor", "Förskolor", "Preschools", organisation="grannby", themes=["EDUC"],
             keywords={"sv": ["förskola", "barn"], "en": []}, modified=dt.date(2022, 1, 1)),
    _dataset("angar", "Ängar och åkrar", None, themes=["AGRI"],
             distributions=[_dist("XLSX", None)], license="CC-BY-4.0",
             modified=dt.date(2021, 3, 1)),
    _dataset("bibliotek", "Öppettider för bibliotek", "Library opening hours", state="draft",
             themes=["EDUC"], distributions=[_dist("JSON")], modified=dt.date(2024, 2, 1)),
    _dataset("zebra", "Zebralinjer", "Zebra crossings", organisation="trafik", themes=["TRAN"],
             keywords={"sv": ["gata"], "en": ["street"]}, modified=dt.date(2020, 1, 1)),
    _dataset("avfall", "Avfall", "Waste", organisation="grannby", state="draft",
             themes=["ENVI"], distributions=[_dist("CSV", "CC-BY-4.0")],
             modified=dt.date(2019, 1, 1)),
]  # fmt: skip


def build_catalogue(engine: sa.Engine, records: list[dict[str, Any]] = CATALOGUE) -> dict[str, str]:
    """Organisations and datasets; returns dataset ids by name."""
    with write(engine) as conn:
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(org_payload()))
        for name, title, parent in (("trafik", "Trafikkontoret", "sjostad"),
                                    ("grannby", "Grannby kommun", None)):  # fmt: skip
            payload = org_payload(name, title={"sv": title}, org_number=None, parent=parent)
            create_organisation(conn, SYSTEM, OrganisationIn.model_validate(payload))
        return {
            d.name: d.id
            for d in (create_dataset(conn, SYSTEM, DatasetIn.model_validate(r)) for r in records)
        }


@pytest.fixture
def catalogue(engine: sa.Engine) -> dict[str, str]:
    return build_catalogue(engine)
