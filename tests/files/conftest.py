"""A real S3-compatible server (moto) on loopback, and datasets that link to stored files,
shared by the file tests."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.conftest import dataset_payload, org_payload
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import Dataset, add_distribution, create_dataset, get_dataset
from torget.catalog.model import DatasetIn, DistributionIn, OrganisationIn
from torget.catalog.organisations import create_organisation, get_organisation
from torget.db.engine import write
from torget.db.schema import datastore_jobs
from torget.errors import NotFound
from torget.files.s3 import S3FileStore
from torget.files.urls import file_url
from torget.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto) on 127.0.0.1, with throw-away credentials."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        os.environ.setdefault(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_store(endpoint: str) -> S3FileStore:
    bucket = "torget-" + uuid.uuid4().hex[:12]
    store = S3FileStore.from_url(
        f"s3://{bucket}/site/files?endpoint_url={endpoint}&region=eu-north-1"
    )
    store._client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    return store


def dataset_with_files(
    engine: sa.Engine, settings: Settings, keys: list[str], state: str = "published",
    organisation: str = "sjostad",
) -> Dataset:  # fmt: skip
    """A dataset (and its organisation, if new) whose distributions link to the stored files
    at `keys`; `{id}` in a key becomes the dataset's id, as in an upload's key. Their loads
    count as passed, as if the personal-data guard had cleared them (these tests are about
    serving files; the hold before that is tests/publishing/test_held_uploads.py's)."""
    with write(engine) as conn:
        try:
            get_organisation(conn, organisation)
        except NotFound:
            payload = org_payload(organisation, org_number=None)
            create_organisation(conn, SYSTEM, OrganisationIn.model_validate(payload))
        body = dataset_payload(state=state, organisation=organisation, distributions=[])
        dataset = create_dataset(conn, SYSTEM, DatasetIn.model_validate(body))
        for key in keys:
            link = {"download_url": file_url(settings, key.format(id=dataset.id)),
                    "format": "CSV", "license": "CC0-1.0"}  # fmt: skip
            dist = add_distribution(conn, SYSTEM, dataset.id, DistributionIn.model_validate(link))
            if state == "published":
                jobs = datastore_jobs
                cleared = jobs.update().where(jobs.c.distribution_id == dist.id)
                conn.execute(cleared.values(state="done"))
        return get_dataset(conn, SYSTEM, dataset.id)
