"""The harvest sources in the JSON API and on the admin pages; the worker's scheduled runs."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import World
from tests.harvest.catalogues import catalogue, dataset, simple
from tests.harvest.conftest import Served, add, run
from tests.web.conftest import Browser
from torget.db.engine import write
from torget.db.schema import datasets, harvest_runs
from torget.harvest import sources
from torget.harvest.run import run_due
from torget.site import Site


def test_api_add_run_soon_and_report(
    site: Site, region: str, served: Served, client: TestClient
) -> None:
    world = World(client, site.engine)
    url = served.put("/dcat", catalogue(dataset(1), dataset(2, title=""), ids=[1, 2]),
                     "text/turtle")  # fmt: skip
    body = {"organisation": "region", "type": "dcat", "url": url, "interval_hours": 0}
    assert client.post("/api/harvest/sources", json=body).status_code == 401
    refused = client.post("/api/harvest/sources", json=body, headers=world.auth("editor"))
    assert refused.status_code == 403
    created = client.post("/api/harvest/sources", json=body, headers=world.auth("root"))
    assert created.status_code == 201, created.text
    source_id = created.json()["id"]
    bad = client.post("/api/harvest/sources", json={**body, "type": "csw", "url": "x y"},
                      headers=world.auth("root"))  # fmt: skip
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"type", "url"}
    assert run_due(site.engine, site.settings) == []  # by hand only: nothing due
    asked = client.post(f"/api/harvest/sources/{source_id}/run", headers=world.auth("root"))
    assert asked.status_code == 202
    [result] = run_due(site.engine, site.settings)  # what the worker does every minute
    assert (result.created, result.skipped) == (1, 1)
    shown = client.get(f"/api/harvest/sources/{source_id}", headers=world.auth("root")).json()
    report = shown["runs"][0]
    assert report["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "removed": 0,
                                "skipped": 1}  # fmt: skip
    problem = next(p for p in report["problems"] if p["code"] == "missing_title")
    assert problem["dataset"] == "https://data.example/dataset/2"
    assert problem["hint_sv"].startswith("Lägg till dcterms:title")
    listed = client.get("/api/harvest/sources", headers=world.auth("root")).json()
    assert listed["items"][0]["last_run"]["state"] == "done"


def test_scheduled_source_runs_when_due(site: Site, region: str, served: Served) -> None:
    source_id = add(site, served.put("/dcat", simple(1), "text/turtle"), interval_hours=6)
    [first] = run_due(site.engine, site.settings)
    assert first.source_id == source_id and first.created == 1
    assert run_due(site.engine, site.settings) == []  # the next one in six hours


def test_interrupted_run_is_marked_when_the_next_starts(
    site: Site, region: str, served: Served
) -> None:
    source_id = add(site, served.put("/dcat", simple(1), "text/turtle"))
    with write(site.engine) as conn:
        sources.start_run(conn, source_id)  # a process that died after starting its run
    run(site, source_id)
    with site.engine.connect() as conn:
        states = [r.state for r in conn.execute(sa.select(harvest_runs.c.state))]
    assert sorted(states) == ["done", "failed"]


def test_pages(site: Site, region: str, served: Served, client: TestClient) -> None:
    World(client, site.engine)
    browser = Browser(client)
    login = browser.post("/login", {"username": "root", "password": "secret-password"})
    assert login.status_code == 303, login.text
    url = served.put("/dcat", "not rdf at all", "text/plain")
    added = browser.post("/publish/harvest", {"organisation": "region", "type": "dcat",
                                              "url": url, "interval_hours": "0",
                                              "on_vanish": "delete"})  # fmt: skip
    assert added.status_code == 303, added.text
    source_id = added.headers["location"].rsplit("/", 1)[-1]
    page = f"/publish/harvest/{source_id}"
    assert browser.post(f"{page}/run", token_from=page).status_code == 303
    run_due(site.engine, site.settings)
    run(site, source_id)
    listing = browser.get("/publish/harvest?lang=en")
    assert listing.status_code == 200
    assert "Failed 2 times in a row" in listing.text
    shown = browser.get(f"{page}?lang=sv")
    assert shown.status_code == 200
    assert "Rätta syntaxfelet" in shown.text and "line 1" in shown.text
    dashboard = browser.get("/publish?lang=en")
    assert "Harvest sources that keep failing" in dashboard.text
    assert f'href="/publish/harvest/{source_id}"' in dashboard.text
    refused = browser.post("/publish/harvest", {"organisation": "region", "type": "dcat",
                                                "url": "no url"})  # fmt: skip
    assert refused.status_code == 422


def test_dataset_page_shows_where_it_came_from(
    site: Site, region: str, served: Served, client: TestClient
) -> None:
    extra = 'dcterms:title "Data set one"@en-t-sv-t0-mtec ;'
    url = served.put("/dcat", catalogue(dataset(1, extra=extra), ids=[1]), "text/turtle")
    run(site, add(site, url, title="Sjöstads katalog"))
    page = client.get(
        "/dataset/datamangd-1", headers={"Accept": "text/html"}, params={"lang": "en"}
    )
    assert page.status_code == 200
    assert "Harvested from" in page.text and ">Sjöstads katalog</a>" in page.text
    assert 'href="https://data.example/dataset/1"' in page.text
    assert "Machine translated" in page.text and "title.en" in page.text
    assert "Edit this dataset" not in page.text


def test_remove_page_asks_first(
    site: Site, region: str, served: Served, client: TestClient
) -> None:
    World(client, site.engine)
    browser = Browser(client)
    login = browser.post("/login", {"username": "root", "password": "secret-password"})
    assert login.status_code == 303, login.text
    source_id = add(site, served.put("/dcat", simple(1, 2), "text/turtle"))
    run(site, source_id)
    page = f"/publish/harvest/{source_id}"
    assert f'href="{page}/remove"' in browser.get(f"{page}?lang=en").text
    asked = browser.get(f"{page}/remove?lang=sv")
    assert asked.status_code == 200
    assert "Ta bort källan" in asked.text and "2" in asked.text
    no_token = client.post(f"{page}/remove", data={"datasets": "delete"})
    assert no_token.status_code in (400, 403)
    assert run(site, source_id).unchanged == 2  # still there
    done = browser.post(f"{page}/remove", {"datasets": "delete"}, token_from=f"{page}/remove")
    assert done.status_code == 303 and done.headers["location"] == "/publish/harvest"
    assert browser.get(page).status_code == 404
    with site.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(datasets)).scalar() == 0
