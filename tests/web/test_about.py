"""The developers' guide (`/about`, issue 18): every example it shows, in Swedish and English,
is run against the app and answers 200 with the shape the page states. The examples are made
from this catalogue's records when the page is shown (nothing hard-coded), so they are run
here over a catalogue of the test's own making.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World, published_payload, suite_settings
from torget.app import create_app
from torget.datastore.load import load_local
from torget.site import Site

TABLE = "kommun,badplats,besokare\nSjöstad,Strandbadet,120\nSjöstad,Viken,80\nGrannby,Ön,40\n"


class _Examples(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code" and ("class", "api-example") in attrs:
            self.found.append(dict(attrs))


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    settings = suite_settings(database_url, tmp_path, datastore_sql_timeout_ms=60_000)
    site = Site.open(settings)
    with TestClient(create_app(site)) as client:
        yield World(client, site.engine)
    site.close()


def _catalogue(world: World, tmp_path: Path) -> str:
    made = world.client.post("/api/datasets", json=published_payload(), headers=world.auth("root"))
    assert made.status_code == 201, made.text
    dist = made.json()["distributions"][0]["id"]
    data = tmp_path / "badplatser.csv"
    data.write_text(TABLE, encoding="utf-8")
    site: Site = world.client.app.state.site  # type: ignore[attr-defined]
    load_local(site.settings, site.engine, dist, data, "csv")
    return str(dist)


def _shown(world: World, lang: str) -> list[dict[str, str | None]]:
    page = world.client.get(f"/about?lang={lang}")
    assert page.status_code == 200
    parser = _Examples()
    parser.feed(page.text)
    return parser.found


def _check(world: World, example: dict[str, str | None], tmp_path: Path) -> None:
    url, shape = example["data-url"] or "", example["data-shape"] or ""
    assert url.startswith("http://testserver/")
    headers = world.auth("root") if "data-token" in example else {}
    if "data-upload" in example:
        files = {"file": ("data.csv", TABLE.encode(), "text/csv")}
        answer = world.client.post(url, files=files, headers=headers)
    else:
        answer = world.client.request(example["data-method"] or "GET", url, headers=headers)
    assert answer.status_code == 200, (url, answer.text[:300])
    if "/" in shape and "," not in shape:  # a media type
        assert answer.headers["content-type"].startswith(shape), url
    else:
        body = answer.json()
        missing = {k.strip() for k in shape.split(",")} - set(body)
        assert not missing, (url, missing, list(body))


def test_every_example_answers_as_the_page_says(world: World, tmp_path: Path) -> None:
    dist = _catalogue(world, tmp_path)
    swedish, english = _shown(world, "sv"), _shown(world, "en")
    assert [e["data-url"] for e in swedish] == [e["data-url"] for e in english]
    urls = " ".join(e["data-url"] or "" for e in swedish)
    for part in (
        "/api/search?",
        "/rows?",
        "/aggregate?",
        "/api/datastore/sql?",
        "rows.csv",
        "/api/3/action/package_search",
        "datastore_search",
        "/datasets/dcat",
        "/feeds/datasets.atom",
        "/api/suggestions",
        "/webhooks",
        f"{dist}/file",
    ):
        assert part in urls, part  # fmt: skip
    for example in swedish:
        _check(world, example, tmp_path)


def test_an_empty_catalogue_says_so(world: World) -> None:
    page = world.client.get("/about?lang=en")
    assert page.status_code == 200 and "No public data to show an example with yet." in page.text
