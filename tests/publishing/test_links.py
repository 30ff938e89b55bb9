"""The link checker (issue 20): every external distribution link is asked with HEAD, then with
a one-byte GET when HEAD is refused, through the SSRF guard, one request at a time per host;
editors see status, type, size, final URL, last success and failure on the publishing page and
the broken ones on the dashboard and in the API; a link broken for a week reaches the contact
point in the daily digest. `torget links check --dataset` runs it by hand.

Before, a broken download link was discovered by the public. Links point at a real HTTP server
on loopback, shared by the module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import World, published_payload, suite_settings
from tests.loopback import loopback
from tests.publishing.test_one_rule import _log_in
from torget.clock import now
from torget.db.engine import read, write
from torget.db.schema import link_checks
from torget.outbound import Guard
from torget.publishing.links import Link, check_links, check_url, link_checks_of, run_checks
from torget.publishing.reminders import send_reminders
from torget.publishing.upkeep import check_stale_links
from torget.settings import Settings
from torget.site import Site
from torget.web.sessions import session_secret

HTML = {"Accept": "text/html"}


@dataclass
class Server:
    base: str = ""
    in_flight: int = 0
    most_at_once: int = 0
    seen: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, head: bool) -> None:
            # The slow answer goes on after the checker gave up on it (and went on).
            counted = self.path != "/slow.csv"
            with server.lock:
                server.in_flight += counted
                server.most_at_once = max(server.most_at_once, server.in_flight)
                server.seen.append((self.command, self.path))
            time.sleep(0.01)  # long enough for overlapping requests to show
            # Out of flight before the answer is sent: once the checker has it, it may ask the
            # next question before this thread runs again.
            with server.lock:
                server.in_flight -= counted
            self._route(head)

        def _route(self, head: bool) -> None:
            path = self.path
            if path == "/slow.csv":
                time.sleep(1.5)
            if path == "/moved.csv":
                self.send_response(301)
                self.send_header("Location", "/ok.csv")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/nohead.csv" and head:
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/nohead.csv":
                assert self.headers.get("Range") == "bytes=0-0"
                self.send_response(206)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                self.send_header("Content-Range", "bytes 0-0/5000")
                self.send_header("Content-Length", "1")
                self.end_headers()
                self.wfile.write(b"a")
            elif path.startswith("/ok"):
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", "1234")
                self.end_headers()
                if not head:
                    self.wfile.write(b"x" * 1234)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
            self._answer(head=True)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(head=False)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    state = Server()
    with loopback(_handler(state)) as state.base:
        yield state


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(
        database_url, tmp_path, allow_private_addresses=True, link_check_host_delay_ms=0,
        link_check_timeout_seconds=1, link_check_concurrency=4,
    )  # fmt: skip


def _distribution(url: str, title: str) -> dict[str, Any]:
    return {"title": {"sv": title}, "download_url": url, "format": "text/csv",
            "license": "CC0-1.0"}  # fmt: skip


def _publish(world: World, server: Server, *paths: str) -> dict[str, Any]:
    dists = [_distribution(server.base + p, p.strip("/")) for p in paths]
    dists.append(_distribution("http://testserver/api/datasets", "own site"))  # never checked
    made = world.client.post(
        "/api/datasets", json=published_payload(distributions=dists), headers=world.auth("editor")
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_each_link_is_checked_politely_and_kept(world: World, site: Site, server: Server) -> None:
    paths = ("/ok.csv", "/nohead.csv", "/moved.csv", "/gone.csv", "/slow.csv", "/ok2.csv")
    dataset = _publish(world, server, *paths)
    server.most_at_once = 0
    summary = run_checks(site.engine, site.settings)
    assert (summary.checked, summary.broken) == (6, 2)
    assert server.most_at_once == 1  # one host: one request at a time
    with read(site.engine) as conn:
        kept = {c.url.removeprefix(server.base): c for c in link_checks_of(conn, None)}
    assert sorted(kept) == sorted(paths)
    ok = kept["/ok.csv"]
    assert (ok.status, ok.content_type, ok.size, ok.broken) == (200, "text/csv", 1234, False)
    assert ok.last_success_at is not None and ok.broken_since is None
    ranged = kept["/nohead.csv"]
    assert (ranged.status, ranged.content_type, ranged.size) == (206, "text/csv", 5000)
    assert ("HEAD", "/nohead.csv") in server.seen and ("GET", "/nohead.csv") in server.seen
    assert kept["/moved.csv"].final_url == server.base + "/ok.csv"
    gone = kept["/gone.csv"]
    assert (gone.status, gone.error, gone.last_success_at) == (404, "HTTP 404", None)
    assert gone.broken_since is not None and gone.last_failure_at is not None
    assert kept["/slow.csv"].error == "no answer in time"

    api = world.client.get(f"/api/datasets/{dataset['id']}/links").json()
    assert api["count"] == 6
    assert {i["url"].removeprefix(server.base) for i in api["items"] if i["broken"]} == {
        "/gone.csv", "/slow.csv"
    }  # fmt: skip
    broken = world.client.get(
        "/api/organisations/sjostad/broken-links", headers=world.auth("editor")
    )
    assert broken.json()["count"] == 2
    assert world.client.get("/api/organisations/sjostad/broken-links").status_code in (401, 403)

    _log_in(world, "editor")
    page = world.client.get(f"/publish/dataset/{dataset['id']}", headers=HTML).text
    checks = page.split('id="links"', 1)[1]
    assert "HTTP 404" in checks and "Trasig" in checks and "5 kB" in checks.replace("\xa0", " ")
    dashboard = world.client.get("/publish", headers=HTML).text
    assert "Trasiga länkar" in dashboard and server.base + "/gone.csv" in dashboard


def test_a_fixed_link_is_checked_again_and_the_old_one_forgotten(
    world: World, site: Site, server: Server
) -> None:
    dataset = _publish(world, server, "/gone.csv")
    run_checks(site.engine, site.settings)
    first = dataset["distributions"][0]["id"]
    with read(site.engine) as conn:
        [before] = link_checks_of(conn, [first])
    assert before.broken
    right = server.base + "/ok.csv"  # the access URL had defaulted to the download URL
    fixed = world.client.patch(f"/api/distributions/{first}", headers=world.auth("editor"),
                               json={"download_url": right, "access_url": right})  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    _log_in(world, "editor")
    page = world.client.get(f"/publish/dataset/{dataset['id']}", headers=HTML).text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    checked = world.client.post(f"/publish/dataset/{dataset['id']}/links/check",
                                data={"csrf_token": token}, headers=HTML)  # fmt: skip
    assert checked.status_code == 200
    with read(site.engine) as conn:
        [after] = link_checks_of(conn, [first])
    assert after.url == server.base + "/ok.csv" and not after.broken


def test_the_guard_refuses_private_addresses(server: Server) -> None:
    with Guard(allow_private=False).client(1) as client:
        result = check_url(client, server.base + "/ok.csv")
    assert result.error is not None and result.error.startswith("refused:")
    assert "private address" in result.error


def test_a_link_broken_for_a_week_reaches_the_contact_point(
    world: World, site: Site, server: Server, settings: Settings
) -> None:
    _publish(world, server, "/gone.csv", "/ok.csv")
    run_checks(site.engine, site.settings)
    secret = session_secret(settings)
    assert send_reminders(site.engine, settings, secret) == 0  # broken for minutes only
    with write(site.engine) as conn:
        conn.execute(link_checks.update().where(link_checks.c.error.is_not(None))
                     .values(broken_since=now() - dt.timedelta(days=8)))  # fmt: skip
    run_checks(site.engine, site.settings)  # still broken: the date it broke is kept
    assert send_reminders(site.engine, settings, secret) == 1
    [sent] = (settings.data_dir / "outbox").glob("*.eml")
    message = email.message_from_bytes(sent.read_bytes())
    assert message["To"] == "kontakt@sjostad.example"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Länkar som inte har fungerat på en vecka:" in body
    assert server.base + "/gone.csv (HTTP 404), trasig sedan" in body


def test_the_command_checks_one_dataset(
    world: World, site: Site, server: Server, settings: Settings, tmp_path: Path
) -> None:
    dataset = _publish(world, server, "/gone.csv")
    env = {**os.environ, "TORGET_DATABASE_URL": settings.database_url,
           "TORGET_DATA_DIR": str(settings.data_dir), "TORGET_ALLOW_PRIVATE_ADDRESSES": "1",
           "TORGET_BASE_URL": "http://testserver",
           "TORGET_LINK_CHECK_HOST_DELAY_MS": "0",
           "TORGET_CONFIG": str(tmp_path / "none.toml")}  # fmt: skip
    ran = subprocess.run(
        [sys.executable, "-m", "torget.cli", "links", "check", "--dataset", dataset["name"]],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stderr
    assert f"broken: {server.base}/gone.csv (HTTP 404)" in ran.stdout
    assert ran.stdout.strip().endswith("1 links checked, 1 broken")
    with read(site.engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(link_checks)).scalar() == 1


def test_the_worker_checks_only_stale_links_and_stops_in_time(
    world: World, site: Site, server: Server
) -> None:
    _publish(world, server, "/ok.csv", "/gone.csv")
    first = check_stale_links(site.engine, site.settings)
    assert first is not None and (first.checked, first.broken) == (2, 1)
    again = check_stale_links(site.engine, site.settings)  # checked within the interval
    assert again is not None and again.checked == 0
    off = dataclasses.replace(site.settings, link_check_interval_hours=0)
    assert check_stale_links(site.engine, off) is None
    links = [Link("d", server.base + "/ok.csv"), Link("d", server.base + "/ok2.csv")]
    late = check_links(links, Guard(allow_private=True), concurrency=2, delay=0, timeout=1,
                       stop_at=time.monotonic())  # fmt: skip
    assert list(late) == []
