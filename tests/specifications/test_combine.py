"""The combined national table: every published distribution checked against a specification,
normalised, failing rows left out and counted per source, provenance columns added, and the
coverage of who publishes on the specification's page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import World, published_payload
from torget.datastore.load import load_local
from torget.settings import Settings

SCHOOLS = "https://dataportal.se/specifications/skoldata/1.1"
API = "/api/specifications/skoldata/1.1"


def _source(client: TestClient, world: World, organisation: str, title: str) -> str:
    payload = published_payload(organisation=organisation, title={"sv": title})
    payload["distributions"][0]["conforms_to"] = [{"url": SCHOOLS}]
    created = client.post("/api/datasets", json=payload, headers=world.auth("root"))
    assert created.status_code == 201, created.text
    return str(created.json()["distributions"][0]["id"])


def test_sources_are_combined_normalised_and_their_bad_rows_counted(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    first = tmp_path / "sjostad.csv"
    first.write_text(
        "source,id,name,latitude,longitude\n"
        "180,T1,Skola 1,59.31,18.07\n"  # the code lost its leading zero
        "0180,T2,Skola 2,59.32,18.08\n"
        "0180,T3,,59.33,18.09\n",  # no name: left out
        "utf-8",
    )
    second = tmp_path / "grannby.csv"
    second.write_text("source,id,name,latitude,longitude\n1280,G1,Skola G,55.6,13.0\n", "utf-8")
    load_local(settings, engine, _source(client, world, "sjostad", "Skolor"), first, "csv")
    load_local(settings, engine, _source(client, world, "grannby", "Skolor G"), second, "csv")

    report = client.get(f"{API}/combined").json()
    assert report["rows"] == 3
    by_org = {s["organisation"]: s for s in report["sources"]}
    assert by_org["sjostad"]["kept"] == 2 and by_org["sjostad"]["left_out"] == 1
    assert by_org["sjostad"]["normalised"] == {"source": 1}
    assert by_org["grannby"]["kept"] == 1
    rows = list(csv.DictReader(io.StringIO(client.get(f"{API}/combined.csv").text)))
    found = sorted((r["id"], r["source"], r["municipality_code"], r["source_organisation"])
                   for r in rows)  # fmt: skip
    assert found == [("G1", "1280", "1280", "grannby"), ("T1", "0180", "0180", "sjostad"),
                     ("T2", "0180", "0180", "sjostad")]  # fmt: skip
    assert all(r["fetched_at"] and r["source_dataset"] for r in rows)
    assert client.get(f"{API}/combined.parquet").status_code == 200

    page = client.get("/specifications/skoldata/1.1?lang=en")
    assert "Sjöstads kommun" in page.text and "Grannby kommun" in page.text
    assert "The combined national table has 3 rows." in page.text
