"""The high-value datasets' page of an organisation (issue 14): each HVD dataset with its
category, the three terms met or missing, a link to the form that fixes each gap, and the
EU-shaped report as CSV and JSON, for the organisation's members (drafts included)."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.conftest import World, dataset_payload
from tests.publishing.test_one_rule import HTML, _log_in

HVD = {"applicable_legislation": ["HVD"], "hvd_categories": ["c_b79e35eb"]}


def _draft(world: World) -> dict[str, Any]:
    """A high-value draft of a PDF under CC BY-SA: no API, a download, a closed licence."""
    payload = dataset_payload(**HVD, name="hallplatser")
    payload["distributions"][0].update(
        title={"sv": "Hållplatser som PDF"},
        format="PDF",
        download_url="https://data.sjostad.example/hallplatser.pdf",
        license="http://creativecommons.org/licenses/by-sa/4.0/",
    )
    made = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_the_page_names_each_gap_and_links_its_fix(world: World) -> None:
    draft = _draft(world)
    dist = draft["distributions"][0]["id"]
    _log_in(world, "editor")
    page = world.client.get("/publish/organisation/sjostad/hvd?lang=en", headers=HTML)
    assert page.status_code == 200, page.text
    text = page.text
    assert f'<a href="/publish/dataset/{draft["id"]}">Bathing sites</a> (draft)' in text
    assert "<td>Mobility</td>" in text
    assert "0 of 1 high-value datasets meet all three terms." in text
    row = text.split("<tbody>")[1]
    assert row.count("Missing") == 2 and row.count(">Yes<") == 1  # API, licence; download
    assert 'href="/publish/dataservices/new?organisation=sjostad"' in row
    assert f'href="/publish/dataset/{draft["id"]}/upload"' in row
    assert f'href="/publish/distribution/{dist}/edit#f-license"' in row
    assert "Choose CC BY 4.0 or CC0 1.0 for Hållplatser som PDF" in row
    assert "/distributions/new" not in row  # the download is there
    swedish = world.client.get("/publish/organisation/sjostad/hvd?lang=sv", headers=HTML).text
    assert "<td>Rörlighet</td>" in swedish and "Saknas" in swedish
    for link in ('href="/publish/organisation/sjostad/hvd.csv"', 'hvd.json"'):
        assert link in text
    dashboard = world.client.get("/publish", headers=HTML).text
    assert 'href="/publish/organisation/sjostad/hvd"' in dashboard
    quality = world.client.get("/organisation/sjostad/quality", headers=HTML).text
    assert 'href="/publish/organisation/sjostad/hvd"' in quality


def test_the_downloads_are_the_eu_report_with_drafts(world: World) -> None:
    draft = _draft(world)
    _log_in(world, "editor")
    got = world.client.get("/publish/organisation/sjostad/hvd.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [(r["dataset"].rsplit("/", 1)[1], r["state"], r["missing"]) for r in rows] == [
        (draft["id"], "draft", "api licence")
    ]
    as_json = world.client.get("/publish/organisation/sjostad/hvd.json").json()
    assert as_json["datasets"] == rows and as_json["columns"][0] == "dataset"
    assert world.client.get("/api/organisations/sjostad/hvd").json()["datasets"] == []  # public
    assert world.client.get("/publish/organisation/sjostad/hvd.xml").status_code == 404


def test_a_units_dataset_is_listed_with_its_own_organisations_fixes(world: World) -> None:
    payload = dataset_payload(**HVD, organisation="trafik", name="parkering")
    payload["distributions"][0].update(
        format="PDF", download_url="https://data.sjostad.example/parkering.pdf"
    )  # no table for the datastore's API
    made = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert made.status_code == 201, made.text
    _log_in(world, "editor")
    page = world.client.get("/publish/organisation/sjostad/hvd?lang=en", headers=HTML).text
    # CC0 on a PDF link: a download and an open licence; only the API is missing.
    assert "0 of 1 high-value datasets meet all three terms." in page
    assert 'href="/publish/dataservices/new?organisation=trafik"' in page


def test_only_members_see_the_page(world: World) -> None:
    _log_in(world, "outsider")
    assert world.client.get("/publish/organisation/sjostad/hvd", headers=HTML).status_code == 403
    assert world.client.get("/publish/organisation/sjostad/hvd.csv").status_code == 403
