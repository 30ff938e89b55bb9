"""Every route, every wrong kind of value: no answer is a 5xx (issue 19, part 8).

The routes come from the application itself (`app.routes`, and every CKAN action in
`torget.ckan.actions.ACTIONS`), their parameters and JSON bodies from its OpenAPI document,
with a common set of names for the routes the document leaves out (pages, CKAN). Each is sent
wrong values of every kind: huge and negative numbers, words where numbers belong, digits
`int` refuses ("²", 5,000 of them), JSON of the wrong type, 10,000 levels of nesting, empty
and very long text, control characters, invalid UTF-8; in the path, the query string and the
body; anonymously and with an API token (with a logged-in session and its form token for the
pages). All combinations would be some 30,000 requests, so each route, method and caller gets
`PER_ROUTE` of them drawn with a fixed seed (about 1,200 in all). Every failure is listed with
the request that caused it and the line of Torget that raised.

The known cases have their own tests below: a huge page on every list endpoint, deep nesting
and wrong types to CKAN.
"""

from __future__ import annotations

import json
import random
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.web.conftest import HTML, Browser
from tests.web.sample import Sample
from torget.accounts.tokens import create_token
from torget.accounts.users import get_user
from torget.ckan.actions import ACTIONS
from torget.db.engine import write

PER_ROUTE = 3
HUGE = "1" + "0" * 30
WRONG_TEXT = [
    HUGE, "-1", "0", "abc", "", "²", "9" * 5000, "x" * 3000, "\x00\x07\x1b\u2028",
    "1e308", "NaN", "[]", "{", "../../etc/passwd",
]  # fmt: skip
# Already percent-encoded: invalid UTF-8 (a lone byte, an overlong form, a surrogate), NUL.
RAW_QUERY = ["%FF%FE", "%C0%AF", "%ED%A0%80", "%00"]
DEEP = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a": ' * 5_000 + b"1" + b"}" * 5_000


def _nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


WRONG_JSON: list[Any] = [
    10**30, -(10**30), -1, 1.5e308, "abc", "", "²", "x" * 10_000, "\x00\x1b\r\n", None,
    True, [], {}, {"a": 1}, _nested(200), [None] * 50,
]  # fmt: skip
# Parameter names of the routes that the OpenAPI document leaves out (pages, CKAN actions).
COMMON_PARAMS = [
    "page", "page_size", "q", "sort", "limit", "offset", "format", "lang", "organisation",
    "theme", "status", "state", "f", "next", "after", "name", "id", "title", "token",
]  # fmt: skip
CKAN_PARAMS = [
    "id", "name", "package_id", "resource_id", "q", "fq", "rows", "start", "sort", "limit",
    "offset", "fields", "filters", "records", "facet.field", "facet.limit", "include_datasets",
    "include_users", "all_fields", "resources", "tags", "tags_translated", "extras", "groups",
    "owner_org", "title", "title_translated", "url", "private", "force", "sql", "method",
    "primary_key", "username", "role", "jti", "user_id", "size", "hash", "format", "distinct",
    "plain", "language", "include_total", "records_format", "user", "token",
]  # fmt: skip
# Routes whose 5xx answers belong to another part of issue 19 and are listed for its helper
# (the datastore's query API); none are left out at present.
HANDED_OVER: tuple[str, ...] = ()
# Routes that would end the fuzz's own session or account.
SELF_DESTRUCTIVE = {("DELETE", "/api/me"), ("POST", "/logout"), ("POST", "/account/delete")}
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Probe:
    method: str
    url: str
    body: bytes | None = None
    content_type: str | None = None
    who: str = "anonymous"  # or "token" or "session"

    def describe(self) -> str:
        body = "" if self.body is None else f" body={self.body[:100]!r}"
        return f"{self.who} {self.method} {self.url[:160]}{body}"


def _real_values(sample: Sample) -> dict[str, str]:
    dist = sample.bathing.distributions[0].id
    return {
        "dataset": sample.bathing.name, "ref": sample.bathing.name, "distribution": dist,
        "distribution_id": dist, "dist_id": dist, "resource_id": dist,
        "service": sample.service_name, "organisation": "miljo", "name": "miljo",
        "user": "anna", "subject_type": "dataset", "subject": sample.bathing.id,
        "fmt": "csv", "ext": "ttl", "column": "namn", "path": "datasets/x/y.csv",
    }  # fmt: skip


WRONG_PATH = [
    HUGE,
    "-1",
    "x" * 3000,
    "\x00\x1b",
    "%FF",
    "²",
    "00000000-0000-0000-0000-000000000000",
]


def _fill(path: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "00000000-0000-4000-8000-000000000000")
        return value if value.startswith("%") else quote(value, safe="")

    return re.sub(r"\{([a-z_]+)(?::path)?\}", one, path)


def _openapi_params(doc: dict[str, Any], path: str, method: str) -> tuple[list[str], list[str]]:
    """The query parameters and the JSON body's property names of an operation."""
    operation = doc.get("paths", {}).get(path, {}).get(method.lower())
    if operation is None:
        return COMMON_PARAMS, []
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    schema = operation.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema", {})
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return query or COMMON_PARAMS[:4], list(schema.get("properties", {}))


def _queries(names: list[str]) -> list[str]:
    pairs = [f"{quote(n)}={quote(v, safe='')}" for n in names for v in WRONG_TEXT]
    return pairs + [f"{quote(n)}={raw}" for n in names for raw in RAW_QUERY]


def _json_bodies(properties: list[str]) -> list[bytes]:
    whole = [
        DEEP,
        DEEP_OBJECT,
        b"\xff\xfe not utf-8",
        b"{",
        *map(str.encode, map(json.dumps, WRONG_JSON)),
    ]
    fields = [json.dumps({n: v}).encode() for n in properties or ["name"] for v in WRONG_JSON]
    return whole + fields


def _form_bodies(names: list[str], csrf: str | None) -> list[bytes]:
    token = f"csrf_token={csrf}&" if csrf else ""
    bodies = [f"{token}{quote(n)}={quote(v, safe='')}".encode() for n in names for v in WRONG_TEXT]
    return bodies + [f"{token}{quote(n)}={raw}".encode() for n in names for raw in RAW_QUERY]


def _candidates(
    doc: dict[str, Any], path: str, method: str, real: dict[str, str], who: str, csrf: str
) -> list[Probe]:
    """Every probe of one route, method and caller: wrong values in the path, and with the
    path filled with the sample's own records, wrong values in the query string or body."""
    names = re.findall(r"\{([a-z_]+)", path)
    destructive = method == "DELETE" or path.endswith(("/delete", "/revoke", "/remove"))
    found = [Probe(method, _fill(path, {n: w for n in names}), who=who) for w in WRONG_PATH]
    if names and destructive:
        return found  # never the sample's own records
    found = found if names else []
    url = _fill(path, real)
    query_names, properties = _openapi_params(doc, path, method)
    if method in ("GET", "HEAD"):
        found += [Probe(method, f"{url}?{q}", who=who) for q in _queries(query_names)]
    elif who == "session" or (who == "anonymous" and path not in doc["paths"]):
        form = _form_bodies(COMMON_PARAMS, csrf if who == "session" else None)
        found += [Probe(method, url, body, FORM, who) for body in form]
    else:
        found += [Probe(method, url, body, JSON, who) for body in _json_bodies(properties)]
    return found


def _ckan_candidates(name: str, who: str) -> list[Probe]:
    base = f"/api/3/action/{name}"
    bodies = [DEEP, DEEP_OBJECT, b"[]", b"{", b"\xff"]
    bodies += [json.dumps({p: v for p in CKAN_PARAMS}).encode() for v in WRONG_JSON]
    for param in CKAN_PARAMS:
        for value in WRONG_JSON:
            ref = {} if param == "id" else {"id": "badplatser" if "package" in name else "miljo"}
            bodies.append(json.dumps({**ref, param: value}).encode())
    found = [Probe("POST", base, body, JSON, who) for body in bodies]
    return found + [Probe("GET", f"{base}?{q}", who=who) for q in _queries(CKAN_PARAMS)]


def probes(app: FastAPI, sample: Sample, csrf: str) -> Iterator[Probe]:
    rng = random.Random(19)
    doc = app.openapi()
    real = _real_values(sample)
    for route in iter_route_contexts(app.routes):
        path, methods = route.path, sorted(route.methods or [])
        if not methods or "/action/" in path:
            continue  # /static; the CKAN actions are sent one by one below
        page = not path.startswith(("/api/", "/datastore/")) and path not in doc["paths"]
        for method in methods:
            if (method, path) in SELF_DESTRUCTIVE or path.startswith(HANDED_OVER):
                continue
            for who in ("anonymous", "session" if page else "token"):
                found = _candidates(doc, path, method, real, who, csrf)
                yield from rng.sample(found, min(PER_ROUTE, len(found)))
    for name in [*ACTIONS, "no_such_action"]:
        for who in ("anonymous", "token"):
            found = _ckan_candidates(name, who)
            yield from rng.sample(found, PER_ROUTE)


@dataclass
class Caller:
    """How the fuzz calls: a TestClient that re-raises the server's exceptions, a token and
    a logged-in session of the sample's system administrator."""

    client: TestClient
    token: str
    session: dict[str, str]

    def send(self, probe: Probe) -> int:
        headers = dict(HTML) if probe.who == "session" else {}
        if probe.who == "token":
            headers["Authorization"] = f"Bearer {self.token}"
        if probe.content_type:
            headers["Content-Type"] = probe.content_type
        self.client.cookies.clear()
        if probe.who == "session":
            self.client.cookies.update(self.session)
        response = self.client.request(
            probe.method, probe.url, content=probe.body, headers=headers, follow_redirects=False
        )
        return response.status_code


@pytest.fixture
def caller(client: TestClient, engine: sa.Engine, sample: Sample) -> Caller:
    browser = Browser(client)
    browser.login("admin")
    with write(engine) as conn:
        token = create_token(conn, get_user(conn, "admin").id, "fuzz")[1]
    return Caller(client, token, dict(client.cookies))


def _where(exc: BaseException) -> str:
    """The exception and the innermost line of Torget's own code that raised it."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/torget/" in f.filename]
    place = ""
    if frames:
        place = f" at {frames[-1].filename.rsplit('/torget/', 1)[-1]}:{frames[-1].lineno}"
    return f"{type(exc).__name__}: {str(exc)[:150]}{place}"


def _failures(caller: Caller, sent: list[Probe]) -> list[str]:
    failures = []
    for probe in sent:
        try:
            status = caller.send(probe)
        except Exception as exc:  # the server's own exception, re-raised by the TestClient
            failures.append(f"{probe.describe()} → {_where(exc)}")
            continue
        if status >= 500:
            failures.append(f"{probe.describe()} → {status}")
    return failures


def test_no_route_answers_5xx_to_wrong_values(caller: Caller, sample: Sample) -> None:
    csrf = Browser(caller.client).csrf("/publish/tokens")
    sent = list(probes(caller.client.app, sample, csrf))  # type: ignore[arg-type]
    failures = _failures(caller, sent)
    assert len(sent) > 1000
    assert not failures, f"{len(failures)} of {len(sent)} failed:\n" + "\n".join(failures)


# --- The cases found before the fuzz: each a regression test ---------------------------------

LIST_ENDPOINTS = [
    "/api/datasets", "/api/search", "/api/suggestions", "/api/organisations",
    "/api/dataservices", "/search", "/suggestions", "/organisation/miljo",
]  # fmt: skip


def test_a_bad_page_is_refused_or_the_first_page(caller: Caller) -> None:
    """A huge `page` overflowed the databases' OFFSET on 8 list endpoints (500). The API
    answers 422 naming `page`; the HTML pages show the first page."""
    pages = [HUGE, "-1", "abc", "²", "9" * 5000, "0"]
    sent = [Probe("GET", f"{path}?page={quote(page)}", who=who) for path in LIST_ENDPOINTS
            for page in pages for who in ("anonymous", "token")]  # fmt: skip
    assert _failures(caller, sent) == []
    for path in LIST_ENDPOINTS[:5]:
        for page in pages:
            response = caller.client.get(path, params={"page": page})
            assert response.status_code == 422, (path, page, response.text[:200])
            assert [e["field"] for e in response.json()["errors"]] == ["query.page"]


def test_ckan_refuses_deep_nesting_and_wrong_types(caller: Caller) -> None:
    auth = {"Authorization": caller.token}
    deep = caller.client.post("/api/3/action/package_create", content=DEEP, headers=auth)
    assert deep.status_code == 400 and "nested" in deep.json()
    deep_param = caller.client.post(
        "/api/3/action/package_show", json={"id": _nested(100)}, headers=auth
    )
    assert deep_param.status_code == 400, deep_param.text
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("package_list", {"offset": 10**30}, "offset"),
        ("package_list", {"limit": 1.5e308}, "limit"),
        ("package_search", {"rows": "abc"}, "rows"),
        ("package_search", {"start": [1]}, "start"),
        ("package_create", {"owner_org": "sjostad", "name": "x", "tags": True}, "tags"),
        ("package_create", {"owner_org": "sjostad", "name": "x", "groups": -1}, "groups"),
        ("package_create", {"owner_org": "sjostad", "name": "x", "extras": "abc"}, "extras"),
        ("organization_create", {"name": "x", "extras": 5}, "extras"),
        ("organization_create", {"name": "x", "groups": {"a": 1}}, "groups"),
        ("resource_create", {"package_id": "badplatser", "url": "https://a.se/x.csv",
                             "size": "abc"}, "size"),
        ("package_show", {"id": ["badplatser"]}, "id"),
        ("datastore_create", {"resource_id": "x", "fields": [{"type": "text"}]}, "fields"),
    ]  # fmt: skip
    for action, params, field in cases:
        response = caller.client.post(f"/api/3/action/{action}", json=params, headers=auth)
        assert response.status_code == 409, (action, params, response.text[:300])
        assert field in response.json()["error"], (action, response.json()["error"])
    facet = caller.client.post(
        "/api/3/action/package_search", json={"facet.field": [["tags"]]}, headers=auth
    )
    assert facet.status_code == 400, facet.text
