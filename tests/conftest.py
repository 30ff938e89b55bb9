"""Shared fixtures: a fresh real database per test, on SQLite and (when configured) PostgreSQL.

Set TORGET_TEST_POSTGRES_URL=postgresql://user:pass@host/db to run every database test a
second time on PostgreSQL; each test gets its own schema there, dropped afterwards.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from torget.accounts.permissions import SYSTEM
from torget.accounts.users import create_user
from torget.app import create_app
from torget.catalog.model import OrganisationIn
from torget.catalog.organisations import create_organisation, set_member
from torget.db.engine import make_engine, write
from torget.db.migrate import upgrade
from torget.settings import Settings, load_settings, normalise_database_url

POSTGRES_URL = os.environ.get("TORGET_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path / "torget.db") as url:
        yield url


@contextmanager
def fresh_database(backend: str, sqlite_file: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sa.create_engine(normalise_database_url(POSTGRES_URL))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def suite_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """The suite's settings (no environment, no config file, a fresh data folder), with
    `overrides` for the suites that need tighter limits or other backends."""
    return load_settings(
        environ={},
        config_file=tmp_path / "absent.toml",
        data_dir=tmp_path / "data",
        database_url=database_url,
        base_url="http://testserver",
        **overrides,
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(database_url, tmp_path)


@pytest.fixture
def engine(settings: Settings) -> Iterator[sa.Engine]:
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def org_payload(name: str = "sjostad", **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": name,
        "title": {"sv": "Sjöstads kommun", "en": "Sjöstad Municipality"},
        "org_number": "212000-0142",
        "publisher_type": "LocalAuthority",
        "homepage": "https://www.sjostad.example",
        "contact_point": {"name": "Kontaktcenter", "email": "kontakt@sjostad.example"},
    }
    payload.update(changes)
    return payload


def dataset_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "organisation": "sjostad",
        "title": {"sv": "Badplatser", "en": "Bathing sites"},
        "description": {"sv": "Kommunens badplatser.", "en": "The municipality's beaches."},
        "keywords": {"sv": ["bad"], "en": ["bathing"]},
        "themes": ["ENVI"],
        "access_rights": "PUBLIC",
        "frequency": "ANNUAL",
        "distributions": [
            {
                "title": {"sv": "Badplatser som CSV"},
                "download_url": "https://data.sjostad.example/badplatser.csv",
                "format": "text/csv",
                "license": "CC0-1.0",
            }
        ],
    }
    payload.update(changes)
    return payload


class World:
    """A small catalogue: one municipality, a department, and users with tokens."""

    def __init__(self, client: TestClient, engine: sa.Engine):
        self.client = client
        with write(engine) as conn:
            create_organisation(conn, SYSTEM, OrganisationIn.model_validate(org_payload()))
            dept = org_payload(
                "trafik", title={"sv": "Trafikkontoret"}, parent="sjostad", org_number=None,
                publisher_type=None,
            )  # fmt: skip
            create_organisation(conn, SYSTEM, OrganisationIn.model_validate(dept))
            create_organisation(
                conn,
                SYSTEM,
                OrganisationIn.model_validate(
                    org_payload("grannby", title={"sv": "Grannby kommun"}, org_number=None)
                ),
            )
            for name, sysadmin in (("root", True), ("editor", False), ("outsider", False)):
                create_user(conn, name, f"{name}@example.se", "secret-password", sysadmin=sysadmin)
            set_member(conn, SYSTEM, "sjostad", "editor", "editor")
        self.tokens = {name: self.token(name) for name in ("root", "editor", "outsider")}

    def token(self, user: str) -> str:
        basic = base64.b64encode(f"{user}:secret-password".encode()).decode()
        response = self.client.post(
            "/api/tokens", json={"name": "test"}, headers={"Authorization": f"Basic {basic}"}
        )
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@pytest.fixture
def world(client: TestClient, engine: sa.Engine) -> World:
    return World(client, engine)
