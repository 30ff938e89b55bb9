"""The quality score and the high-value checks through the JSON API, the checklist and the CLI.

Expected points are worked out by hand from `dataset_payload` (tests/conftest.py) and the MQA
table (`shared/specs/ckan-api-and-mqa.md` §3.1); see `_DRAFT_POINTS`.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import CLASSIFIED, World, dataset_payload, published_payload
from torget.clock import now
from torget.db.engine import write
from torget.db.schema import link_checks
from torget.settings import Settings

# dataset_payload as a draft: keywords 30 + theme 30 (no place, no period); its one
# distribution links outside Torget, unchecked: no access points, a download URL 20; CSV with
# its media type, from the EU list, open, machine-readable 80, but a draft is not yet checked
# against DCAT-AP (0 of 30); CC0 20 + 10, PUBLIC 10 + 5, the organisation's contact 20,
# publisher 10; no rights, size or dates.
_DRAFT_POINTS = 60 + 20 + 80 + 75


def _create(world: World, payload: dict[str, Any]) -> dict[str, Any]:
    response = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_dataset_score_rises_when_two_fields_are_filled(world: World) -> None:
    dataset = _create(world, dataset_payload())
    url = f"/api/datasets/{dataset['id']}/quality"
    before = world.client.get(url, headers=world.auth("editor")).json()
    assert before["points"] == _DRAFT_POINTS
    assert before["rating"] == "good"
    lost = {h["metric"]: h for h in before["hints"]}
    assert lost["spatial"]["field"] == "spatial" and lost["spatial"]["points"] == 20
    assert lost["temporal"]["field"] == "temporal.start"
    assert lost["download_url_status"]["reason"] == "unchecked"
    assert lost["download_url_status"]["distribution_id"] == dataset["distributions"][0]["id"]
    assert lost["dcat_ap_compliance"]["reason"] == "unchecked"
    changed = world.client.patch(
        f"/api/datasets/{dataset['id']}",
        json={"spatial": ["http://sws.geonames.org/2661886/"], "temporal": {"start": "2024-01-01"}},
        headers=world.auth("editor"),
    )
    assert changed.status_code == 200, changed.text
    after = world.client.get(url, headers=world.auth("editor")).json()
    assert after["points"] == _DRAFT_POINTS + 40
    assert after["dimensions"]["findability"] == {"points": 100, "max": 100}
    # A draft is no one else's business.
    assert world.client.get(url).status_code == 404


def test_the_link_checkers_results_feed_accessibility(world: World, engine: sa.Engine) -> None:
    dataset = _create(world, dataset_payload())
    dist = dataset["distributions"][0]
    with write(engine) as conn:  # what `torget links check` keeps for an answering link
        conn.execute(
            link_checks.insert(),
            {"distribution_id": dist["id"], "url": dist["download_url"], "status": 200,
             "checked_at": now(), "last_success_at": now()},
        )  # fmt: skip
    body = world.client.get(
        f"/api/datasets/{dataset['id']}/quality", headers=world.auth("editor")
    ).json()
    # Access URL = download URL, now answering: + 50 (access) + 30 (download answers).
    assert body["points"] == _DRAFT_POINTS + 80
    assert body["dimensions"]["accessibility"] == {"points": 100, "max": 100}


def test_reports_cover_what_the_reader_may_read(world: World) -> None:
    _create(world, dataset_payload())
    public = world.client.get("/api/quality").json()
    assert (public["datasets"], public["points"], public["rating"]) == (0, 0, "bad")
    own = world.client.get("/api/organisations/sjostad/quality", headers=world.auth("editor"))
    body = own.json()
    assert body["datasets"] == 1 and body["points"] == _DRAFT_POINTS
    tallies = {m["key"]: m for m in body["metrics"]}
    assert (tallies["download_url"]["passed"], tallies["download_url"]["population"]) == (1, 1)
    assert body["worst_first"][0]["state"] == "draft"


HVD = {"applicable_legislation": ["HVD"], "hvd_categories": ["c_b79e35eb"]}


def _hvd_payload(**changes: Any) -> dict[str, Any]:
    payload = published_payload(**HVD, **changes)
    for dist in payload["distributions"]:
        dist["applicable_legislation"] = ["HVD"]
    return payload


def test_a_new_high_value_dataset_without_an_api_is_not_published(world: World) -> None:
    payload = _hvd_payload()  # a PDF: downloadable, but no table for the datastore's API
    payload["distributions"][0].update(
        format="PDF", download_url="https://data.sjostad.example/badplatser.pdf"
    )
    response = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert response.status_code == 422, response.text
    codes = {e["code"]: e for e in response.json()["errors"]}
    assert codes["hvd_terms_missing"]["params"] == {"missing": "api"}


def test_a_high_value_dataset_with_an_api_is_published_and_reported(world: World) -> None:
    draft = _create(world, dataset_payload(**HVD, name="hallplatser"))
    auth = world.auth("editor")
    dist = draft["distributions"][0]
    world.client.patch(
        f"/api/distributions/{dist['id']}", json={"applicable_legislation": ["HVD"]}, headers=auth
    )
    service = {
        "organisation": "sjostad", "title": {"sv": "Hållplats-API"}, **HVD,
        "endpoint_urls": ["https://api.sjostad.example/hallplatser"],
        "serves_datasets": [draft["id"]], "license": "CC0-1.0",
    }  # fmt: skip
    assert world.client.post("/api/dataservices", json=service, headers=auth).status_code == 201
    world.client.put(f"/api/datasets/{draft['id']}/classification", json=CLASSIFIED, headers=auth)
    published = world.client.patch(
        f"/api/datasets/{draft['id']}", json={"state": "published"}, headers=auth
    )
    assert published.status_code == 200, published.text
    checklist = world.client.get(f"/api/datasets/{draft['id']}/checklist", headers=auth).json()
    item = next(i for i in checklist["items"] if i["item"] == "high_value")
    assert item["state"] == "passed"
    report = world.client.get("/api/organisations/sjostad/hvd.csv")
    rows = list(csv.DictReader(io.StringIO(report.text)))
    assert [r["dcterms:title"] for r in rows] == ["Badplatser"]
    row = rows[0]
    assert (row["api"], row["bulk_download"], row["licence"], row["missing"]) == (
        "yes", "yes", "yes", "",
    )  # fmt: skip
    base = draft["iri"].split("/dataset/")[0]  # the CSV is being loaded: its query API too
    assert row["dcat:endpointURL"].split() == [
        "https://api.sjostad.example/hallplatser", f"{base}/api/datastore/{dist['id']}",
    ]  # fmt: skip
    assert row["dcatap:hvdCategory"] == "http://data.europa.eu/bna/c_b79e35eb"
    assert row["dcterms:license"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    as_json = world.client.get("/api/organisations/sjostad/hvd").json()
    assert as_json["datasets"] == rows


def _torget(settings: Settings, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(settings.data_dir),
        TORGET_DATABASE_URL=settings.database_url,
        TORGET_BASE_URL=settings.base_url,
        TORGET_CONFIG=str(tmp_path / "none.toml"),
    )
    return subprocess.run(
        [sys.executable, "-m", "torget.cli", "quality", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_command_prints_the_report(world: World, settings: Settings, tmp_path: Path) -> None:
    _create(world, dataset_payload())
    text = _torget(settings, tmp_path, "sjostad", "--lang", "en")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith(f"sjostad: {_DRAFT_POINTS:.2f} of 405 points (good), 1 datasets")
    assert "Say which area the data covers" in text.stdout
    # (--json prints `QualityReport.as_json`, the body of /api/organisations/…/quality)
