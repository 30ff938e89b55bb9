"""`/files/{key}` serves from the configured store, streamed, and the demo copies into it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import client_site
from tests.files.conftest import dataset_with_files, s3_store
from torget.app import create_app
from torget.files import FileStore
from torget.files.memory import MemoryFileStore
from torget.publishing.demo import copy_demo_files
from torget.settings import Settings, load_settings
from torget.site import Site

CSV = b"namn;lat;lon\nNorrby strand;59.1;18.2\n"


@contextmanager
def _client_with(settings: Settings, store: FileStore | None = None) -> Iterator[TestClient]:
    with Site.open(settings, migrate=False) as site:
        if store is not None:  # an S3 bucket made by the test, not one named in settings
            site.files = store
        with TestClient(create_app(site)) as client:
            yield client


def _site(client: TestClient) -> Site:
    return client_site(client)


def _check_served(client: TestClient, store: FileStore, settings: Settings) -> None:
    store.put("demo/badplatser.csv", CSV, "text/csv")
    assert client.get("/files/demo/badplatser.csv").status_code == 404  # nothing links to it
    dataset_with_files(_site(client).engine, settings, ["demo/badplatser.csv"])  # type: ignore[attr-defined]
    response = client.get("/files/demo/badplatser.csv")
    assert response.status_code == 200 and response.content == CSV
    assert response.headers["content-type"] == "text/csv"
    assert response.headers["content-length"] == str(len(CSV))
    assert client.get("/files/demo/saknas.csv").status_code == 404
    for sneaky in ("/files/..%2Fsecret.txt", "/files/demo/..%2F..%2Fsecret.txt", "/files/.tmp-x"):
        assert client.get(sneaky).status_code == 404, sneaky


@pytest.mark.usefixtures("engine")
def test_local_files_are_served(settings: Settings) -> None:
    (settings.data_dir / "secret.txt").parent.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "secret.txt").write_text("not for the web")
    with _client_with(settings) as client:
        _check_served(client, _site(client).files, settings)  # type: ignore[attr-defined]
    assert (settings.data_dir / "files" / "demo" / "badplatser.csv").read_bytes() == CSV


@pytest.mark.usefixtures("engine")
def test_memory_files_are_served(settings: Settings, tmp_path: Path) -> None:
    memory = load_settings(environ={}, config_file=tmp_path / "none.toml",
                           data_dir=settings.data_dir, database_url=settings.database_url,
                           files_url="memory:")  # fmt: skip
    with _client_with(memory) as client:
        assert isinstance(_site(client).files, MemoryFileStore)  # type: ignore[attr-defined]
        _check_served(client, _site(client).files, memory)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("engine")
def test_s3_files_are_served(settings: Settings, s3_endpoint: str) -> None:
    store = s3_store(s3_endpoint)
    with _client_with(settings, store) as client:
        _check_served(client, store, settings)


def test_demo_files_are_copied_through_the_store(tmp_path: Path, engine: sa.Engine) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "badplatser.csv").write_bytes(CSV)
    (folder / "karta.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    (folder / "__init__.py").write_text("")
    store = MemoryFileStore()
    assert copy_demo_files(store, folder) == 2
    assert store.size("demo/badplatser.csv") == len(CSV) and store.exists("demo/karta.geojson")
    assert not store.exists("demo/__init__.py")
