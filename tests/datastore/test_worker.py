"""Loads started by catalogue changes, run by a real `torget worker` process, from a live
loopback server; failures keep the previous version; dead workers are detected."""

from __future__ import annotations

import datetime as dt
import os
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

from torget.datastore import jobs
from torget.datastore.queue import sweep_now
from torget.datastore.sort_keys import keys_file
from torget.datastore.tables import current_table
from torget.db.engine import read, write
from torget.db.schema import datastore_jobs
from torget.settings import Settings

FILES = {
    "/kommuner.csv": ("text/csv", "\ufeffKod;Namn;Andel\r\n0180;Stockholm;1 234,5\r\n"
                      "1480;Göteborg;2,5\r\n".encode("utf-8")),
    "/v2.csv": ("text/csv", "Kod;Namn;Andel\r\n0180;Stockholm;1,5\r\n0380;Uppsala;2\r\n"
                "2580;Luleå;3\r\n".encode("cp1252")),
    "/login": ("text/html; charset=utf-8", b"<!doctype html><html>Logga in</html>"),
}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path == "/slow.csv":
            time.sleep(4)
        kind, body = FILES.get(self.path, ("text/csv", b"a,b\n1,2\n"))
        try:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the slow file's client gave up, as it should

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def files_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker(settings: Settings, engine: sa.Engine, tmp_path: Path) -> Iterator[None]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(settings.data_dir), TORGET_DATABASE_URL=settings.database_url,
        TORGET_CONFIG=str(tmp_path / "none.toml"), TORGET_ALLOW_PRIVATE_ADDRESSES="true",
        TORGET_DATASTORE_DOWNLOAD_TIMEOUT="2", TORGET_DATASTORE_SORT_KEY_MIN_ROWS="1",
    )  # fmt: skip
    command = [sys.executable, "-m", "torget.cli", "worker", "--exit-with", str(os.getpid())]
    process = subprocess.Popen(command, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    yield
    process.terminate()
    process.wait(timeout=30)


def _settled(client: Any, dist_id: str, headers: dict[str, str], job_id: str | None = None
             ) -> dict[str, Any]:  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        info: dict[str, Any] = client.get(f"/api/datastore/{dist_id}", headers=headers).json()
        job = info["job"]
        if job and job["state"] in ("done", "failed") and job["id"] != job_id:
            return info
        time.sleep(0.3)
    raise AssertionError(f"the load did not finish: {info}")


def test_saving_a_distribution_loads_it_in_the_worker(
    world: Any, files_server: str, worker: None, settings: Settings, engine: sa.Engine
) -> None:
    from tests.conftest import dataset_payload

    headers = world.auth("editor")
    payload = dataset_payload()
    payload["distributions"][0]["download_url"] = f"{files_server}/kommuner.csv"
    created = world.client.post("/api/datasets", json=payload, headers=headers).json()
    dist = created["distributions"][0]
    info = _settled(world.client, dist["id"], headers)
    assert info["job"]["state"] == "done", info
    assert info["row_count"] == 2 and info["columns"][0] == {"name": "Kod", "type": "TEXT"}

    def change(url: str, previous: str) -> dict[str, Any]:
        body = {**dist, "download_url": url}
        for key in ("id", "iri", "dataset_id", "created_at", "updated_at"):
            body.pop(key)
        world.client.put(f"/api/distributions/{dist['id']}", json=body, headers=headers)
        return _settled(world.client, dist["id"], headers, previous)

    failed = change(f"{files_server}/login", info["job"]["id"])
    assert failed["job"]["state"] == "failed" and "HTML page" in failed["job"]["error"]
    assert failed["row_count"] == 2  # the previous version is still served
    slow = change(f"{files_server}/slow.csv", failed["job"]["id"])
    assert "no answer within 2 seconds" in slow["job"]["error"]
    done = change(f"{files_server}/v2.csv", slow["job"]["id"])
    answer = world.client.get(f"/api/datastore/{dist['id']}/rows?sort=Namn", headers=headers)
    assert answer.status_code == 200, (answer.text, done)
    rows = answer.json()["rows"]
    assert done["row_count"] == 3 and rows[0]["Namn"] == "Luleå"
    # After the swap the worker writes the sort-key copies beside the table; pages in a
    # number column's order then come from them, in the same order.
    with read(engine) as conn:
        table = current_table(conn, settings.datastore_path, dist["id"])
    assert table is not None and table.job_id == done["job"]["id"]
    deadline = time.monotonic() + 30
    while not keys_file(table.path).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert keys_file(table.path).exists()
    for sort, names in (("-Andel", ["Luleå", "Uppsala", "Stockholm"]),
                        ("Andel", ["Stockholm", "Uppsala", "Luleå"])):  # fmt: skip
        page = world.client.get(f"/api/datastore/{dist['id']}/rows?sort={sort}&limit=2",
                                headers=headers).json()  # fmt: skip
        after = world.client.get(page["next"], headers=headers).json()
        assert [r["Namn"] for r in page["rows"] + after["rows"]] == names


def test_private_addresses_are_refused_by_default(
    world: Any, settings: Settings, engine: sa.Engine, files_server: str
) -> None:
    from torget.datastore.load import run_job

    with write(engine) as conn:
        job_id = jobs.create_job(conn, "d1", f"{files_server}/kommuner.csv", "csv")
    run_job(settings, engine, job_id)
    with read(engine) as conn:
        job = jobs.get_job(conn, job_id)
    assert job is not None and job.state == "failed" and "private address" in (job.error or "")


def test_a_dead_workers_job_is_retried_then_failed(settings: Settings, engine: sa.Engine) -> None:
    with write(engine) as conn:
        job_id = jobs.create_job(conn, "d1", "https://example.se/a.csv", "csv")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    for attempt in range(1, settings.datastore_max_attempts + 1):
        with write(engine) as conn:
            assert jobs.claim_job(conn, job_id) is not None
            conn.execute(datastore_jobs.update().values(heartbeat_at=old))
        again = sweep_now(settings, engine)
        with read(engine) as conn:
            job = jobs.get_job(conn, job_id)
        assert job is not None and job.attempts == attempt
        if attempt < settings.datastore_max_attempts:
            assert again == [job_id] and job.state == "queued"
    assert job.state == "failed" and "worker stopped" in (job.error or "")


def test_a_rolled_back_save_starts_no_load(world: Any, engine: sa.Engine) -> None:
    from tests.conftest import dataset_payload

    payload = dataset_payload(themes=["NOPE"])
    assert (
        world.client.post("/api/datasets", json=payload, headers=world.auth("editor")).status_code
        == 422
    )
    with read(engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(datastore_jobs)).scalar() == 0


def test_torget_files_are_read_from_the_file_store(settings: Settings, engine: sa.Engine) -> None:
    from torget.datastore.load import run_job
    from torget.datastore.tables import current_table
    from torget.files.memory import MemoryFileStore

    store = MemoryFileStore()
    store.put("uppladdat/Befolkning 2024.csv", FILES["/kommuner.csv"][1], "text/csv")
    assert not settings.allow_private_addresses  # no HTTP: testserver is not even reachable
    url = f"{settings.public_base}/files/uppladdat/Befolkning%202024.csv"
    with write(engine) as conn:
        job_id = jobs.create_job(conn, "d1", url, "csv")
        missing = jobs.create_job(conn, "d2", f"{settings.public_base}/files/nej.csv", "csv")
    run_job(settings, engine, job_id, store)
    run_job(settings, engine, missing, store)
    with read(engine) as conn:
        done, failed = jobs.get_job(conn, job_id), jobs.get_job(conn, missing)
        table = current_table(conn, settings.datastore_path, "d1")
    assert done is not None and done.state == "done", done
    assert table is not None and table.row_count == 2
    assert failed is not None and "no such file in Torget's file store" in (failed.error or "")


def test_a_worker_whose_parent_dies_exits(tmp_path: Path) -> None:
    """`torget serve` starts its worker with --exit-with; a killed server leaves no worker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(TORGET_DATA_DIR=str(tmp_path / "data"), TORGET_CONFIG=str(tmp_path / "none.toml"))
    pid_file = tmp_path / "worker.pid"
    script = (
        f'"{sys.executable}" -m torget.cli worker --exit-with $$ >/dev/null 2>&1 & '
        f'echo $! > "{pid_file}"; sleep 3'
    )
    subprocess.run(["sh", "-c", script], env=env, check=True, timeout=60)
    worker_pid = int(pid_file.read_text())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(worker_pid, 0)
        except ProcessLookupError:
            return
        # Reap it if it became our child's orphan under this process (it normally goes to init).
        time.sleep(0.5)
    os.kill(worker_pid, 9)
    raise AssertionError("the worker outlived its parent")


def test_tables_loaded_before_row_copies_get_them_from_the_sweep(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    import dataclasses

    from tests.conftest import dataset_payload
    from torget.datastore.load import load_local, write_missing_row_copies
    from torget.datastore.row_copies import rows_file

    headers = world.auth("editor")
    created = world.client.post("/api/datasets", json=dataset_payload(), headers=headers).json()
    dist = created["distributions"][0]["id"]
    source = tmp_path / "t.csv"
    source.write_text("nr;belopp\n" + "".join(f"{i};{(i * 7) % 5},5\n" for i in range(30)))
    small = dataclasses.replace(settings, datastore_sort_key_min_rows=1)
    load_local(small, engine, dist, source, "csv")  # keys, then row copies
    with read(engine) as conn:
        table = current_table(conn, settings.datastore_path, dist)
    assert table is not None and rows_file(table.path).exists()
    url = f"/api/datastore/{dist}/rows?sort=-belopp&limit=7"
    first = world.client.get(url, headers=headers).json()
    rows_file(table.path).unlink()  # as a table loaded before row copies existed
    assert write_missing_row_copies(small, engine) == table.path
    assert rows_file(table.path).exists()
    assert write_missing_row_copies(small, engine) is None  # one table a sweep, then none
    again = world.client.get(url, headers=headers).json()
    assert again["rows"] == first["rows"] and again["next"] == first["next"]
