"""A live Torget on loopback for the real ckanapi client: uvicorn in a thread, a fresh
database per test (SQLite and PostgreSQL through `database_url`), users with tokens."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ckanapi
import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from tests.conftest import fresh_database, org_payload
from torget.accounts.permissions import SYSTEM
from torget.accounts.tokens import create_token
from torget.accounts.users import create_user
from torget.app import create_app
from torget.catalog.model import OrganisationIn
from torget.catalog.organisations import create_organisation, set_member
from torget.db.engine import write
from torget.settings import load_settings
from torget.site import Site


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    base: str
    tokens: dict[str, str]
    site: Site | None = None  # to run a worker's jobs (the guard's scans, issue 13 B)

    def ckan(self, user: str | None = "root") -> ckanapi.RemoteCKAN:
        return ckanapi.RemoteCKAN(self.base, apikey=self.tokens[user] if user else None)


def _populate(engine: sa.Engine) -> dict[str, str]:
    tokens = {}
    with write(engine) as conn:
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(org_payload()))
        other = org_payload("grannby", title={"sv": "Grannby kommun"}, org_number=None)
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(other))
        for name, sysadmin in (("root", True), ("editor", False), ("outsider", False)):
            user = create_user(
                conn, name, f"{name}@example.se", "secret-password", sysadmin=sysadmin
            )
            tokens[name] = create_token(conn, user.id, "ckan")[1]
        set_member(conn, SYSTEM, "sjostad", "editor", "editor")
    return tokens


def _serve(database_url: str, data_dir: Path) -> Iterator[Live]:
    port = _free_port()
    settings = load_settings(
        environ={},
        config_file=data_dir / "absent.toml",
        data_dir=data_dir,
        database_url=database_url,
        base_url=f"http://127.0.0.1:{port}",
    )
    site = Site.open(settings)
    tokens = _populate(site.engine)
    app = create_app(site)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert httpx.get(base + "/").status_code == 200
    try:
        yield Live(base, tokens, site)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        site.close()


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[Live]:
    yield from _serve(database_url, tmp_path / "one")


@pytest.fixture
def other_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same backend."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with fresh_database(backend, tmp_path / "other.db") as url:
        yield url


@pytest.fixture
def other_live(other_database_url: str, tmp_path: Path) -> Iterator[Live]:
    yield from _serve(other_database_url, tmp_path / "two")


def package(**changes: object) -> dict[str, object]:
    """A CKAN package as a CKAN client writes it."""
    payload: dict[str, object] = {
        "name": "badplatser",
        "title": "Badplatser",
        "title_translated": {"sv": "Badplatser", "en": "Bathing sites"},
        "notes": "Kommunens badplatser.",
        "notes_translated": {"sv": "Kommunens badplatser.", "en": "The bathing sites."},
        "owner_org": "sjostad",
        "private": False,
        "license_id": "cc-by",
        "tags": [{"name": "bad"}, {"name": "strand"}],
        "tags_translated": {"sv": ["bad", "strand"], "en": ["bathing", "beach"]},
        "groups": [{"name": "envi"}],
        "extras": [
            {"key": "frequency", "value": "ANNUAL"},
            {"key": "access_rights", "value": "PUBLIC"},
            {"key": "temporal_start", "value": "2020-01-01"},
            # Issue 13 B: a public package is classified (confidentiality 0).
            {"key": "confidentiality", "value": "0"},
            {"key": "integrity", "value": "1"},
            {"key": "availability", "value": "1"},
            {"key": "classification_reason", "value": "Public places."},
        ],
        "resources": [
            {
                "url": "https://data.sjostad.example/badplatser.csv",
                "name": "Badplatser som CSV",
                "format": "text/csv",
            }
        ],
    }
    payload.update(changes)
    return payload
