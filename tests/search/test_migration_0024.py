"""Migration 0024 rebuilds the search index of an existing catalogue, on both databases: a
site upgraded from 0022 (the one before it) finds its datasets by the new rules without
`torget search reindex`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from tests.conftest import BACKENDS, fresh_database, suite_settings
from torget.accounts.permissions import ANONYMOUS
from torget.catalog.model import DatasetIn, OrganisationIn
from torget.clock import now
from torget.db.engine import make_engine, read, write
from torget.db.migrate import alembic_config
from torget.db.schema import datasets, distributions, organisations
from torget.search import SearchQuery, search_datasets
from torget.site import Site


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_existing_catalogue_is_reindexed(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path / "old.db") as url:
        engine = make_engine(url)
        command.upgrade(alembic_config(engine), "0022")
        org = OrganisationIn.model_validate(
            {"name": "goteborg", "title": {"sv": "Göteborgs Stad"},
             "publisher_type": "LocalAuthority"}
        )  # fmt: skip
        data = DatasetIn.model_validate(
            {"organisation": "goteborg", "state": "published", "name": "bad",
             "title": {"sv": "Badplatser i Göteborg"}, "description": {"sv": "Stränder."}}
        )  # fmt: skip
        stamp = now()
        with write(engine) as conn:
            conn.execute(sa.insert(organisations).values(
                id="o1", name="goteborg", data=org.model_dump_json(), created_at=stamp,
                updated_at=stamp))  # fmt: skip
            conn.execute(sa.insert(datasets).values(
                id="d1", identifier="d1", name="bad", organisation_id="o1", state="published",
                title_sv="Badplatser i Göteborg", created_at=stamp, updated_at=stamp,
                data=data.model_dump_json(exclude={"distributions"})))  # fmt: skip
            conn.execute(sa.insert(distributions).values(
                id="x1", dataset_id="d1", position=0, created_at=stamp, updated_at=stamp,
                data=json.dumps({"format": "CSV", "title": {"sv": "Badplatser som CSV"},
                                 "download_url": "/files/bad.csv"})))  # fmt: skip
        engine.dispose()
        site = Site.open(suite_settings(url, tmp_path), queue=False)  # migrates to head
        with site, read(site.engine) as conn:
            found = search_datasets(conn, ANONYMOUS, SearchQuery(text="Goteborg badpl"))
        assert [d.name for d in found.items] == ["bad"]
