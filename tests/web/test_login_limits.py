"""Failed log-ins are limited per account and per client address, on the log-in form, over
HTTP Basic and for API tokens: past the limit the answer is 429 with Retry-After (a page in
the reader's language, or the API's JSON), before any password is checked. Only failures
count, and the owner's own browser still gets in while others' failures lock the account."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import suite_settings
from tests.web.conftest import Browser
from tests.web.sample import PASSWORD, Sample, make_sample
from torget.app import create_app
from torget.settings import Settings
from torget.site import Site

PER_ACCOUNT, PER_ADDRESS = 3, 5
Visitor = Callable[[int], Browser]


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _wrong_login(browser: Browser, user: str = "anna") -> httpx.Response:
    return browser.post("/login", {"username": user, "password": "not-the-password"})


def _assert_refused_page(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert "text/html" in response.headers["content-type"]
    assert "För många misslyckade inloggningar" in response.text


def test_thirty_wrong_passwords_on_the_form_end_in_429(browser: Browser) -> None:
    answers = [_wrong_login(browser).status_code for _ in range(30)]
    assert answers[0] == 422 and answers[-1] == 429
    refused = _wrong_login(browser)
    _assert_refused_page(refused)
    assert 'href="/password/forgot"' in refused.text  # the way in that needs no password
    english = browser.client.post(
        "/login?lang=en",
        data={"csrf_token": browser.csrf("/login?lang=en"), "username": "anna", "password": "x"},
        headers={"Accept": "text/html"},
    )
    assert english.status_code == 429 and "Too many failed log-ins" in english.text


def test_thirty_wrong_passwords_over_basic_end_in_429(client: TestClient, sample: Sample) -> None:
    answers = [
        client.post("/api/tokens", json={"name": "x"}, headers=_basic("anna", "wrong")).status_code
        for _ in range(30)
    ]
    assert answers[0] == 401 and answers[-1] == 429
    refused = client.post("/api/tokens", json={"name": "x"}, headers=_basic("anna", PASSWORD))
    assert refused.status_code == 429  # the limit comes before the password is checked
    assert refused.json()["error"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600


@pytest.fixture
def tight(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(
        database_url,
        tmp_path,
        login_failures_per_account_per_hour=PER_ACCOUNT,
        login_failures_per_address_per_hour=PER_ADDRESS,
    )


@pytest.fixture
def app(tight: Settings, engine: sa.Engine) -> Iterator[FastAPI]:
    make_sample(engine)
    with Site.open(tight, migrate=False) as site:
        yield create_app(site)


@pytest.fixture
def visitor(app: FastAPI) -> Iterator[Visitor]:
    """Browsers at their own client addresses: `visitor(n)` is one at 10.0.0.n."""
    clients: list[TestClient] = []

    def at(n: int) -> Browser:
        client = TestClient(app, client=(f"10.0.0.{n}", 40000))
        clients.append(client.__enter__())
        return Browser(client)

    yield at
    for client in clients:
        client.__exit__(None, None, None)


def test_the_account_is_locked_after_its_limit_of_failures(visitor: Visitor) -> None:
    for n in range(PER_ACCOUNT):  # from ever new addresses, by name and by e-mail address
        user = "anna" if n % 2 else "anna@sjostad.example"
        assert _wrong_login(visitor(10 + n), user).status_code == 422
    stranger = visitor(20)
    _assert_refused_page(stranger.post("/login", {"username": "anna", "password": PASSWORD}))
    basic = stranger.client.post(
        "/api/tokens", json={"name": "x"}, headers=_basic("anna", PASSWORD)
    )
    assert basic.status_code == 429
    assert stranger.post("/login", {"username": "erik", "password": PASSWORD}).status_code == 303


def test_unknown_names_lock_alike(visitor: Visitor) -> None:
    """Whether a name has an account cannot be told from when the 429 comes."""
    for n in range(PER_ACCOUNT):
        assert _wrong_login(visitor(10 + n), "nobody@example.se").status_code == 422
    assert _wrong_login(visitor(20), "nobody@example.se").status_code == 429


def test_the_owners_browser_gets_in_while_others_lock_the_account(visitor: Visitor) -> None:
    owner = visitor(7)
    owner.login("anna")
    owner.post("/logout", token_from="/publish")
    for n in range(PER_ACCOUNT + 2):
        _wrong_login(visitor(30 + n))
    assert _wrong_login(visitor(40)).status_code == 429
    back = owner.post("/login", {"username": "anna", "password": PASSWORD, "next": "/publish"})
    assert back.status_code == 303  # a browser anna logged in with before is trusted
    assert owner.get("/publish").status_code == 200


def test_the_owners_browser_has_a_limit_of_its_own(visitor: Visitor) -> None:
    owner = visitor(7)
    owner.login("anna")
    for _ in range(PER_ACCOUNT):
        assert _wrong_login(owner).status_code == 422
    _assert_refused_page(owner.post("/login", {"username": "anna", "password": PASSWORD}))


def test_one_address_is_limited_across_accounts(visitor: Visitor) -> None:
    sprayer = visitor(66)
    for n in range(PER_ADDRESS):
        assert _wrong_login(sprayer, f"user{n}").status_code == 422
    _assert_refused_page(sprayer.post("/login", {"username": "erik", "password": PASSWORD}))
    over_basic = sprayer.client.post(
        "/api/tokens", json={"name": "x"}, headers=_basic("erik", PASSWORD)
    )
    assert over_basic.status_code == 429
    elsewhere = visitor(67)
    assert elsewhere.post("/login", {"username": "erik", "password": PASSWORD}).status_code == 303


def test_successful_log_ins_are_not_counted(visitor: Visitor) -> None:
    browser = visitor(5)
    for _ in range(PER_ADDRESS + 2):
        browser.login("anna")
    basic = browser.client
    for _ in range(PER_ADDRESS + 2):
        created = basic.post("/api/tokens", json={"name": "x"}, headers=_basic("anna", PASSWORD))
        assert created.status_code == 201


def test_a_flood_of_bad_tokens_from_one_address_is_refused(visitor: Visitor) -> None:
    flood = visitor(66).client
    token = flood.post("/api/tokens", json={"name": "x"}, headers=_basic("anna", PASSWORD))
    good = {"Authorization": f"Bearer {token.json()['token']}"}
    bad = {"Authorization": "Bearer tg_not-a-token"}
    for _ in range(PER_ADDRESS):
        assert flood.get("/api/tokens", headers=bad).status_code == 401
    refused = flood.get("/api/tokens", headers=bad)
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    ckan = flood.get("/api/3/action/package_list", headers={"Authorization": "tg_not-a-token"})
    assert ckan.status_code == 429 and "Retry-After" in ckan.headers
    assert flood.get("/api/tokens", headers=good).status_code == 200  # a real token still works
    assert visitor(67).client.get("/api/tokens", headers=bad).status_code == 401
    # bad tokens and wrong passwords are counted apart: a stale token in a script does not
    # keep the people at the same address from logging in
    assert visitor(66).post("/login", {"username": "erik", "password": PASSWORD}).status_code == 303
