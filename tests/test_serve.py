"""`torget serve` and the worker it starts agree on the site: an upload reaches the datastore.

A defect this guards against: with `torget serve --port 8701` and no `base_url`, an upload was
recorded under `http://127.0.0.1:8701/files/…` while the worker, built from its own copy of
the settings, recognised Torget's own files by the default `http://127.0.0.1:8000`; it then
fetched the upload as a foreign URL, refused it as a private address, and the table never
loaded. Here the real command runs as a process on loopback, once with no `base_url` and once
with one that differs from where it listens (as behind a proxy), and a file uploaded through
CKAN's `resource_create` and one uploaded through the publishing pages both load.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import admin_and_organisation

CSV = "namn;antal\nEkparken;3\nBjörkhagen;5\n".encode()
HTML = {"Accept": "text/html"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["", "http://data.proxy.example"], ids=["no-base-url", "proxy-base-url"])
def served(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[tuple[str, str]]:
    """A Torget started with `torget serve --port N`, with an administrator and one
    organisation (no demo: the worker has nothing else to load); (its address, a token)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(TORGET_DATA_DIR=str(tmp_path / "data"), TORGET_CONFIG=str(tmp_path / "no.toml"))
    if request.param:
        env["TORGET_BASE_URL"] = request.param
    data = Path(env["TORGET_DATA_DIR"])
    data.mkdir()
    shutil.copyfile(sqlite_template, data / "torget.db")  # the migrated catalogue
    token = admin_and_organisation(env)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "torget.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts two processes slowly
        while True:
            try:
                if httpx.get(address + "/api", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
            time.sleep(0.2)
        yield address, token
    finally:
        server.terminate()
        server.wait(timeout=30)


def _loaded(address: str, token: str, distribution_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 90
    while True:
        described = httpx.get(
            f"{address}/api/datastore/{distribution_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        if described["loaded"]:
            return dict(described)
        assert (described["job"] or {}).get("state") != "failed", described
        assert time.monotonic() < deadline, f"never loaded: {described}"
        time.sleep(0.5)


def _dataset_id(address: str, token: str) -> str:
    created = httpx.post(
        f"{address}/api/datasets",
        json={"organisation": "sjostad", "title": {"sv": "Lekplatser"}, "state": "draft",
              "description": {"sv": "Kommunens lekplatser."}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _upload_through_ckan(address: str, token: str, dataset_id: str) -> str:
    created = httpx.post(
        f"{address}/api/3/action/resource_create",
        data={"package_id": dataset_id, "name": "Lekplatser (CKAN)", "format": "CSV"},
        files={"upload": ("lekplatser.csv", CSV, "text/csv")},
        headers={"Authorization": token},
        timeout=30,
    )
    assert created.status_code == 200, created.text
    return str(created.json()["result"]["id"])


def _csrf(client: httpx.Client, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    assert found, path
    return found.group(1)


def _upload_through_the_pages(address: str, token: str, dataset_id: str) -> str:
    with httpx.Client(base_url=address, timeout=30) as client:
        logged_in = client.post(
            "/login",
            data={"csrf_token": _csrf(client, "/login"), "username": "admin",
                  "password": "demo-admin-2024", "next": "/publish"},
            headers=HTML,
        )  # fmt: skip
        assert logged_in.status_code == 303, logged_in.text
        path = f"/publish/dataset/{dataset_id}/upload"
        done = client.post(
            path,
            data={
                "csrf_token": _csrf(client, path),
                "title.sv": "Lekplatser (sidor)",
                "format": "",
            },
            files={"file": ("lekplatser.csv", CSV, "text/csv")},
            headers=HTML,
        )
        assert done.status_code == 303, done.text
    record = httpx.get(
        f"{address}/api/datasets/{dataset_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    return str(
        next(d["id"] for d in record["distributions"] if d["title"]["sv"] == "Lekplatser (sidor)")
    )


def test_uploads_through_ckan_and_the_pages_reach_the_datastore(served: tuple[str, str]) -> None:
    address, token = served
    dataset_id = _dataset_id(address, token)
    for distribution_id in (
        _upload_through_ckan(address, token, dataset_id),
        _upload_through_the_pages(address, token, dataset_id),
    ):
        described = _loaded(address, token, distribution_id)
        assert described["row_count"] == 2, described
