"""Abuse limits of the account forms and API: registrations, verification mails and reset
requests are counted per client address and per account or e-mail address (429 with
Retry-After, on pages too), and a filled-in honeypot saves nothing."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.participation.outbox import messages
from torget.accounts.passwords import request_password_reset
from torget.accounts.registration import Registration, register
from torget.app import create_app
from torget.db.engine import read, write
from torget.db.schema import users
from torget.errors import RateLimited
from torget.settings import Settings
from torget.site import Site

HTML = {"Accept": "text/html"}
PASSWORD = "ett-langt-losenord"


@pytest.fixture
def tight(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        registration_limit_per_hour=2,
        verification_resend_limit_per_hour=1,
        password_reset_limit_per_hour=2,
    )


@pytest.fixture
def tight_client(tight: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    with Site.open(tight, migrate=False) as site, TestClient(create_app(site)) as client:
        yield client


def _user_count(engine: sa.Engine) -> int:
    with read(engine) as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())


def test_registrations_per_address_are_limited(tight_client: TestClient, engine: sa.Engine) -> None:
    for n in range(2):
        body = {"name": f"user{n}", "email": f"user{n}@example.se", "password": PASSWORD}
        assert tight_client.post("/api/register", json=body).status_code == 202
    body = {"name": "user9", "email": "user9@example.se", "password": PASSWORD}
    refused = tight_client.post("/api/register", json=body)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert refused.json()["error"] == "rate_limited"
    page = tight_client.post(
        "/register", data={**body, "csrf_token": _csrf(tight_client, "/register")}, headers=HTML
    )
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "text/html" in page.headers["content-type"]
    assert _user_count(engine) == 2


def test_registrations_and_resets_per_e_mail_address_are_limited(
    tight: Settings, engine: sa.Engine
) -> None:
    """From ever new client addresses, one e-mail address still gets only so many mails."""

    def sign_up(n: int, email: str) -> None:
        with write(engine) as conn:
            register(conn, tight, Registration(f"a{n}", email, PASSWORD), f"10.0.0.{n}")

    def forgot(n: int) -> None:
        with write(engine) as conn:
            request_password_reset(conn, tight, "anna@example.se", f"10.1.0.{n}")

    sign_up(1, "anna@example.se")
    sign_up(2, "anna@example.se")  # the address has an account: its owner is told
    with pytest.raises(RateLimited):
        sign_up(3, "Anna@Example.se")
    sign_up(4, "bertil@example.se")
    forgot(1)
    forgot(2)
    with pytest.raises(RateLimited):
        forgot(3)
    subjects = [m["Subject"] for m in messages(tight.data_dir, "anna@example.se")]
    assert subjects == [
        "Bekräfta din e-postadress för Öppna data",
        "Du har redan ett konto på Öppna data",
        "Välj ett nytt lösenord för Öppna data",
        "Välj ett nytt lösenord för Öppna data",
    ]
    assert _user_count(engine) == 2


def test_resend_and_reset_requests_are_limited(tight_client: TestClient, tight: Settings) -> None:
    body = {"name": "lisa", "email": "lisa@example.se", "password": PASSWORD}
    tight_client.post("/api/register", json=body)
    tight_client.post("/login", data={
        "username": "lisa", "password": PASSWORD, "csrf_token": _csrf(tight_client, "/login"),
    }, headers=HTML)  # fmt: skip
    csrf = _csrf(tight_client, "/account")
    first = tight_client.post(
        "/verify/resend", data={"csrf_token": csrf}, headers=HTML, follow_redirects=False
    )
    assert first.status_code == 303
    second = tight_client.post("/verify/resend", data={"csrf_token": csrf}, headers=HTML)
    assert second.status_code == 429 and int(second.headers["Retry-After"]) > 0
    assert len(messages(tight.data_dir, "lisa@example.se")) == 2

    for _ in range(2):
        tight_client.post("/api/password-reset", json={"email": "someone@example.se"})
    refused = tight_client.post("/api/password-reset", json={"email": "else@example.se"})
    assert refused.status_code == 429  # per client address, whatever the e-mail address


def test_a_filled_honeypot_saves_nothing(client: TestClient, engine: sa.Engine) -> None:
    form = {
        "name": "robot", "email": "robot@example.se", "password": PASSWORD,
        "website": "http://spam.example", "csrf_token": _csrf(client, "/register"),
    }  # fmt: skip
    response = client.post("/register", data=form, headers=HTML)
    assert response.status_code == 422
    assert _user_count(engine) == 0
    forgot = client.post(
        "/password/forgot",
        data={"email": "x@example.se", "website": "x", "csrf_token": _csrf(client, "/login")},
        headers=HTML,
    )
    assert forgot.status_code == 422


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    assert found, path
    return found.group(1)
