"""Catalogues served over a real HTTP server on loopback, and a site that may harvest them.

`served` is a small threaded HTTP server whose answers a test sets per path: a body with its
content type, a status, a delay (for time-outs) and an ETag honoured with 304.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import org_payload, suite_settings
from torget.accounts.permissions import COMMAND_LINE, SYSTEM
from torget.catalog.model import OrganisationIn
from torget.db.engine import write
from torget.harvest import sources
from torget.harvest.run import run_source
from torget.harvest.sources import Run
from torget.harvest.types import SOURCE_TYPES
from torget.publishing.changes import create_organisation
from torget.settings import Settings
from torget.site import Site

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "specs" / "dcat" / "examples"


@dataclass
class Answer:
    body: bytes
    content_type: str = "application/rdf+xml"
    status: int = 200
    delay: float = 0.0
    etag: str | None = None


@dataclass
class Served:
    base: str
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def put(self, path: str, body: bytes | str, content_type: str = "application/rdf+xml",
            **more: object) -> str:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body
        self.answers[path] = Answer(data, content_type, **more)  # type: ignore[arg-type]
        return self.base + path


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            served.requests.append((self.path, dict(self.headers.items())))
            answer = served.answers.get(self.path) or served.answers.get(self.path.split("?")[0])
            if answer is None:
                self.send_error(404)
                return
            time.sleep(answer.delay)
            if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            if answer.etag:
                self.send_header("ETag", answer.etag)
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def served() -> Iterator[Served]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Served("")))
    result = Served(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(result)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield result
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(
        database_url, tmp_path, harvest_allow_private=True, harvest_timeout_seconds=2
    )


@pytest.fixture
def region(site: Site) -> str:
    """A regional organisation that harvests its municipalities."""
    payload = org_payload(
        "region", title={"sv": "Region Mellan"}, org_number="232100-0016",
        publisher_type="RegionalAuthority", email="data@region.example",
    )  # fmt: skip
    with write(site.engine) as conn:
        create_organisation(conn, COMMAND_LINE, OrganisationIn.model_validate(payload))
    return "region"


def add(site: Site, url: str, type: str = "dcat", **options: object) -> str:
    with write(site.engine) as conn:
        source = sources.add_source(
            conn, SYSTEM, organisation="region", type=type, url=url,
            known_types=tuple(SOURCE_TYPES), **options,  # type: ignore[arg-type]
        )  # fmt: skip
    return source.id


def run(site: Site, source_id: str) -> Run:
    return run_source(site.engine, site.settings, source_id)


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
