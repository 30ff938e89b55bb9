"""The data on a dataset's page without JavaScript: the table preview sorted by following the
column headers' links and filtered through the GET form, pages, the map's text alternative,
the server-drawn chart, the column dictionary and each distribution's load state. The tables
are the demo's real files loaded by the real ingest."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import client_site, dataset_payload
from tests.web.conftest import Browser
from torget.accounts.permissions import SYSTEM
from torget.catalog import datasets
from torget.datastore.load import load_local
from torget.db.engine import write
from torget.settings import Settings

DEMO = Path(__file__).parents[2] / "torget" / "catalog" / "demo" / "files"


class Loaded:
    def __init__(self, name: str, geojson: str, csv: str, pending: str):
        self.name, self.geojson, self.csv, self.pending = name, geojson, csv, pending

    def page(self, dist: str, **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"preview": dist, **params}.items())
        return f"/dataset/{self.name}?{query}"


@pytest.fixture
def loaded(world: Any, settings: Settings, engine: sa.Engine) -> Loaded:
    payload = dataset_payload(
        state="draft",
        distributions=[
            {"title": {"sv": "Badplatser som GeoJSON", "en": "Bathing sites as GeoJSON"},
             "download_url": "https://data.sjostad.example/badplatser.geojson",
             "format": "GEOJSON"},
            {"title": {"sv": "Budget som CSV"},
             "download_url": "https://data.sjostad.example/budget.csv", "format": "CSV"},
            {"title": {"sv": "Ännu inte inläst"},
             "download_url": "https://data.sjostad.example/senare.csv", "format": "CSV"},
        ],
    )  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    ids = [d["id"] for d in created.json()["distributions"]]
    load_local(settings, engine, ids[0], DEMO / "badplatser.geojson", "geojson")
    load_local(settings, engine, ids[1], DEMO / "budget.csv", "csv")
    # Published by the catalogue store itself: the bathing sites' contact columns would hold
    # the publishing checklist (issue 13 B) for a sign-off these page tests are not about.
    with write(engine) as conn:
        datasets.patch_dataset(conn, SYSTEM, created.json()["id"], {"state": "published"})
    return Loaded(created.json()["name"], ids[0], ids[1], ids[2])


@pytest.fixture
def browser(world: Any) -> Browser:
    """A browser without JavaScript over the `world` catalogue (not the page sample's)."""
    return Browser(world.client)


def _text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _rows(page: str, caption: str = "preview-caption") -> list[list[str]]:
    table = page[page.index(f'id="{caption}"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        [_text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _header_link(page: str, column: str) -> tuple[str, str | None]:
    """The sort link of a column's header and its aria-sort, as a browser would follow it."""
    found = re.search(
        r'<th scope="col"( aria-sort="(\w+)")?>\s*<a href="([^"]+)">' + re.escape(column) + r"\b",
        page,
    )
    assert found, f"no sortable header {column}"
    return htmllib.unescape(found.group(3)), found.group(2)


def test_sorting_by_following_the_column_headers(browser: Browser, loaded: Loaded) -> None:
    page = browser.get(loaded.page(loaded.csv)).text
    assert "Rad 1–25 av 40." in page
    link, sort = _header_link(page, "netto_tkr")
    assert sort is None
    ascending = browser.get(link).text
    nets = [int(r[5]) for r in _rows(ascending)]
    every = browser.client.get(f"/api/datastore/{loaded.csv}/rows").json()["rows"]
    assert nets == sorted(nets) and nets[0] == min(r["netto_tkr"] for r in every)
    link, sort = _header_link(ascending, "netto_tkr")
    assert sort == "ascending" and "sort=-netto_tkr" in link
    descending = browser.get(link).text
    assert _header_link(descending, "netto_tkr")[1] == "descending"
    nets = [int(r[5]) for r in _rows(descending)]
    assert nets == sorted(nets, reverse=True)


def test_filter_form_and_pages(browser: Browser, loaded: Loaded) -> None:
    # What the GET form sends: the picked column, the comparison and the value.
    page = browser.get(loaded.page(loaded.csv, column="ar", op="gte", value="2024", sort="ar"))
    assert page.status_code == 200
    html = page.text
    assert "Rad 1–25 av 30." in html
    assert [r[0] for r in _rows(html)] == ["2024"] * 10 + ["2025"] * 10 + ["2026"] * 5
    nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert nxt is not None
    second = browser.get(htmllib.unescape(nxt.group(1))).text
    assert "Rad 26–30 av 30." in second and [r[0] for r in _rows(second)] == ["2026"] * 5
    assert 'rel="next"' not in second and 'rel="prev"' in second
    # The filter travels as f=ar__gte=2025 and can be removed with its link.
    params = parse_qsl(urlsplit(htmllib.unescape(nxt.group(1))).query)
    assert ("f", "ar__gte=2024") in params
    remove = re.search(r'<a href="([^"]+)">Ta bort<span [^>]+> filtret på ar', html)
    assert remove is not None
    assert "Rad 1–25 av 40." in browser.get(htmllib.unescape(remove.group(1))).text


def test_text_search_and_one_of(browser: Browser, loaded: Loaded) -> None:
    html = browser.get(loaded.page(loaded.csv, q="förskola", column="ar", op="in",
                                   value="2024,2026")).text  # fmt: skip
    assert {tuple(r[:2]) for r in _rows(html)} == {("2024", "Förskola"), ("2026", "Förskola")}


def test_bad_filters_are_explained(browser: Browser, loaded: Loaded) -> None:
    page = browser.get(loaded.page(loaded.csv, column="ar", op="gte", value="många"))
    assert page.status_code == 422
    assert "Raderna kunde inte visas" in page.text and "does not fit" in page.text
    unknown = browser.get(loaded.page(loaded.csv, f="nope=1"))
    assert unknown.status_code == 422 and "no column &#39;nope&#39;" in unknown.text
    empty = browser.get(loaded.page(loaded.csv, column="ar", op="gte"))
    assert empty.status_code == 422 and "write the value to compare with" in empty.text


def test_downloads_and_api_links_carry_the_filters(browser: Browser, loaded: Loaded) -> None:
    html = browser.get(loaded.page(loaded.csv, f="typ=Budget")).text
    base = f"/api/datastore/{loaded.csv}/rows"
    for fmt in ("csv", "json", "parquet", "xlsx"):
        assert f'href="{base}.{fmt}?typ=Budget"' in html
    assert f"{base}.geojson" not in html  # no geometry in the budget
    assert f'href="{base}?typ=Budget"' in html
    rows = browser.client.get(f"{base}.json?typ=Budget").json()
    assert len(rows) == 20 and {r["typ"] for r in rows} == {"Budget"}


def test_map_has_a_table_alternative_and_a_limited_geojson(
    browser: Browser, loaded: Loaded
) -> None:
    page = browser.get(loaded.page(loaded.geojson, sort="name"))
    html = page.text
    assert "https://tile.openstreetmap.org" in page.headers["content-security-policy"]
    assert 'id="preview-map" class="map" hidden' in html  # shown only by the script
    features = _rows(html, "features-caption")
    assert features[0] == ["Brovikens strand", "Punkt", "57.71600", "11.85100", "1"]
    assert len(features) == 20
    url = htmllib.unescape(re.search(r'data-geojson="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    assert "limit=1000" in url and "sort=name" in url
    geo = browser.client.get(url).json()
    assert len(geo["features"]) == 20
    assert geo["features"][0]["properties"]["name"] == "Brovikens strand"
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [11.851, 57.716]}
    assert "/static/vendor/leaflet-1.9.4.js" in html
    assert "leaflet" not in browser.get(loaded.page(loaded.csv)).text


def test_chart_is_svg_with_a_data_table(browser: Browser, loaded: Loaded) -> None:
    html = browser.get(
        loaded.page(loaded.csv, chart_by="typ", chart_fn="sum", chart_of="netto_tkr")
    ).text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert '<title id="chart-title">Summa av netto_tkr för varje värde av typ</title>' in svg
    assert 'role="img"' in svg and "<desc" in svg and svg.count("<rect") == 2
    agg = browser.client.get(
        f"/api/datastore/{loaded.csv}/aggregate", params={"group_by": "typ", "sum": "netto_tkr"}
    ).json()["rows"]
    shown = re.findall(r'<th scope="row">([^<]+)</th><td class="number">([^<]+)</td>', html)
    assert [(k, int(v.replace("\u00a0", "").replace("\u2212", "-"))) for k, v in shown] == [
        (r["typ"], r["sum_netto_tkr"]) for r in agg
    ]
    bad = browser.get(loaded.page(loaded.csv, chart_by="typ", chart_fn="sum", chart_of="typ"))
    assert bad.status_code == 422 and "Diagrammet kunde inte ritas" in bad.text
    assert "Rad 1–25 av 40." in bad.text  # the table is still shown


def test_default_chart_counts_by_a_small_category(browser: Browser, loaded: Loaded) -> None:
    html = browser.get(loaded.page(loaded.csv)).text
    assert "Summa av kostnader_tkr för varje värde av typ" in html  # not the year


def test_a_new_load_shows_its_own_rows_and_chart(
    browser: Browser, loaded: Loaded, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    """The first page and the default chart are kept per table file (issue 21); a new load is
    a new file, so the next view shows its rows and its sums at once."""
    before = browser.get(loaded.page(loaded.csv)).text
    assert "Grundskola" in before and "Rad 1–25 av 40." in before
    replaced = tmp_path / "budget.csv"
    replaced.write_text(
        "ar,verksamhet,typ,kostnader_tkr,intakter_tkr,netto_tkr\n"
        "2024,Simhall,Utfall,700,100,-600\n2024,Bibliotek,Budget,300,0,-300\n"
        "2024,Museum,Utfall,50,10,-40\n",
        encoding="utf-8",
    )
    load_local(settings, engine, loaded.csv, replaced, "csv")
    after = browser.get(loaded.page(loaded.csv)).text
    assert "Simhall" in after and "Grundskola" not in after and "Rad 1–3 av 3." in after
    shown = re.findall(r'<th scope="row">([^<]+)</th><td class="number">([^<]+)</td>', after)
    sums = [(k, v.replace("\u00a0", "")) for k, v in shown]
    assert sums == [("Budget", "300"), ("Utfall", "750")]


def test_load_states_are_shown(browser: Browser, loaded: Loaded, engine: sa.Engine) -> None:
    from torget.datastore import jobs
    from torget.datastore.notes import Note
    from torget.db.engine import write

    html = browser.get(f"/dataset/{loaded.name}").text
    assert html.count("I datalagret") == 2 and "40 rader" in html and "6 kolumner" in html
    assert "Väntar på att läsas in i datalagret" in html  # the third, never loaded
    with write(engine) as conn:
        job = jobs.latest_job(conn, loaded.pending)
        assert job is not None and job.state == "queued"
        jobs.claim_job(conn, job.id)
        jobs.beat(conn, job.id, "reading", 40.0)
    html = browser.get(f"/dataset/{loaded.name}").text
    assert "Läses in i datalagret: 40 % klart." in html and 'value="40"' in html
    with write(engine) as conn:
        jobs.fail_job(conn, job.id, Note("ragged_rows", {"file": "senare.csv", "line": 3,
                      "detail": "expected 4 fields"}, "senare.csv, line 3: …"))  # fmt: skip
    html = browser.get(f"/dataset/{loaded.name}?lang=en").text
    assert "This file could not be read as a table, so there is no preview or API" in html
    assert "<p>senare.csv, line 3: The rows do not all have the same number of fields" in html


def test_dictionary_editor_page(world: Any, browser: Browser, loaded: Loaded) -> None:
    form = f"/publish/distribution/{loaded.csv}/columns"
    anonymous = browser.client.get(form, headers={"Accept": "text/html"}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    browser.login("outsider")
    assert browser.get(form).status_code == 403
    browser.client.cookies.clear()
    browser.login("editor")
    assert 'name="columns.5.description.en"' in browser.get(form).text
    bad = browser.post(form, {"columns.0.description.sv": "x" * 2001})
    assert bad.status_code == 422 and 'href="#f-columns-0-description-sv"' in bad.text
    saved = browser.post(form, {"columns.0.description.sv": "Budgetår",
                                "columns.5.description.en": "Net, thousand kronor"})  # fmt: skip
    assert saved.status_code == 303
    page = browser.get(loaded.page(loaded.csv)).text
    assert "Budgetår" in page and '<span lang="en">Net, thousand kronor</span>' in page
    assert "Beskriv kolumnerna" in page
    english = browser.get(loaded.page(loaded.csv, lang="en")).text
    assert "Net, thousand kronor" in english and '<span lang="sv">Budgetår</span>' in english
    no_token = browser.client.post(form, data={"columns.0.description.sv": "x"}, headers={})
    assert no_token.status_code == 403


def test_without_a_tile_server_the_page_allows_no_third_party(
    world: Any, loaded: Loaded, settings: Settings, engine: sa.Engine
) -> None:
    import dataclasses

    from fastapi.testclient import TestClient

    from torget.app import create_app
    from torget.site import Site

    no_tiles = dataclasses.replace(settings, map_tile_url="")
    with Site.open(no_tiles, migrate=False) as site, TestClient(create_app(site)) as client:
        page = client.get(f"/dataset/{loaded.name}", headers={"Accept": "text/html"})
    assert "img-src 'self' data:;" in page.headers["content-security-policy"]
    assert 'data-tiles=""' in page.text


def test_only_the_plain_page_counts_as_a_view(
    browser: Browser, loaded: Loaded, engine: sa.Engine
) -> None:
    from torget.db.engine import read
    from torget.db.schema import dataset_popularity, datasets

    def views() -> int:
        client_site(browser.client).usage.flush()  # written behind (torget.usage)
        with read(engine) as conn:
            found = conn.execute(
                sa.select(dataset_popularity.c.views)
                .join(datasets, datasets.c.id == dataset_popularity.c.dataset_id)
                .where(datasets.c.name == loaded.name)
            ).scalar()
        return int(found or 0)

    browser.get(f"/dataset/{loaded.name}")
    assert views() == 1
    browser.get(loaded.page(loaded.csv, sort="ar"))
    browser.get(loaded.page(loaded.csv, page="2"))
    assert views() == 1
