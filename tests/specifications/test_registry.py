"""The registry of national specifications: built-in ones, JSON, pages, DCAT, and adding a
schema by upload or URL (through the SSRF guard), with bad schemas refused clearly."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World, published_payload, suite_settings
from tests.loopback import loopback
from torget.settings import Settings
from torget.specifications.livsmedel import schema_from_workbook

SPECDATA = Path(__file__).parents[2] / "torget" / "specdata"
OFFICIAL = {
    "fields": [
        {"name": "source", "type": "string", "constraints": {"required": True}},
        {"name": "id", "type": "string", "constraints": {"required": True, "unique": True}},
        {"name": "name", "type": "string"},
    ]
}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The suite's settings, fetching from the tests' loopback server."""
    return suite_settings(database_url, tmp_path, allow_private_addresses=True)


def test_builtins_are_listed_with_their_registry_iris(client: TestClient) -> None:
    body = client.get("/api/specifications").json()
    iris = {s["iri"] for s in body["items"]}
    assert "https://dataportal.se/specifications/badplatser/1.0" in iris
    assert "https://dataportal.se/specifications/livsmedelskontroller/2.0" in iris
    assert len(iris) == 5
    one = client.get("/api/specifications/badplatser/1.0").json()
    assert one["status"] == "derived"
    names = [f["name"] for f in one["schema"]["fields"]]
    assert len(names) == 42 and "nutskod" in names
    nutskod = next(f for f in one["schema"]["fields"] if f["name"] == "nutskod")
    assert nutskod["aliases"] == ["hov_ref"]
    assert client.get("/api/specifications/badplatser/9.9").status_code == 404


def test_livsmedel_is_read_from_the_official_workbook() -> None:
    """Every column of the official example file, and no other, with the sheet's required set."""
    schema = schema_from_workbook()
    with (SPECDATA / "spec-livsmedelskontroller-2.0-exempel.csv").open(encoding="utf-8") as f:
        header = [h.strip() for h in next(csv.reader(f))]
    assert sorted(f["name"] for f in schema["fields"]) == sorted(header)
    required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
    assert {"lang", "facility.idNational", "inspection.date"} <= required
    assert "facility.address.streetAddress" not in required  # "required if address published"


def test_the_page_lists_columns_and_templates(client: TestClient) -> None:
    page = client.get("/specifications/badplatser/1.0", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "hov_ref" in page.text and "template.xlsx" in page.text
    assert 'enctype="multipart/form-data"' in page.text
    english = client.get("/specifications?lang=en")
    assert "Bathing places" in english.text


def test_the_dcat_feed_describes_declared_specifications_as_standards(
    client: TestClient, world: World
) -> None:
    iri = "https://dataportal.se/specifications/badplatser/1.0"
    payload = published_payload()
    payload["distributions"][0]["conforms_to"] = [{"url": iri}]
    created = client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    turtle = client.get("/datasets/dcat", headers={"Accept": "text/turtle"}).text
    assert f"<{iri}>" in turtle and "dcterms:Standard" in turtle
    assert "Badplatser" in turtle.split(f"<{iri}>", 2)[-1]  # the title from the registry


class _Schemas(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = json.dumps(OFFICIAL).encode() if self.path == "/schema.json" else b"{nope"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def schema_server() -> Iterator[str]:
    with loopback(_Schemas) as base:
        yield base


def _add(client: TestClient, world: World, user: str, **body: Any) -> Any:
    payload = {"name": "public-toilets", "version": "1.0",
               "title": {"sv": "Offentliga toaletter", "en": "Public toilets"}, **body}  # fmt: skip
    return client.post("/api/specifications", json=payload, headers=world.auth(user))


def test_an_official_schema_replaces_the_derived_one(client: TestClient, world: World) -> None:
    assert _add(client, world, "editor", schema=OFFICIAL).status_code == 403
    added = _add(client, world, "root", schema=OFFICIAL, source="gitlab.com/…/public-toilets")
    assert added.status_code == 201, added.text
    shown = client.get("/api/specifications/public-toilets/1.0").json()
    assert shown["status"] == "official" and len(shown["schema"]["fields"]) == 3
    assert len(client.get("/api/specifications").json()["items"]) == 5


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ({"fields": [{"name": "a", "type": "nope"}]}, 'field type "nope" is not supported'),
        ({"fields": "x"}, "'x' is not of type 'array'"),
        ({"fields": [{"type": "string"}]}, "'name' is a required property"),
        ({"fields": []}, "has no fields"),
        ({"fields": [{"name": "a", "aliases": "b"}]}, "aliases must be a list"),
    ],
)
def test_a_schema_that_is_not_table_schema_is_refused(
    client: TestClient, world: World, schema: dict[str, Any], words: str
) -> None:
    refused = _add(client, world, "root", schema=schema)
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["code"] == "invalid_table_schema" and words in error["message"]


def test_a_schema_is_fetched_by_url_through_the_guard(
    client: TestClient, world: World, schema_server: str, settings: Settings
) -> None:
    assert settings.allow_private_addresses  # the tests' loopback server
    fetched = _add(client, world, "root", url=f"{schema_server}/schema.json")
    assert fetched.status_code == 201, fetched.text
    assert fetched.json()["source"] == f"{schema_server}/schema.json"
    broken = _add(client, world, "root", url=f"{schema_server}/broken.json")
    assert broken.status_code == 422 and "not JSON" in broken.json()["errors"][0]["message"]


def test_an_administrator_uploads_a_schema_on_the_page(client: TestClient, engine: Any) -> None:
    from tests.web.conftest import Browser
    from tests.web.sample import make_sample

    make_sample(engine)
    browser = Browser(client)
    assert 'id="f-schema"' not in browser.get("/publish/specifications/new").text
    browser.login("admin")
    form = {"name": "grillplatser", "version": "1.0", "title.sv": "Grillplatser"}
    path = "/publish/specifications/new"
    bad = browser.post(path, form, files={"schema": ("schema.json", b'{"fields": "x"}')})
    assert bad.status_code == 422
    assert "Det här är inte ett giltigt Table Schema" in bad.text
    good = json.dumps(OFFICIAL).encode()
    saved = browser.post(path, form, files={"schema": ("schema.json", good)})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/specifications/grillplatser/1.0"
    assert client.get("/api/specifications/grillplatser/1.0").json()["status"] == "official"
