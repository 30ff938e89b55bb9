"""`POST /api/distributions/{id}/file`: the JSON API uploads a distribution's file (issue 18).

The same rules hold as for the upload page and CKAN's `resource_create` with `upload`: editors
of the dataset's organisation only, at most `upload_max_bytes`, the file kept under the
dataset's own key, the file it replaces removed after the commit, and the new table loaded
and scanned by the personal-data guard before the dataset can be published.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import CLASSIFIED, World, dataset_payload, suite_settings
from torget.app import create_app
from torget.datastore.load import run_job
from torget.datastore.queue import sweep_now
from torget.files.urls import key_of_url
from torget.site import Site

PLACES = "plats,besokare\nStrandbadet,120\nSjobadet,80\n"
PEOPLE = "namn,personnummer\nAnna,19811218-9876\nBo,811218-9876\nCilla,19900101-0017\n"


@pytest.fixture
def small_site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    opened = Site.open(suite_settings(database_url, tmp_path, upload_max_bytes=1000))
    yield opened
    opened.close()


@pytest.fixture
def world(small_site: Site) -> Iterator[World]:
    with TestClient(create_app(small_site)) as client:
        yield World(client, small_site.engine)


def _draft(world: World) -> tuple[str, str]:
    made = world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    assert made.status_code == 201, made.text
    return made.json()["id"], made.json()["distributions"][0]["id"]


def _upload(world: World, dist: str, text: str, user: str = "editor", name: str = "bad.csv"):  # type: ignore[no-untyped-def]
    headers = world.auth(user) if user else {}
    files = {"file": (name, text.encode(), "text/csv")}
    return world.client.post(f"/api/distributions/{dist}/file", files=files, headers=headers)


def test_an_editor_uploads_and_the_old_file_goes(world: World, small_site: Site) -> None:
    dataset_id, dist = _draft(world)
    first = _upload(world, dist, PLACES)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["download_url"].startswith(f"http://testserver/files/datasets/{dataset_id}/")
    assert body["download_url"].endswith("/bad.csv") and body["byte_size"] == len(PLACES)
    assert body["format"].endswith("/file-type/CSV") and body["media_type"] == "text/csv"
    assert len(body["checksum_sha1"]) == 40
    fetched = world.client.get(body["download_url"], headers=world.auth("editor"))
    assert fetched.status_code == 200 and fetched.text == PLACES

    second = _upload(world, dist, PLACES + "Viken,3\n", name="bad-2024.csv")
    assert second.status_code == 200, second.text
    old_key = key_of_url(small_site.settings, body["download_url"])
    assert old_key is not None and not small_site.files.exists(old_key)
    assert second.json()["access_url"] == second.json()["download_url"]


def test_only_editors_within_the_limit(world: World, small_site: Site) -> None:
    dataset_id, dist = _draft(world)
    assert _upload(world, dist, PLACES, user="").status_code in (401, 404)
    assert _upload(world, dist, PLACES, user="outsider").status_code in (403, 404)
    too_large = _upload(world, dist, "x," * 600)
    assert too_large.status_code == 413 and too_large.json()["code"] == "file_too_large"
    kept = small_site.settings.data_dir / "files" / "datasets" / dataset_id
    assert not kept.exists() or not any(p.is_file() for p in kept.rglob("*"))
    assert _upload(world, "no-such-distribution", PLACES).status_code == 404


def test_the_personal_data_guard_scans_the_upload(world: World, small_site: Site) -> None:
    dataset_id, dist = _draft(world)
    assert _upload(world, dist, PEOPLE).status_code == 200
    for job in sweep_now(small_site.settings, small_site.engine):
        run_job(small_site.settings, small_site.engine, job, small_site.files)
    auth = world.auth("editor")
    classified = world.client.put(
        f"/api/datasets/{dataset_id}/classification", json=CLASSIFIED, headers=auth
    )
    assert classified.status_code == 200, classified.text
    published = world.client.patch(
        f"/api/datasets/{dataset_id}", json={"state": "published"}, headers=auth
    )
    assert published.status_code == 422, published.text
    assert "personal_data_unsigned" in published.text
