"""The combined national table as a datastore table (issue 16 part 4, "one place"): queried by
the datastore's API, its SQL endpoint and CKAN's DataStore, downloaded in every datastore
format; rebuilt when a source is withdrawn, deleted or stops declaring the specification, each
source losing only its own rows; keys shared across sources reported; CKAN's DataStore writes
checked like a load."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import World, published_payload
from torget.datastore.load import load_local
from torget.datastore.xlsx import open_workbook, sheet_rows
from torget.settings import Settings
from torget.specifications.combine import Source, build
from torget.specifications.registry import _builtins

BATHING = "https://dataportal.se/specifications/badplatser/1.0"
API = "/api/specifications/badplatser/1.0"
TABLE = "specification:badplatser:1.0"
FILES = Path(__file__).parent / "files"
# Grannby's own bathing places, and one it copied from Mariestad's file (the same place_id).
GRANNBY = (
    "place_id,name,latitude,longitude,updated,toilet\n"
    "1480-Strandbadet,Strandbadet,57.71,11.97,2024-05-01,ja\n"
    "1477-Ekudden,Ekuddens badplats,58.7066,13.8226,2021-05-28,true\n"
    "1480-Fel,Fel badplats,11.97,,2024-05-01,true\n"  # no longitude: left out
)


def _publish(client: TestClient, world: World, organisation: str, title: str) -> dict[str, Any]:
    payload = published_payload(organisation=organisation, title={"sv": title})
    payload["distributions"][0]["conforms_to"] = [{"url": BATHING}]
    payload["distributions"].append(
        {
            **payload["distributions"][0],
            "conforms_to": [],
            "download_url": "https://data.example/badplatser.json",
            "format": "application/json",
        }
    )
    created = client.post("/api/datasets", json=payload, headers=world.auth("root"))
    assert created.status_code == 201, created.text
    return dict(created.json())


def _two_sources(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    sjostad = _publish(client, world, "sjostad", "Badplatser i Sjöstad")
    grannby = _publish(client, world, "grannby", "Badplatser i Grannby")
    load_local(
        settings, engine, sjostad["distributions"][0]["id"], FILES / "badplatser_good.csv", "csv"
    )
    (tmp_path / "grannby.csv").write_text(GRANNBY, "utf-8")
    load_local(settings, engine, grannby["distributions"][0]["id"], tmp_path / "grannby.csv", "csv")
    return sjostad, grannby


def _rows(client: TestClient, **params: str) -> list[dict[str, Any]]:
    found = client.get(f"/api/datastore/{TABLE}/rows", params=params)
    assert found.status_code == 200, found.text
    return list(found.json()["rows"])


def test_an_aggregator_downloads_one_national_file_and_queries_it(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    sjostad, grannby = _two_sources(client, world, settings, engine, tmp_path)
    report = client.get(f"{API}/combined").json()
    assert report["table"] == TABLE and report["rows"] == 4
    assert report["downloads"]["geojson"].endswith(f"/api/datastore/{TABLE}/rows.geojson")
    by_org = {s["organisation"]: s for s in report["sources"]}
    assert by_org["grannby"]["kept"] == 2 and by_org["grannby"]["left_out"] == 1
    # the same place_id in two sources: both rows kept, each source told of the other
    assert by_org["grannby"]["collisions"] == {
        "key": ["place_id"],
        "rows": 1,
        "values": ["1477-Ekudden"],
        "with": ["sjostad/badplatser-i-sjostad"],
    }
    assert by_org["sjostad"]["collisions"]["with"] == ["grannby/badplatser-i-grannby"]

    # the datastore's query API: filters, sorting, provenance columns
    rows = _rows(client, source_organisation="grannby", sort="name")
    assert [(r["place_id"], r["toilet"]) for r in rows] == [
        ("1477-Ekudden", True),
        ("1480-Strandbadet", True),
    ]
    assert rows[1]["source_distribution"] == grannby["distributions"][0]["id"]
    described = client.get(f"/api/datastore/{TABLE}").json()
    assert described["loaded"] and described["row_count"] == 4
    assert {"geometry", "source_dataset", "fetched_at"} <= {c["name"] for c in described["columns"]}
    # typed as the specification types its fields: numbers filter and sort as numbers
    types = {c["name"]: c["type"] for c in described["columns"]}
    assert [types[n] for n in ("latitude", "toilet", "updated", "name", "municipality_code")] == [
        "DOUBLE", "BOOLEAN", "DATE", "TEXT", "TEXT"
    ]  # fmt: skip
    north = _rows(client, latitude__gte="57.7", sort="-latitude")
    assert north and all(r["latitude"] >= 57.7 for r in north)
    assert [r["latitude"] for r in north] == sorted((r["latitude"] for r in north), reverse=True)
    counted = client.get(
        f"/api/datastore/{TABLE}/aggregate",
        params={"group_by": "source_organisation", "count": "*"},
    )
    assert {r["source_organisation"]: r["count"] for r in counted.json()["rows"]} == {
        "grannby": 2,
        "sjostad": 2,
    }

    # the SQL endpoint, also joined with a source's own table
    sql = (
        f'SELECT count(*) AS n FROM "{TABLE}" c JOIN "{sjostad["distributions"][0]["id"]}" s '
        "USING (place_id)"
    )
    answer = client.get("/api/datastore/sql", params={"sql": sql})
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"] == [[3]]  # two of Sjöstad's, and Grannby's copy

    # CKAN's DataStore
    ckan = client.post(
        "/api/3/action/datastore_search",
        json={"resource_id": TABLE, "filters": {"place_id": "1477-Ekudden"}},
    )
    assert ckan.status_code == 200, ckan.text
    assert {r["source_organisation"] for r in ckan.json()["result"]["records"]} == {
        "sjostad",
        "grannby",
    }

    # one national file, in every format of the datastore
    national = client.get(f"{API}/combined.csv")
    assert national.headers["content-disposition"].endswith('filename="badplatser-1.0.csv"')
    assert len(list(csv.DictReader(io.StringIO(national.text)))) == 4
    geo = client.get(f"{API}/combined.geojson").json()
    points = {f["properties"]["place_id"]: f["geometry"] for f in geo["features"]}
    assert points["1480-Strandbadet"] == {"type": "Point", "coordinates": [11.97, 57.71]}
    book = client.get(f"/api/datastore/{TABLE}/rows.xlsx")
    assert book.status_code == 200
    with zipfile.ZipFile(io.BytesIO(book.content)) as archive:
        workbook = open_workbook(archive)
        cells = list(sheet_rows(archive, workbook, workbook.sheets[0][1]))
    assert len(cells) == 5  # the header and four rows


def test_a_source_that_goes_loses_only_its_own_rows(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    sjostad, grannby = _two_sources(client, world, settings, engine, tmp_path)
    before = {r["_id"]: r for r in _rows(client, source_organisation="sjostad")}
    assert len(before) == 2

    # withdrawn (made a draft again): out; published again: back
    withdrawn = client.patch(
        f"/api/datasets/{grannby['id']}", json={"state": "draft"}, headers=world.auth("root")
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert {r["_id"]: r for r in _rows(client)} == before
    sources = client.get(f"{API}/combined").json()["sources"]
    assert [s["organisation"] for s in sources] == ["sjostad"]

    # the declaration removed from Sjöstad's distribution: its check and its rows go
    dist = sjostad["distributions"][0]["id"]
    undeclared = client.patch(
        f"/api/distributions/{dist}", json={"conforms_to": []}, headers=world.auth("root")
    )
    assert undeclared.status_code == 200, undeclared.text
    assert client.get(f"{API}/combined").json()["rows"] == 0
    assert client.get(f"/api/conformance/{dist}").status_code == 404

    # declared again: checked again without a new load, and back in
    declared = client.patch(
        f"/api/distributions/{dist}",
        json={"conforms_to": [{"url": BATHING}]},
        headers=world.auth("root"),
    )
    assert declared.status_code == 200, declared.text
    assert len(_rows(client, source_organisation="sjostad")) == 2

    # a deleted dataset
    assert (
        client.delete(f"/api/datasets/{sjostad['id']}", headers=world.auth("root")).status_code
        == 204
    )
    assert client.get(f"{API}/combined").json()["sources"] == []


def test_ckan_datastore_writes_are_checked_like_a_load(client: TestClient, world: World) -> None:
    made = _publish(client, world, "sjostad", "Badplatser i Sjöstad")
    rid = made["distributions"][0]["id"]
    fields = [{"id": n} for n in ("place_id", "name", "latitude", "longitude")]
    records = [{"place_id": "1480-A", "name": "A", "latitude": 57.7, "longitude": 11.9}]
    created = client.post(
        "/api/3/action/datastore_create",
        headers=world.auth("root"),
        json={"resource_id": rid, "fields": fields, "records": records},
    )
    assert created.status_code == 200, created.text
    assert client.get(f"/api/conformance/{rid}").json()["state"] == "conforms"
    assert [r["place_id"] for r in _rows(client)] == ["1480-A"]

    # an upsert of a row outside Sweden: the table no longer conforms; the row is left out
    bad = [{"place_id": "1480-B", "name": "B", "latitude": 5.0, "longitude": 11.9}]
    upserted = client.post(
        "/api/3/action/datastore_upsert",
        headers=world.auth("root"),
        json={"resource_id": rid, "records": bad, "method": "insert"},
    )
    assert upserted.status_code == 200, upserted.text
    assert client.get(f"/api/conformance/{rid}").json()["state"] == "fails"
    report = client.get(f"{API}/combined").json()
    assert report["sources"][0]["left_out"] == 1 and report["rows"] == 1

    # the table deleted through CKAN: its rows go too
    deleted = client.post(
        "/api/3/action/datastore_delete", headers=world.auth("root"), json={"resource_id": rid}
    )
    assert deleted.status_code == 200, deleted.text
    assert client.get(f"{API}/combined").json()["rows"] == 0


def test_a_reader_keeps_the_version_it_opened(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    sjostad, _grannby = _two_sources(client, world, settings, engine, tmp_path)
    first = client.get(f"{API}/combined").json()
    folder = settings.datastore_path / "specifications" / "badplatser" / "1.0"
    gone = client.delete(
        f"/api/distributions/{sjostad['distributions'][0]['id']}", headers=world.auth("root")
    )
    assert gone.status_code == 204, gone.text
    second = json.loads((folder / "report.json").read_text("utf-8"))
    assert second["file"] != first["file"] and second["rows"] == 2
    assert (folder / first["file"]).is_file()  # the one before is kept for readers


def _table(path: Path, rows: str) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE data AS SELECT row_number() OVER () AS _id, * FROM ({rows})")
    return path


def test_sources_checked_together_are_counted_apart_and_a_rebuild_redoes_only_changes(
    tmp_path: Path,
) -> None:
    spec = next(s for s in _builtins() if s.name == "badplatser")
    good = "SELECT 'A-' || i AS place_id, 'Bad ' || i AS name, 58.1 AS latitude, 13.5 AS longitude"
    a = _table(tmp_path / "a.duckdb", f"{good} FROM range(3) t(i)")
    b = _table(tmp_path / "b.duckdb", f"{good.replace('58.1', '5.1')} FROM range(2) t(i)")
    sources = [
        Source("da", a, "ana", "bad-a", "2026-01-01", "v1"),
        Source("db", b, "bro", "bad-b", "2026-01-01", "v1"),  # same columns, outside Sweden
        Source("dc", tmp_path / "gone.duckdb", "cia", "bad-c", "2026-01-01", "v1"),
    ]
    folder = tmp_path / "combined"
    first = build(folder, spec, sources)
    counts = {e["distribution"]: (e["rows"], e["kept"], e["left_out"]) for e in first["sources"]}
    assert counts == {"da": (3, 3, 0), "db": (2, 0, 2), "dc": (0, 0, 0)}
    assert "gone.duckdb" in first["sources"][2]["error"] and first["rows"] == 3
    with duckdb.connect(str(folder / first["file"]), read_only=True) as con:
        kept_a = con.execute("SELECT _id, place_id FROM data ORDER BY _id").fetchall()
    assert kept_a == [(1, "A-0"), (2, "A-1"), (3, "A-2")]

    # b corrected: only b is read again; a's rows keep their numbers
    _table(tmp_path / "b2.duckdb", f"{good} FROM range(2) t(i)")
    sources[1] = Source("db", tmp_path / "b2.duckdb", "bro", "bad-b", "2026-02-01", "v2")
    again = build(folder, spec, sources)
    assert {e["distribution"]: e["kept"] for e in again["sources"]} == {"da": 3, "db": 2, "dc": 0}
    with duckdb.connect(str(folder / again["file"]), read_only=True) as con:
        rows = con.execute("SELECT _id, source_distribution FROM data ORDER BY _id").fetchall()
    assert rows[:3] == [(1, "da"), (2, "da"), (3, "da")] and {r[1] for r in rows[3:]} == {"db"}
    # both of b's rows collide with a's keys (the same place_id in two sources)
    assert again["sources"][1]["collisions"]["rows"] == 2
