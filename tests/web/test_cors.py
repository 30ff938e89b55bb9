"""Cross-origin reads of the public APIs (CORS) and HSTS: which answers carry which header,
and that pages, cookie forms and the token-less account requests never allow another origin."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import World, dataset_payload, published_payload
from torget.app import create_app
from torget.settings import Settings
from torget.site import Site

ORIGIN = {"Origin": "https://app.example"}
HTML = {**ORIGIN, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _preflight(client: TestClient, path: str, method: str, headers: str = "") -> httpx.Response:
    asked = {"Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return client.options(path, headers={**ORIGIN, **asked})


def _shared(response: httpx.Response) -> bool:
    assert "access-control-allow-credentials" not in response.headers
    return response.headers.get("access-control-allow-origin") == "*"


@pytest.fixture
def published(world: World) -> str:
    made = world.client.post("/api/datasets", json=published_payload(),
                             headers=world.auth("editor"))  # fmt: skip
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/datasets",
        "/api/search?q=bad",
        "/api/organisations/sjostad",
        "/api/vocabularies",
        "/api/datastore/00000000-0000-0000-0000-000000000000/rows",  # a 404 is readable too
        "/api/datastore/sql?sql=SELECT%201",
        "/datastore/dump/00000000-0000-0000-0000-000000000000",
        "/api/action/package_search?q=bad",
        "/api/3/action/organization_list",
        "/datasets/dcat",
        "/catalog.ttl",
        "/organisation/sjostad/datasets/dcat",
        "/suggestions.atom",
        "/feeds/datasets.atom?organisation=sjostad",  # issue 18: the datasets' feed
        "/api/3/openapi.json",  # the CKAN Action API's document
        "/api/datastore/00000000-0000-0000-0000-000000000000/rows.csv",
        "/api/datastore/00000000-0000-0000-0000-000000000000/aggregate?count=*",
    ],
)
def test_public_reads_may_be_read_from_another_origin(client: TestClient, path: str) -> None:
    answer = client.get(path, headers=ORIGIN)
    assert answer.status_code < 500 and _shared(answer), (path, answer.status_code)
    preflight = _preflight(client, path.split("?")[0], "GET", "authorization")
    assert preflight.status_code == 204 and _shared(preflight)
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "Authorization" in preflight.headers["access-control-allow-headers"]


def test_a_records_twins_are_shared_and_its_page_is_not(world: World, published: str) -> None:
    for path in (f"/dataset/{published}", f"/dataset/{published}.ttl"):
        assert _shared(world.client.get(path, headers=ORIGIN)), path
    page = world.client.get(f"/dataset/{published}", headers=HTML)
    assert page.headers["content-type"].startswith("text/html") and not _shared(page)


def test_token_writes_of_the_json_api_are_allowed_cross_origin(world: World) -> None:
    preflight = _preflight(world.client, "/api/datasets", "POST", "authorization, content-type")
    assert preflight.status_code == 204 and _shared(preflight)
    assert "POST" in preflight.headers["access-control-allow-methods"]
    upload = _preflight(world.client, "/api/distributions/x/file", "POST", "authorization")
    assert upload.status_code == 204 and _shared(upload)  # a token's upload (issue 18)
    made = world.client.post("/api/datasets", json=dataset_payload(),
                             headers={**ORIGIN, **world.auth("editor")})  # fmt: skip
    assert made.status_code == 201 and _shared(made)
    refused = world.client.post("/api/datasets", json=dataset_payload(), headers=ORIGIN)
    assert refused.status_code == 401 and _shared(refused)
    assert "WWW-Authenticate" in refused.headers["access-control-expose-headers"]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/register", "POST"),  # needs no token: no other site may make browsers send it
        ("/api/password-reset", "POST"),
        ("/api/verify/resend", "POST"),
        ("/api/action/package_create", "POST"),  # CKAN writes
        ("/api/3/action/package_patch", "POST"),
        ("/login", "POST"),  # pages and their forms, which rely on the session cookie
        ("/publish/datasets/new", "POST"),
        ("/suggestions", "GET"),
        ("/", "GET"),
        ("/files/datasets/x/a.csv", "GET"),  # served with its own headers
    ],
)
def test_cookie_forms_pages_and_token_less_writes_are_not(
    client: TestClient, path: str, method: str
) -> None:
    preflight = _preflight(client, path, method, "content-type")
    assert preflight.status_code != 204 and not _shared(preflight)
    if method == "GET":
        assert not _shared(client.get(path, headers=HTML))


def test_ckan_read_actions_may_be_posted_cross_origin(client: TestClient) -> None:
    preflight = _preflight(client, "/api/3/action/package_search", "POST", "content-type")
    assert preflight.status_code == 204 and _shared(preflight)
    answer = client.post("/api/3/action/package_search", json={"q": "bad"}, headers=ORIGIN)
    assert answer.status_code == 200 and _shared(answer)
    write = client.post("/api/3/action/package_create", json={}, headers=ORIGIN)
    assert not _shared(write)


@pytest.fixture
def https_client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    https = dataclasses.replace(settings, base_url="https://data.kommun.example")
    base = "https://data.kommun.example"
    with Site.open(https, migrate=False) as site, TestClient(create_app(site), base) as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/api/datasets", "/datasets/dcat", "/nowhere",
                                  "/static/torget.css", "/login"])  # fmt: skip
def test_an_https_site_sends_hsts_on_every_answer(https_client: TestClient, path: str) -> None:
    answer = https_client.get(path, headers=HTML)
    assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    preflight = _preflight(https_client, "/api/datasets", "GET")
    assert "strict-transport-security" in preflight.headers


def test_an_http_site_sends_no_hsts(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/", headers=HTML).headers
