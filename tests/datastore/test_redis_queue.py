"""The job queue on Redis (`queue_url = redis://…`): a real redis-server on a loopback port,
the web app sending a load to it, and a real `torget worker` process taking it from there.

Skipped, with the reason, where the `redis-server` binary or the `redis` package is missing;
`.ci/run` installs the one and the `dev` extra the other, so CI runs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import suite_settings
from torget.settings import Settings

QUEUE_KEY = "huey.redis.torget"  # huey's list of waiting messages for the queue "torget"
CSV = "Kommunkod;Skola;Elever\r\n0180;Ekskolan;1 204\r\n1480;Aspskolan;86\r\n".encode("cp1252")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(CSV)))
        self.end_headers()
        self.wfile.write(CSV)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def files_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    redis = pytest.importorskip("redis", reason="the redis package is in the dev extra")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"redis-server did not start ({process.poll()})") from None
            time.sleep(0.05)
    yield url
    client.close()
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def settings(database_url: str, tmp_path: Path, redis_url: str) -> Settings:
    """The suite's settings with the queue on Redis: the app, and so `world`, use it."""
    return suite_settings(
        database_url,
        tmp_path,
        queue_url=redis_url,
        allow_private_addresses=True,
    )


def _start_worker(settings: Settings, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(settings.data_dir), TORGET_DATABASE_URL=settings.database_url,
        TORGET_CONFIG=str(tmp_path / "none.toml"), TORGET_ALLOW_PRIVATE_ADDRESSES="true",
        TORGET_QUEUE_URL=settings.queue_url,
    )  # fmt: skip
    command = [sys.executable, "-m", "torget.cli", "worker", "--exit-with", str(os.getpid())]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_load_goes_through_redis_to_a_real_worker(
    world: Any, settings: Settings, engine: sa.Engine, files_server: str, tmp_path: Path
) -> None:
    import redis

    from tests.conftest import dataset_payload

    queue = redis.Redis.from_url(settings.queue_url)
    headers = world.auth("editor")
    payload = dataset_payload()
    payload["distributions"][0]["download_url"] = f"{files_server}/skolor.csv"
    created = world.client.post("/api/datasets", json=payload, headers=headers)
    assert created.status_code == 201, created.text
    dist = created.json()["distributions"][0]["id"]
    info = world.client.get(f"/api/datastore/{dist}", headers=headers).json()
    assert info["job"]["state"] == "queued"
    assert queue.llen(QUEUE_KEY) == 1  # the app's message waits in Redis for a worker

    worker = _start_worker(settings, tmp_path)
    try:

        def settled() -> bool:
            state = world.client.get(f"/api/datastore/{dist}", headers=headers).json()["job"]
            return bool(state["state"] in ("done", "failed"))

        _wait(settled, "the worker to load the table")
        _wait(lambda: queue.llen(QUEUE_KEY) == 0, "the worker to empty the Redis queue")
    finally:
        worker.terminate()
        _, errors = worker.communicate(timeout=30)
    info = world.client.get(f"/api/datastore/{dist}", headers=headers).json()
    assert info["job"]["state"] == "done", (info, errors.decode(errors="replace"))
    rows = world.client.get(f"/api/datastore/{dist}/rows?sort=-Elever", headers=headers).json()
    assert [(r["Kommunkod"], r["Elever"]) for r in rows["rows"]] == [("0180", 1204), ("1480", 86)]
    assert not (settings.data_dir / "queue.db").exists()  # nothing went to the SQLite queue
