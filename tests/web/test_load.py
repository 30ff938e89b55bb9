"""Under load: 64 feed clients and 4 writers at once against `torget serve --workers 2`.

Issue 21: the feed streamed its body while holding a pooled database connection, so 64
concurrent readers exhausted the pool; the rest waited 30 s and died mid-response, and the
server then answered nothing for seconds. Here the real command runs two server processes on
loopback, on each backend; 64 clients fetch `/datasets/dcat` (whole, and conditionally) while
4 writers create and change draft datasets and rename their organisation through the JSON
API, each rename making the feed out of date (a draft's change leaves it as it is). Every
answer must be a 200 (or a 304 for a conditional fetch), every body a whole catalogue, every
write readable afterwards, and the feed then must show the last state.
Nothing here is timed; `bench/load.py` measures.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from torget.accounts.permissions import COMMAND_LINE
from torget.accounts.tokens import create_token
from torget.accounts.users import create_user
from torget.catalog.model import LangText, OrganisationIn
from torget.db.engine import write
from torget.publishing.changes import create_organisation
from torget.settings import load_settings
from torget.site import Site

READERS, WRITERS, SECONDS = 64, 4, 6.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _token(env: dict[str, str]) -> str:
    site = Site.open(load_settings(environ=env), queue=False)
    try:
        with write(site.engine) as conn:
            admin = create_user(conn, "admin", "admin@example.se", "demo-admin-2024", sysadmin=True)
            create_organisation(conn, COMMAND_LINE, OrganisationIn(
                name="sjostad", title=LangText(sv="Sjöstads kommun"),
                publisher_type="LocalAuthority",
            ))  # fmt: skip
            return create_token(conn, admin.id, "load")[1]
    finally:
        site.close()


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[tuple[str, str]]:
    """`torget serve --workers 2` on a fresh catalogue; (its address, an admin's token)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(tmp_path / "data"),
        TORGET_CONFIG=str(tmp_path / "absent.toml"),
        TORGET_DATABASE_URL=database_url,
        PYTHONFAULTHANDLER="1",
    )
    token = _token(env)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "torget.cli", "serve", "--port", str(port), "--workers", "2",
         "--no-worker"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(address + "/datasets/dcat", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
            time.sleep(0.2)
        yield address, token
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        text = (tmp_path / "serve.log").read_text(errors="replace")
        assert "Fatal Python error" not in text, text[-4000:]


async def _read(client: httpx.AsyncClient, stop: float, seen: list[int]) -> None:
    etag = None
    while time.monotonic() < stop:
        headers = {"If-None-Match": etag} if etag and len(seen) % 2 else {}
        answer = await client.get("/datasets/dcat", headers=headers)
        seen.append(answer.status_code)
        if answer.status_code == 200:
            assert answer.text.rstrip().endswith("</rdf:RDF>"), answer.text[-200:]
            etag = answer.headers["etag"]
        else:
            assert answer.status_code == 304, answer.text


async def _write(client: httpx.AsyncClient, stop: float, n: int, made: dict[str, str]) -> None:
    i = 0
    while time.monotonic() < stop:
        body = {"organisation": "sjostad", "title": {"sv": f"Skrivare {n} nr {i}"},
                "description": {"sv": "Under last."}, "state": "draft"}  # fmt: skip
        created = await client.post("/api/datasets", json=body)
        assert created.status_code == 201, created.text
        ref = created.json()["id"]
        changed = await client.patch(f"/api/datasets/{ref}", json={"title": {"sv": f"Ändrad {i}"}})
        assert changed.status_code == 200, changed.text
        made[ref] = f"Ändrad {i}"
        # A draft shows nowhere public; the organisation's new name outdates the feed.
        renamed = {"name": "sjostad", "title": {"sv": f"Sjöstad {n}-{i}"},
                   "publisher_type": "LocalAuthority"}  # fmt: skip
        moved = await client.put("/api/organisations/sjostad", json=renamed)
        assert moved.status_code == 200, moved.text
        i += 1


async def _load(address: str, token: str) -> tuple[list[int], dict[str, str]]:
    limits = httpx.Limits(max_connections=READERS + WRITERS)
    auth = {"Authorization": f"Bearer {token}"}
    seen: list[int] = []
    made: dict[str, str] = {}
    async with (
        httpx.AsyncClient(base_url=address, timeout=60, limits=limits) as readers,
        httpx.AsyncClient(base_url=address, timeout=60, headers=auth) as writers,
    ):
        stop = time.monotonic() + SECONDS
        await asyncio.gather(
            *(_read(readers, stop, seen) for _ in range(READERS)),
            *(_write(writers, stop, n, made) for n in range(WRITERS)),
        )
    return seen, made


def test_feed_clients_and_writers_see_no_error(served: tuple[str, str]) -> None:
    address, token = served
    seen, made = asyncio.run(_load(address, token))
    assert len(seen) >= READERS and made
    assert set(seen) <= {200, 304}
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=address, headers=auth, timeout=30) as client:
        for ref, title in made.items():
            assert client.get(f"/api/datasets/{ref}").json()["title"]["sv"] == title
        # A draft's change shows nowhere public: the feed stays as it was.
        before = client.get("/datasets/dcat")
        unchanged = {"If-None-Match": before.headers["etag"]}
        ref = next(iter(made))
        assert client.patch(f"/api/datasets/{ref}", json={"title": {"sv": "Sist"}}).is_success
        assert client.get("/datasets/dcat", headers=unchanged).status_code == 304
        # The feed follows the last public change: a change after a fetch makes the next one
        # whole.
        renamed = {"name": "sjostad", "title": {"sv": "Nya Sjöstad"},
                   "publisher_type": "LocalAuthority"}  # fmt: skip
        assert client.put("/api/organisations/sjostad", json=renamed).is_success
        # Until the change's feed is built a reader gets the newest feed built (feed_cache's
        # `newest`), and builds are paced (feed_builds): the change shows within seconds.
        deadline = time.monotonic() + 60
        while True:
            after = client.get("/datasets/dcat", headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code in (200, 304), after.text
            if after.status_code == 200 and after.headers["etag"] != before.headers["etag"]:
                break
            assert time.monotonic() < deadline, "the feed never followed the last change"
            time.sleep(0.1)


def _ask(conn: socket.socket, host: str) -> bytes:
    """One GET of the dataset list on an open connection, read to its end; its status line
    (empty when the server closed the connection instead)."""
    conn.sendall(f"GET /api/datasets HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer and (part := conn.recv(65536)):
        answer += part
    head, _, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    while length and len(body) < int(length[1]) and (part := conn.recv(65536)):
        body += part
    return head.split(b"\r\n", 1)[0]


def test_a_connection_idle_longer_than_uvicorns_default_is_still_served(
    served: tuple[str, str],
) -> None:
    """`server_keep_alive` reaches the server processes: one connection, idle for 6 s between
    two requests (uvicorn's own limit is 5), still carries the second. A request that meets
    the server closing its connection is lost with no answer."""
    host = address = served[0].removeprefix("http://")
    with socket.create_connection(tuple(address.rsplit(":", 1)), timeout=30) as conn:
        assert _ask(conn, host).startswith(b"HTTP/1.1 200")
        time.sleep(6)
        assert _ask(conn, host).startswith(b"HTTP/1.1 200")
