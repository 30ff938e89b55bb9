"""Logging in and out, the session cookie's flags, the secret key, and CSRF on every form.
A log-out, a password reset or change ends every session of the user, replayed cookies too."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.web.conftest import HTML, Browser
from tests.web.sample import PASSWORD
from torget.accounts.account_tokens import issue_link
from torget.accounts.users import create_user, get_user, set_password
from torget.app import create_app
from torget.db.engine import write
from torget.settings import Settings, load_settings
from torget.site import Site
from torget.web.sessions import SESSION_COOKIE, session_secret


def test_log_in_and_out(browser: Browser) -> None:
    assert browser.get("/publish", follow_redirects=False).headers["location"] == (
        "/login?next=/publish"
    )
    wrong = browser.post("/login", {"username": "anna", "password": "not-it", "next": "/publish"})
    assert wrong.status_code == 422 and "Användarnamnet eller lösenordet är fel" in wrong.text
    assert "not-it" not in wrong.text  # a password is never sent back
    assert 'aria-invalid="true"' in wrong.text and 'href="#f-username"' in wrong.text
    browser.login("anna")
    dashboard = browser.get("/publish")
    assert dashboard.status_code == 200 and "Anna Lind" in dashboard.text
    assert "Miljöförvaltningen" in dashboard.text and "Luftkvalitet (utkast)" in dashboard.text
    out = browser.post("/logout", token_from="/publish")
    assert out.status_code == 303
    assert browser.get("/publish", follow_redirects=False).status_code == 303


def test_login_returns_to_a_local_page_only(browser: Browser) -> None:
    here = browser.post(
        "/login", {"username": "anna", "password": PASSWORD, "next": "/publish/tokens"}
    )
    assert here.headers["location"] == "/publish/tokens"
    away = browser.post(
        "/login", {"username": "anna", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert away.headers["location"] == "/publish"


def test_login_without_a_target_lands_publishers_and_the_public_apart(
    browser: Browser, engine: sa.Engine
) -> None:
    with write(engine) as conn:
        create_user(conn, "kim", "kim@example.se", PASSWORD)  # no organisation
    publisher = browser.post("/login", {"username": "anna", "password": PASSWORD})
    assert publisher.headers["location"] == "/publish"
    resident = browser.post("/login", {"username": "kim", "password": PASSWORD})
    assert resident.headers["location"] == "/account"


def test_session_cookie_is_httponly_and_lax(browser: Browser) -> None:
    response = browser.post(
        "/login", {"username": "anna", "password": PASSWORD, "next": "/publish"}
    )
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert set(cookies) == {"torget_session", "torget_device"}
    for cookie in cookies.values():
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert "secure" not in cookie  # base_url is http in the tests
    assert "path=/login" in cookies["torget_device"]  # sent with log-ins only


def test_session_cookie_is_secure_on_https(settings: Settings, engine: sa.Engine) -> None:
    secure = load_settings(
        environ={},
        config_file=settings.data_dir / "absent.toml",
        data_dir=settings.data_dir,
        database_url=settings.database_url,
        base_url="https://data.sjostad.example",
    )
    with (
        Site.open(secure, migrate=False) as site,
        TestClient(create_app(site), base_url="https://testserver") as client,
    ):
        page = client.get("/login", headers=HTML)
        assert "secure" in page.headers["set-cookie"].lower()


def test_every_post_needs_the_form_token(browser: Browser) -> None:
    c = browser.client
    for path in ("/login", "/accessibility", "/logout", "/publish/tokens"):
        response = c.post(path, data={"description": "x"}, headers=HTML)
        assert response.status_code == 403, path
        assert "Formuläret har gått ut" in response.text
    browser.login("anna")
    forged = c.post(
        "/publish/datasets/new",
        data={"csrf_token": "forged", "title.sv": "x"},
        headers=HTML,
    )
    assert forged.status_code == 403
    other_session = TestClient(c.app)
    stolen = browser.csrf("/publish/datasets/new")
    with other_session:
        assert (
            other_session.post(
                "/accessibility", data={"csrf_token": stolen, "description": "x"}
            ).status_code
            == 403
        )


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings(
        environ={}, config_file=tmp_path / "none.toml", data_dir=tmp_path / "d"
    )
    first = session_secret(settings)
    assert len(first) >= 40 and session_secret(settings) == first
    assert (tmp_path / "d" / "secret_key").stat().st_mode & 0o777 == 0o600
    configured = load_settings(
        environ={"TORGET_SECRET_KEY": "configured-key"}, config_file=tmp_path / "none.toml"
    )
    assert session_secret(configured) == "configured-key"
    assert configured.describe()["secret_key"] == "***"


def test_the_api_ignores_the_session_cookie(browser: Browser) -> None:
    browser.login("anna")
    response = browser.client.post(
        "/api/datasets",
        json={"organisation": "miljo", "title": {"sv": "x"}, "description": {"sv": "y"}},
    )
    assert response.status_code == 401  # cookies never authenticate the API: no CSRF there


def _second_browser(browser: Browser) -> Browser:
    return Browser(TestClient(browser.client.app))


def _logged_in(browser: Browser) -> bool:
    return browser.get("/publish", follow_redirects=False).status_code == 200


def test_log_out_ends_the_session_even_when_its_cookie_is_replayed(browser: Browser) -> None:
    browser.login("anna")
    stolen = browser.client.cookies[SESSION_COOKIE]
    assert browser.post("/logout", token_from="/publish").status_code == 303
    assert not _logged_in(browser)
    browser.client.cookies.clear()
    browser.client.cookies.set(SESSION_COOKIE, stolen)
    assert not _logged_in(browser)
    browser.client.cookies.clear()
    browser.login("anna")  # a new log-in works as before
    assert _logged_in(browser)


def test_log_out_ends_every_session_of_the_user(browser: Browser) -> None:
    laptop, phone, colleague = browser, _second_browser(browser), _second_browser(browser)
    laptop.login("anna")
    phone.login("anna")
    colleague.login("erik")
    laptop.post("/logout", token_from="/publish")
    assert not _logged_in(phone)
    assert _logged_in(colleague)


def test_a_password_reset_ends_every_other_session(
    browser: Browser, engine: sa.Engine, world_token: str
) -> None:
    thief = _second_browser(browser)
    thief.login("anna")
    with write(engine) as conn:
        user_id = get_user(conn, "anna").id
        secret = issue_link(conn, user_id, "reset_password", timedelta(hours=1))
    reset = browser.post(
        "/password/reset",
        {"token": secret, "password": "ett-helt-nytt-losenord"},
        token_from=f"/password/reset?token={secret}",
    )
    assert reset.status_code == 303
    assert _logged_in(browser)  # the reset logs its owner in
    assert not _logged_in(thief)
    with write(engine) as conn:
        set_password(conn, user_id, "ett-annat-nytt-losenord")  # any password change
    assert not _logged_in(browser)
    api = browser.client.get("/api/tokens", headers={"Authorization": f"Bearer {world_token}"})
    assert api.status_code == 200  # API tokens are not sessions: they stay until revoked


@pytest.fixture
def world_token(browser: Browser) -> str:
    basic = base64.b64encode(f"anna:{PASSWORD}".encode()).decode()
    created = browser.client.post(
        "/api/tokens", json={"name": "script"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert created.status_code == 201
    return str(created.json()["token"])
