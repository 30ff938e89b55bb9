"""The datastore reads Torget's own files straight from the store, with no HTTP request and
no reader to check: so it loads an upload only for a distribution of the dataset that owns
it. A link to another organisation's draft file must not publish its rows as a table."""

from __future__ import annotations

import sqlalchemy as sa

from tests.files.conftest import dataset_with_files
from torget.datastore import jobs
from torget.datastore.load import run_job
from torget.datastore.tables import current_table
from torget.db.engine import read, write
from torget.files.memory import MemoryFileStore
from torget.files.urls import file_url
from torget.settings import Settings

CSV = "namn;antal\nNorrby;12\nSöderby;7\n".encode()
UPLOAD = "datasets/{id}/0f8fad5b-d9cb-469f-a165-70867728950e/hemligt.csv"


def _load(settings: Settings, engine: sa.Engine, store: MemoryFileStore, dist_id: str,
          key: str) -> jobs.Job:  # fmt: skip
    with write(engine) as conn:
        job_id = jobs.create_job(conn, dist_id, file_url(settings, key), "csv")
    run_job(settings, engine, job_id, store)
    with read(engine) as conn:
        job = jobs.get_job(conn, job_id)
    assert job is not None
    return job


def test_an_upload_is_loaded_only_for_its_own_dataset(
    settings: Settings, engine: sa.Engine
) -> None:
    store = MemoryFileStore()
    draft = dataset_with_files(engine, settings, [UPLOAD], state="draft")
    key = UPLOAD.format(id=draft.id)
    store.put(key, CSV, "text/csv")
    other = dataset_with_files(engine, settings, [key], organisation="grannby")

    refused = _load(settings, engine, store, other.distributions[0].id, key)
    assert refused.state == "failed", refused
    assert "another dataset's upload" in (refused.error or "")
    own = _load(settings, engine, store, draft.distributions[0].id, key)
    assert own.state == "done", own
    with read(engine) as conn:
        assert current_table(conn, settings.datastore_path, other.distributions[0].id) is None
        assert current_table(conn, settings.datastore_path, draft.distributions[0].id)
