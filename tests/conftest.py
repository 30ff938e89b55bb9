"""Shared fixtures: a fresh real database per test, on SQLite and (when configured) PostgreSQL.

Set TORGET_TEST_POSTGRES_URL=postgresql://user:pass@host/db to run every database test a
second time on PostgreSQL; each test gets its own schema there, dropped afterwards.
"""

from __future__ import annotations

import base64
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import argon2.profiles
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.postgres_copies import Copies, drop_database
from torget.accounts.password_hashes import use_parameters
from torget.accounts.permissions import SYSTEM
from torget.accounts.tokens import create_token
from torget.accounts.users import create_user
from torget.app import create_app
from torget.catalog.model import LangText, OrganisationIn
from torget.catalog.organisations import create_organisation, set_member
from torget.db.engine import make_engine, write
from torget.db.migrate import upgrade
from torget.settings import Settings, load_settings, normalise_database_url
from torget.site import Site

POSTGRES_URL = os.environ.get("TORGET_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Argon2id with the parameters argon2-cffi offers for tests (`profiles.CHEAPEST`): with
    the defaults a hash takes 0.1-0.3 s of a shared core, and the suite makes thousands (each
    `World`, each sample, a hundred voters). A hash records its parameters, so hashing and
    verifying run the same code; the `torget` processes that tests start keep the defaults."""
    use_parameters(argon2.profiles.CHEAPEST)
    yield
    use_parameters(argon2.profiles.RFC_9106_LOW_MEMORY)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite catalogue migrated once per test process by Alembic; each test copies it
    (a copy takes milliseconds, the migrations a second)."""
    template = tmp_path_factory.getbasetemp() / "migrated-template.db"
    engine = make_engine(f"sqlite:///{template}")
    upgrade(engine)
    engine.dispose()
    return template


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """A PostgreSQL database migrated once per test process; each test's database is a copy
    of it (`CREATE DATABASE … TEMPLATE`, tens of milliseconds instead of the migrations)."""
    if not POSTGRES_URL:
        yield None
        return
    name = "torget_tpl_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = make_engine(normalise_database_url(_on_database(name)))
    upgrade(engine)
    engine.dispose()
    try:
        yield name
    finally:
        drop_database(admin, name)
        admin.dispose()


def _on_database(name: str) -> str:
    """TORGET_TEST_POSTGRES_URL with another database."""
    url = sa.engine.make_url(POSTGRES_URL).set(database=name)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_copies(postgres_template: str | None) -> Iterator[Copies | None]:
    """The template's copies, made ahead of the tests that take them (tests/postgres_copies.py)."""
    if postgres_template is None:
        yield None
        return
    admin = sa.create_engine(normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    copies = Copies(admin, postgres_template)
    try:
        yield copies
    finally:
        copies.close()
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_copies: Copies | None,
) -> Iterator[str]:
    """A migrated catalogue database of the test's own, on each backend."""
    if request.param == "postgresql" and postgres_copies is not None:
        name = postgres_copies.take()
        try:
            yield _on_database(name)
        finally:
            postgres_copies.give_back(name)
        return
    with fresh_database(request.param, tmp_path / "torget.db", sqlite_template) as url:
        yield url


@contextmanager
def fresh_database(backend: str, sqlite_file: Path, template: Path | None = None) -> Iterator[str]:
    """A database of its own: on SQLite a copy of the migrated `template` file when one is
    given, else an empty file; on PostgreSQL an empty schema dropped afterwards (the tests'
    migrated copies come from `postgres_copies`)."""
    if backend == "sqlite":
        if template is not None:
            shutil.copyfile(template, sqlite_file)
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


def admin_and_organisation(env: dict[str, str]) -> str:
    """In the catalogue a `torget` process with environment `env` opens: an administrator
    (admin / demo-admin-2024) and the organisation sjostad, made as `torget user create`,
    `org create` and `token create` make them (tests/test_cli.py runs those commands);
    the administrator's new token."""
    site = Site.open(load_settings(environ=env), queue=False)
    try:
        with write(site.engine) as conn:
            admin = create_user(conn, "admin", "admin@example.se", "demo-admin-2024", sysadmin=True)
            create_organisation(conn, SYSTEM, OrganisationIn(
                name="sjostad", title=LangText(sv="Sjöstads kommun"),
                publisher_type="LocalAuthority",
            ))  # fmt: skip
            return create_token(conn, admin.id, "cli")[1]
    finally:
        site.close()


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
def site(settings: Settings) -> Iterator[Site]:
    """The site over the fresh database, migrated: what the app, the CLI and the worker open."""
    opened = Site.open(settings)
    yield opened
    opened.close()


@pytest.fixture
def engine(site: Site) -> sa.Engine:
    return site.engine


@pytest.fixture
def client(settings: Settings, site: Site) -> Iterator[TestClient]:
    app = create_app(site)
    with TestClient(app) as test_client:
        yield test_client


def client_site(client: TestClient) -> Site:
    """The site a test client's app serves (`create_app(site)` keeps it on the app)."""
    site: Site = client.app.state.site  # type: ignore[attr-defined]
    return site


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


# Issue 13 B: a dataset is published only once classified (confidentiality 0 and a reason).
CLASSIFIED: dict[str, Any] = {
    "confidentiality": 0, "integrity": 1, "availability": 1,
    "reason": "Public information about the municipality.",
}  # fmt: skip


def published_payload(**changes: Any) -> dict[str, Any]:
    """`dataset_payload` published in one call (`POST /api/datasets` with its classification)."""
    return dataset_payload(state="published", classification=dict(CLASSIFIED), **changes)


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
