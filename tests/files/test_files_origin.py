"""`files_base_url`: a separate origin for the uploads. The site itself then sends no file
content: `/files/…` checks the caller and redirects there, signed when the file is not public;
the files origin answers nothing but `/files/…`."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import World, client_site, suite_settings
from tests.files.conftest import dataset_with_files
from torget.files import FileStore
from torget.settings import Settings, SettingsError, load_settings
from torget.web.user_files import signed_query

FILES = "http://files.testserver"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
UPLOAD = "datasets/{id}/0f8fad5b-d9cb-469f-a165-70867728950e/karta.svg"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(database_url, tmp_path, files_base_url=FILES)


def _store(world: World) -> FileStore:
    return client_site(world.client).files


def _uploaded(world: World, engine: sa.Engine, settings: Settings, state: str) -> str:
    dataset = dataset_with_files(engine, settings, [UPLOAD], state=state)
    key = UPLOAD.format(id=dataset.id)
    _store(world).put(key, SVG)
    return key


def test_the_site_sends_browsers_to_the_files_origin(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    key = _uploaded(world, engine, settings, "published")
    sent = world.client.get(f"/files/{key}", follow_redirects=False)
    assert sent.status_code == 307 and sent.content == b""
    assert sent.headers["location"] == f"{FILES}/files/{key}"
    served = world.client.get(sent.headers["location"])
    assert served.status_code == 200 and served.content == SVG
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]


def test_files_that_are_not_public_need_a_fresh_signature(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    key = _uploaded(world, engine, settings, "draft")
    path = f"/files/{key}"
    assert world.client.get(path, follow_redirects=False).status_code == 404
    sent = world.client.get(path, headers=world.auth("editor"), follow_redirects=False)
    assert sent.status_code == 307 and sent.headers["cache-control"] == "private, no-store"
    location = sent.headers["location"]
    assert location.startswith(f"{FILES}{path}?expires=")
    served = world.client.get(location)  # no log-in reaches the files origin: the link does
    assert served.status_code == 200 and served.content == SVG
    assert served.headers["cache-control"] == "private, no-store"

    signature = parse_qs(urlsplit(location).query)["signature"][0]
    expired = signed_query(settings, key, now=time.time() - 3600)
    other = signed_query(settings, "demo/annan.csv")
    for refused in (
        FILES + path,
        location.replace(signature, signature[:-1] + ("0" if signature[-1] != "0" else "1")),
        f"{FILES}{path}?{expired}",
        f"{FILES}{path}?{other}",
    ):
        assert world.client.get(refused).status_code == 404, refused

    dist = world.client.get(
        f"/api/datasets/{key.split('/')[1]}/distributions", headers=world.auth("editor")
    ).json()["items"][0]["id"]
    deleted = world.client.delete(f"/api/distributions/{dist}", headers=world.auth("editor"))
    assert deleted.status_code == 204
    assert world.client.get(location).status_code == 404  # signed, but nothing links to it


def test_the_files_origin_serves_nothing_else(world: World) -> None:
    for path in ("/", "/login", "/publish/tokens", "/api/datasets", "/static/torget.css"):
        got = world.client.get(FILES + path)
        assert got.status_code == 404, path
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "set-cookie" not in got.headers
    assert world.client.get("/api/datasets").status_code == 200  # the site itself is unchanged


@pytest.mark.parametrize(
    "value", ["http://testserver", "https://files.kommun.se/uploads", "ftp://files.kommun.se"]
)
def test_the_files_origin_is_another_http_origin(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="files_base_url"):
        load_settings(environ={}, config_file=tmp_path / "absent.toml",
                      base_url="http://testserver", files_base_url=value)  # fmt: skip
