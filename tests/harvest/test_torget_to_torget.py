"""Another Torget on loopback, harvested through its DCAT feed and through its CKAN API: the
datasets arrive once, stay valid in this Torget's own feed, and are searchable and faceted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from tests.ckan.conftest import Live, _serve
from tests.conftest import dataset_payload, fresh_database
from tests.harvest.conftest import add, run
from torget.accounts.permissions import SYSTEM
from torget.catalog import datasets
from torget.catalog.model import DatasetIn
from torget.db.engine import write
from torget.dcat.validation import validate_graph
from torget.settings import load_settings
from torget.site import Site


@pytest.fixture
def other(database_url: str, tmp_path: Path) -> Iterator[Live]:
    """A second Torget with three published datasets (written by its own catalogue store
    before it serves anything: its publishing gates are another issue's, not this test's)."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with fresh_database(backend, tmp_path / "other.db") as url:
        for live in _serve(url, tmp_path / "other"):
            settings = load_settings(environ={}, config_file=tmp_path / "absent.toml",
                                     data_dir=tmp_path / "other-writer", database_url=url,
                                     base_url=live.base)  # fmt: skip
            with Site.open(settings) as writer, write(writer.engine) as conn:
                for n in range(3):
                    datasets.create_dataset(conn, SYSTEM, _dataset(n))
            yield live


def _dataset(n: int) -> DatasetIn:
    return DatasetIn.model_validate(dataset_payload(
        state="published", title={"sv": f"Luftkvalitet {n}", "en": f"Air quality {n}"},
        keywords={"sv": ["luft"], "en": ["air"]}, themes=["ENVI"],
    ))  # fmt: skip


@pytest.mark.parametrize("kind", ["dcat", "ckan"])
def test_another_torget(
    site: Site, region: str, client: TestClient, other: Live, kind: str
) -> None:
    url = f"{other.base}/datasets/dcat" if kind == "dcat" else other.base
    source = add(site, url, type=kind, publisher_organisations=True)
    first = run(site, source)
    assert (first.state, first.created, first.skipped) == ("done", 3, 0), first.as_json()
    assert run(site, source).unchanged == 3
    feed = rdflib.Graph().parse(data=client.get("/datasets/dcat").content, format="xml")
    violations = [f for f in validate_graph(feed) if f.severity == "violation"]
    assert violations == []
    found = client.get("/api/search", params={"q": "luftkvalitet", "theme": "ENVI"}).json()
    assert found["count"] == 3, found
    organisations = {f["value"] for f in found["facets"]["organisation"]}
    assert organisations == {"sjostads-kommun"}
