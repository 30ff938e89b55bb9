"""Own files are kept as references (`/files/<key>`) and shown under the site's address of the
moment: moving the site (another port, a proxy, a new domain) breaks no link and no load, and
migration 0012 turns the addresses kept before into references."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from tests.conftest import dataset_payload, org_payload
from torget.accounts.permissions import COMMAND_LINE, SYSTEM
from torget.app import create_app
from torget.catalog.datasets import Dataset, get_dataset
from torget.catalog.model import DatasetIn, DistributionIn, OrganisationIn
from torget.datastore import jobs
from torget.datastore.load import run_job
from torget.datastore.tables import current_table
from torget.db.engine import read, write
from torget.db.migrate import alembic_config, upgrade
from torget.db.schema import datastore_jobs, distributions
from torget.files.urls import file_url
from torget.publishing import changes, settlements
from torget.settings import Settings
from torget.site import Site

CSV = b"namn;temperatur\nNorrby strand;18\nSolviken;21\n"
MOVED = "https://data.kommun.example"


def _dataset_with_upload(site: Site) -> tuple[Dataset, str]:
    """A published dataset whose one distribution links to an uploaded CSV, and its key."""
    with write(site.engine) as conn:
        changes.create_organisation(
            conn, COMMAND_LINE, OrganisationIn.model_validate(org_payload())
        )
        draft = changes.create_dataset(
            conn,
            COMMAND_LINE,
            DatasetIn.model_validate(dataset_payload(state="draft", distributions=[])),
        )
    key = f"datasets/{draft.id}/upload-1/badplatser.csv"
    site.files.put(key, CSV, "text/csv")
    link = {"download_url": file_url(site.settings, key), "format": "CSV", "license": "CC0-1.0"}
    with write(site.engine) as conn:
        changes.add_distribution(conn, COMMAND_LINE, draft.id, DistributionIn.model_validate(link))
    # Issue 13 B: published once classified and once the guard has scanned the upload.
    with write(site.engine) as conn:
        levels = settlements.ClassificationIn(0, 1, 1, "Public places.")
        settlements.classify_with(conn, SYSTEM, draft.id, levels)
        changes.patch_dataset(conn, COMMAND_LINE, draft.id, {"state": "published"})
    with read(site.engine) as conn:
        job = jobs.latest_job(conn, get_dataset(conn, SYSTEM, draft.id).distributions[0].id)
    assert job is not None
    run_job(site.settings, site.engine, job.id, site.files)
    with read(site.engine) as conn:
        return get_dataset(conn, SYSTEM, draft.id), key


def _kept(engine: sa.Engine, dist_id: str) -> dict[str, Any]:
    with read(engine) as conn:
        data = conn.execute(
            sa.select(distributions.c.data).where(distributions.c.id == dist_id)
        ).scalar_one()
    return dict(json.loads(data))


def test_a_moved_site_shows_and_loads_its_own_files_under_its_new_address(site: Site) -> None:
    dataset, key = _dataset_with_upload(site)
    dist = dataset.distributions[0]
    assert dist.data.download_url == f"http://testserver/files/{key}"
    assert _kept(site.engine, dist.id)["download_url"] == f"/files/{key}"
    with read(site.engine) as conn:
        job = jobs.latest_job(conn, dist.id)
    assert job is not None and job.source == f"/files/{key}"

    moved = dataclasses.replace(site.settings, base_url=MOVED)
    with Site.open(moved, migrate=False) as there:
        with read(there.engine) as conn:
            shown = get_dataset(conn, SYSTEM, dataset.id).distributions[0].data
        assert shown.download_url == f"{MOVED}/files/{key}"
        assert shown.access_url == f"{MOVED}/files/{key}"
        with TestClient(create_app(there), base_url=MOVED) as client:
            feed = client.get("/datasets/dcat", headers={"Accept": "text/turtle"}).text
            assert f"<{MOVED}/files/{key}>" in feed and "http://testserver/files" not in feed
            assert client.get(f"/files/{key}").content == CSV
        run_job(moved, there.engine, job.id, there.files)  # the worker of the moved site
        with read(there.engine) as conn:
            table = current_table(conn, moved.datastore_path, dist.id)
        assert table is not None and table.row_count == 2


def test_migration_turns_kept_addresses_into_references(site: Site, settings: Settings) -> None:
    dataset, key = _dataset_with_upload(site)
    dist_id = dataset.distributions[0].id
    old_port = "http://127.0.0.1:8701"  # a site that ran without base_url, on another port
    config = alembic_config(site.engine, dataclasses.replace(settings, base_url=old_port))
    command.downgrade(config, "0011")
    assert _kept(site.engine, dist_id)["download_url"] == f"{old_port}/files/{key}"
    with write(site.engine) as conn:  # an address of the site's own and a stranger's
        conn.execute(datastore_jobs.update().values(source=f"{MOVED}/files/{key}"))
        record = _kept(site.engine, dist_id) | {"access_url": "https://other.example/files/x.csv"}
        conn.execute(
            distributions.update()
            .where(distributions.c.id == dist_id)
            .values(data=json.dumps(record))
        )

    upgrade(site.engine, dataclasses.replace(settings, base_url=MOVED))

    kept = _kept(site.engine, dist_id)
    assert kept["download_url"] == f"/files/{key}"
    assert kept["access_url"] == "https://other.example/files/x.csv"
    with read(site.engine) as conn:
        sources = set(conn.execute(sa.select(datastore_jobs.c.source)).scalars())
    assert sources == {f"/files/{key}"}
