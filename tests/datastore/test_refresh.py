"""Scheduled refresh from a live loopback server (issue 20, item 4): conditional requests with
ETag and Last-Modified, unchanged content not loaded again, a failed refresh that keeps the
previous table and says why, what is due by the update frequency, the CLI command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tests.conftest import dataset_payload, suite_settings
from tests.loopback import loopback
from torget.accounts.permissions import SYSTEM
from torget.cli import cli
from torget.clock import now
from torget.datastore import jobs, refresh, version_store
from torget.datastore.load import run_job
from torget.datastore.tables import current_table
from torget.db.engine import read, write
from torget.settings import Settings

V1 = "Kod;Namn\n0180;Stockholm\n1480;Göteborg\n"
V2 = "Kod;Namn\n0180;Stockholms stad\n1480;Göteborg\n2580;Luleå\n"


@dataclass
class Answer:
    body: bytes
    content_type: str = "text/csv"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Server:
    base: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    seen: list[dict[str, str]] = field(default_factory=list)


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            server.seen.append(dict(self.headers.items()))
            a = server.answers[self.path]
            same_tag = a.etag is not None and self.headers.get("If-None-Match") == a.etag
            same_date = (a.last_modified is not None
                         and self.headers.get("If-Modified-Since") == a.last_modified)  # fmt: skip
            if same_tag or same_date:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(a.status)
            self.send_header("Content-Type", a.content_type)
            self.send_header("Content-Length", str(len(a.body)))
            for name, value in (("ETag", a.etag), ("Last-Modified", a.last_modified)):
                if value:
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(a.body)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    served = Server()
    with loopback(_handler(served)) as served.base:
        yield served


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(database_url, tmp_path, allow_private_addresses=True)


def _loaded(world: Any, settings: Settings, engine: sa.Engine, url: str) -> str:
    """A daily dataset whose distribution the worker loaded from `url`."""
    payload = dataset_payload(frequency="DAILY", distributions=[
        {"title": {"sv": "Kommuner"}, "format": "text/csv", "license": "CC0-1.0",
         "download_url": url},
    ])  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    dist = str(created.json()["distributions"][0]["id"])
    with read(engine) as conn:
        job = jobs.latest_job(conn, dist)
    assert job is not None
    run_job(settings, engine, job.id)
    return dist


def _rows(settings: Settings, engine: sa.Engine, dist: str) -> int:
    with read(engine) as conn:
        table = current_table(conn, settings.datastore_path, dist)
    assert table is not None
    return table.row_count


def test_conditional_requests_and_unchanged_content(
    world: Any, settings: Settings, engine: sa.Engine, server: Server, tmp_path: Path
) -> None:
    path = f"/etag-{tmp_path.name}.csv"
    server.answers[path] = Answer(V1.encode(), etag='"v1"')
    dist = _loaded(world, settings, engine, server.base + path)
    with write(engine) as conn:
        version_store.set_key(conn, SYSTEM, settings.datastore_path, dist, ["Kod"])
    first = refresh.refresh(settings, engine, dist)  # no validators kept yet: fetched, same
    assert first.state == "loaded" or first.state == "unchanged"
    again = refresh.refresh(settings, engine, dist)
    assert again.state == "unchanged" and "304" in again.message
    assert server.seen[-1].get("If-None-Match") == '"v1"'
    server.answers[path] = Answer(V2.encode(), etag='"v2"')
    changed = refresh.refresh(settings, engine, dist)
    assert changed.state == "loaded" and _rows(settings, engine, dist) == 3
    with read(engine) as conn:
        last = version_store.history(conn, SYSTEM, settings.datastore_path, dist)[0]
    assert (last.comparison, last.added, last.changed) == ("key", 1, 1)
    with read(engine) as conn:
        job = jobs.latest_job(conn, dist)
    assert job is not None and job.source == server.base + path  # a load like any other


def test_same_content_without_validators_is_not_loaded_again(
    world: Any, settings: Settings, engine: sa.Engine, server: Server, tmp_path: Path
) -> None:
    path = f"/plain-{tmp_path.name}.csv"
    server.answers[path] = Answer(V1.encode(), last_modified="Mon, 07 Dec 2026 05:00:00 GMT")
    dist = _loaded(world, settings, engine, server.base + path)
    refresh.refresh(settings, engine, dist)
    server.answers[path].last_modified = "Mon, 07 Dec 2026 06:00:00 GMT"  # touched, same bytes
    same = refresh.refresh(settings, engine, dist)
    assert server.seen[-1].get("If-Modified-Since") == "Mon, 07 Dec 2026 05:00:00 GMT"
    assert same.state == "unchanged" and "same" in same.message
    with read(engine) as conn:
        loads = version_store.history(conn, SYSTEM, settings.datastore_path, dist)
    assert len(loads) <= 2  # the worker's load, perhaps the first refresh's; not this one


@pytest.mark.parametrize(
    "answer, why",
    [
        (Answer(b"<!doctype html><p>Logga in</p>", "text/html; charset=utf-8"), "HTML page"),
        (Answer(b"oops", status=500), "HTTP 500"),
        (Answer(b"\x00\x01\x02PK\x03\x04" * 50, "text/csv"), "refresh failed"),
    ],
)
def test_a_failed_refresh_keeps_the_table_and_says_why(
    world: Any, settings: Settings, engine: sa.Engine, server: Server, tmp_path: Path,
    answer: Answer, why: str,
) -> None:  # fmt: skip
    path = f"/fails-{tmp_path.name}.csv"
    server.answers[path] = Answer(V1.encode())
    dist = _loaded(world, settings, engine, server.base + path)
    server.answers[path] = answer
    outcome = refresh.refresh(settings, engine, dist)
    assert outcome.state == "failed" and why in outcome.message, outcome.message
    assert _rows(settings, engine, dist) == 2
    with read(engine) as conn:
        status = refresh.status(conn, dist)
    assert status is not None and status.state == "failed" and status.message == outcome.message


def test_due_by_the_update_frequency_and_the_command(
    world: Any, settings: Settings, engine: sa.Engine, server: Server, tmp_path: Path
) -> None:
    weekly = "http://publications.europa.eu/resource/authority/frequency/WEEKLY"
    week_ago = now() - dt.timedelta(days=7, seconds=1)
    assert refresh.is_due(weekly, week_ago, now()) and refresh.is_due(weekly, None, now())
    assert not refresh.is_due(weekly, week_ago + dt.timedelta(minutes=1), now())
    assert not refresh.is_due("IRREG", None, now()) and not refresh.is_due(None, None, now())
    path = f"/due-{tmp_path.name}.csv"
    server.answers[path] = Answer(V1.encode(), etag='"d1"')
    dist = _loaded(world, settings, engine, server.base + path)
    assert dist not in refresh.due_distributions(settings, engine, now())  # loaded just now
    assert dist in refresh.due_distributions(settings, engine, now() + dt.timedelta(days=1))
    runner = CliRunner()
    env = {
        "TORGET_DATA_DIR": str(settings.data_dir),
        "TORGET_DATABASE_URL": settings.database_url,
        "TORGET_ALLOW_PRIVATE_ADDRESSES": "true",
        "TORGET_CONFIG": str(tmp_path / "no.toml"),
    }
    done = runner.invoke(cli, ["datastore", "refresh", dist], env=env)
    assert done.exit_code == 0 and done.output.startswith(f"{dist} "), done.output
    assert dist not in refresh.due_distributions(settings, engine, now() + dt.timedelta(hours=23))
    server.answers[path] = Answer(b"", status=404)
    failed = runner.invoke(cli, ["datastore", "refresh", dist], env=env)
    assert failed.exit_code == 1 and "HTTP 404" in failed.output
    kept = runner.invoke(cli, ["datastore", "retention", "sjostad", "90"], env=env)
    assert kept.exit_code == 0 and "kept 90 days" in kept.output, kept.output
