"""Concurrent writers on both backends (issue 19, part 3): a read-modify-write reads inside the
transaction that writes (no lost updates), a writer that waits past `database_write_wait_ms`
is answered 503 with Retry-After instead of 500, and a transaction PostgreSQL cancels to break
a deadlock is run again."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import JSONResponse

from tests.conftest import World, dataset_payload, suite_settings
from tests.db.threads import all_at_once
from torget.app import create_app
from torget.db.engine import WriteBusy, WriteConflict, make_engine, write
from torget.site import Site
from torget.web.retry import RetryWrites

PATCHES: list[dict[str, Any]] = [
    {"version": "2.0"},
    {"landing_page": "https://www.sjostad.example/bad"},
    {"frequency": "MONTHLY"},
    {"issued": "2020-01-01"},
    {"keywords": {"sv": ["bad", "strand", "hav"]}},
]


def _created(world: World) -> dict[str, Any]:
    response = world.client.post(
        "/api/datasets", json=dataset_payload(), headers=world.auth("editor")
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_concurrent_dataset_patches_all_survive(world: World) -> None:
    dataset = _created(world)
    url, auth = f"/api/datasets/{dataset['id']}", world.auth("editor")
    calls: list[Callable[[], Any]] = [
        (lambda p=p: world.client.patch(url, json=p, headers=auth)) for p in PATCHES
    ]
    new = {"download_url": "https://data.sjostad.example/bad.json", "format": "JSON"}
    calls.append(lambda: world.client.post(f"{url}/distributions", json=new, headers=auth))
    assert [r.status_code for r in all_at_once(calls)] == [200] * 5 + [201]
    shown = world.client.get(url, headers=auth).json()
    assert shown["version"] == "2.0" and shown["landing_page"] == "https://www.sjostad.example/bad"
    assert shown["frequency"].endswith("/MONTHLY") and shown["issued"] == "2020-01-01"
    assert shown["keywords"]["sv"] == ["bad", "strand", "hav"]
    assert sorted(d["format"].rsplit("/", 1)[-1] for d in shown["distributions"]) == [
        "CSV",
        "JSON",
    ]


def test_concurrent_distribution_patches_all_survive(world: World) -> None:
    dist = _created(world)["distributions"][0]
    url, auth = f"/api/distributions/{dist['id']}", world.auth("editor")
    changes: list[dict[str, Any]] = [
        {"title": {"sv": "Badplatser (CSV)"}},
        {"description": {"sv": "Alla badplatser"}},
        {"byte_size": 1234},
        {"media_type": "text/csv"},
    ]
    calls: list[Callable[[], Any]] = [
        (lambda c=c: world.client.patch(url, json=c, headers=auth)) for c in changes
    ]
    assert [r.status_code for r in all_at_once(calls)] == [200] * 4
    shown = world.client.get(url, headers=auth).json()
    assert shown["title"]["sv"] == "Badplatser (CSV)"
    assert shown["description"]["sv"] == "Alla badplatser"
    assert shown["byte_size"] == 1234 and shown["media_type"].endswith("text/csv")


# --- Waiting for the write lock ---------------------------------------------------------------


@pytest.fixture
def hurried(tmp_path: Path, database_url: str) -> Iterator[tuple[TestClient, World, str]]:
    """The app with writers that wait at most 0.5 s for others, and its catalogue."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite write lock; PostgreSQL's row lock is tested below")
    settings = suite_settings(database_url, tmp_path, database_write_wait_ms=500)
    site = Site.open(settings)
    app = create_app(site)
    with TestClient(app) as client:
        yield client, World(client, site.engine), database_url.removeprefix("sqlite:///")
    site.close()


def _hold_write_lock(path: str, seconds: float) -> threading.Thread:
    held = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    return thread


def test_a_writer_waiting_too_long_gets_503_with_retry_after(
    hurried: tuple[TestClient, World, str],
) -> None:
    client, world, path = hurried
    holder = _hold_write_lock(path, 2.0)
    response = client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    holder.join()
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["error"] == "busy"
    ckan = client.post(
        "/api/3/action/package_patch", json={"id": "x"}, headers=world.auth("editor")
    )
    assert ckan.status_code == 404  # and the database is free again


def test_a_writer_waits_for_a_short_lock(hurried: tuple[TestClient, World, str]) -> None:
    client, world, path = hurried
    holder = _hold_write_lock(path, 0.2)
    response = client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    holder.join()
    assert response.status_code == 201, response.text


def test_a_row_lock_held_too_long_is_write_busy(database_url: str, engine: sa.Engine) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's lock_timeout")
    with write(engine) as conn:
        conn.exec_driver_sql("CREATE TABLE counter (id int PRIMARY KEY, n int)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (1, 0)")
    hurried = make_engine(engine.url.render_as_string(hide_password=False), write_wait=0.3)
    with write(engine) as holder:
        holder.exec_driver_sql("SELECT n FROM counter WHERE id = 1 FOR UPDATE")
        with pytest.raises(WriteBusy) as raised, write(hurried) as conn:
            conn.exec_driver_sql("UPDATE counter SET n = n + 1 WHERE id = 1")
    assert not isinstance(raised.value, WriteConflict)
    hurried.dispose()


def test_a_deadlock_is_a_write_conflict(database_url: str, engine: sa.Engine) -> None:
    """Two writers taking two locks in opposite orders: PostgreSQL cancels one of them, which
    `write()` reports as `WriteConflict` (safe to run again); the other commits."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite's writers never deadlock: BEGIN IMMEDIATE queues them whole")
    both = threading.Barrier(2)

    def take(first: int, second: int) -> str:
        try:
            with write(engine) as conn:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(first)))
                both.wait()
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(second)))
            return "committed"
        except WriteConflict:
            return "conflict"

    outcomes = all_at_once([lambda: take(1, 2), lambda: take(2, 1)])
    assert sorted(outcomes) == ["committed", "conflict"]


def test_a_request_that_lost_a_race_is_run_again() -> None:
    """`RetryWrites` runs a request whose write was cancelled again, with its whole body; one
    that keeps conflicting, or waited too long, is answered 503 with Retry-After."""
    attempts: list[bytes] = []

    async def endpoint(request: Request) -> JSONResponse:
        attempts.append(await request.body())
        conflicts = int(request.query_params["conflicts"])
        if len(attempts) <= conflicts:
            raise WriteConflict("deadlock detected", retry_after=1)
        if request.query_params.get("busy"):
            raise WriteBusy("locked", retry_after=7)
        return JSONResponse({"attempts": len(attempts)})

    app = FastAPI()
    app.add_api_route("/", endpoint, methods=["POST"])
    app.add_middleware(RetryWrites)
    client = TestClient(app)
    assert client.post("/?conflicts=2", content=b"body").json() == {"attempts": 3}
    assert attempts == [b"body"] * 3
    attempts.clear()
    again = client.post("/?conflicts=5", content=b"body")
    assert again.status_code == 503 and again.headers["Retry-After"] == "1"
    assert len(attempts) == 3
    attempts.clear()
    busy = client.post("/?conflicts=0&busy=1", content=b"body")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "7"
    assert len(attempts) == 1


# --- Work inside the write lock ---------------------------------------------------------------


def test_too_many_keywords_are_refused_naming_the_field_and_the_limit(world: World) -> None:
    """100,000 keywords took 58 s of quadratic de-duplication inside the write lock; now the
    count is refused before any word is looked at."""
    dataset = _created(world)
    many = {"keywords": {"sv": [f"ord {i}" for i in range(100_000)]}}
    response = world.client.patch(
        f"/api/datasets/{dataset['id']}", json=many, headers=world.auth("editor")
    )
    assert response.status_code == 422, response.text[:300]
    (error,) = response.json()["errors"]
    assert error["field"] == "keywords.sv"
    assert "at most 100 keywords" in error["message"] and "100000" in error["message"]


def test_repeated_keywords_keep_the_first_of_each_in_order(world: World) -> None:
    words = ["strand", "bad", " strand", "hav", "bad"] * 20
    dataset = _created(world)
    response = world.client.patch(
        f"/api/datasets/{dataset['id']}",
        json={"keywords": {"sv": words}},
        headers=world.auth("editor"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["keywords"]["sv"] == ["strand", "bad", "hav"]
