"""Every wrong parameter of the datastore's APIs is the caller's mistake: a 4xx that names the
column (or the parameter) and why, never a 500 (issues 17 and 19). Each wrong kind is sent to
each endpoint that reads or writes a table: the JSON API's rows, downloads, distinct values,
aggregates and columns, and CKAN's DataStore actions and dump."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import published_payload
from torget.datastore.load import load_local
from torget.settings import Settings

CSV = "kommun;namn;antal;andel;datum;aktiv\n" + "".join(
    f"{'0180' if i % 3 else '1480'};Plats {i};{i};{i},5;2024-01-{1 + i % 28:02d};"
    f"{'ja' if i % 2 else 'nej'}\n"
    for i in range(30)
)
GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"namn": f"p{i}", "antal": i},
             "geometry": {"type": "Point", "coordinates": [18.0 + i / 100, 59.3]}}
            for i in range(5)
        ],
    }
)  # fmt: skip


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# (query parameters, the word the answer must name: a column or the parameter)
WRONG: list[tuple[dict[str, str], str]] = [
    ({"nope": "1"}, "nope"),
    ({"nope__gte": "1"}, "nope"),
    ({"antal__like": "1"}, "antal__like"),
    ({"antal": "många"}, "antal"),
    ({"antal": "99999999999999999999"}, "antal"),
    ({"antal__in": "1,x"}, "antal"),
    ({"datum__gte": "2024-13-45"}, "datum"),
    ({"aktiv": "kanske"}, "aktiv"),
    ({"antal": "a\x00b"}, "antal"),
    ({"sort": "nope"}, "nope"),
    ({"sort": "-"}, "sort"),
    ({"sort": "antal,-nope"}, "nope"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "abc"}, "limit"),
    ({"limit": "99999999999999999999999999"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"offset": "x"}, "offset"),
    ({"offset": "99999999999999999999999999"}, "offset"),
    ({"after": "???"}, "after"),
    ({"after": _cursor({"a": 1})}, "after"),
    ({"after": _cursor([1, 2, 3, 4, 5])}, "after"),
    ({"after": _cursor(["many", 1]), "sort": "antal"}, "antal"),
    ({"after": _cursor([[1], 1]), "sort": "antal"}, "after"),
    ({"after": _cursor(["x"])}, "after"),
    ({"table": "sheet_9"}, "sheet_9"),
    ({"table": "../../etc/passwd"}, "passwd"),
    ({"fields": "nope"}, "nope"),
    ({"fields": "namn,nope"}, "nope"),
]

# Accepted oddities: each must answer 200, not an error.
ODD_BUT_FINE: list[dict[str, str]] = [
    {"fields": "namn,namn"},
    {"fields": ","},
    {"q": "a\x00b"},
    {"sort": ",,"},
    {"antal__isnull": "kanske"},
    {"andel__lt": "1e999"},
]


@pytest.fixture
def tables(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path) -> dict[str, str]:
    payload = published_payload(
        distributions=[
            {"title": {"sv": "Platser"}, "download_url": "https://data.sjostad.example/p.csv",
             "format": "text/csv", "license": "CC0-1.0"},
            {"title": {"sv": "Punkter"}, "download_url": "https://data.sjostad.example/p.geojson",
             "format": "GEOJSON", "license": "CC0-1.0"},
        ]
    )  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    csv_id, geo_id = (d["id"] for d in created.json()["distributions"])
    (tmp_path / "p.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "p.geojson").write_text(GEOJSON, encoding="utf-8")
    load_local(settings, engine, csv_id, tmp_path / "p.csv", "csv")
    load_local(settings, engine, geo_id, tmp_path / "p.geojson", "geojson")
    return {"csv": csv_id, "geo": geo_id}


def _endpoints(dist: str, column: str = "kommun") -> list[str]:
    base = f"/api/datastore/{dist}"
    formats = ("csv", "excel.csv", "json", "geojson", "parquet", "xlsx")
    downloads = [f"{base}/rows.{fmt}" for fmt in formats]
    return [f"{base}/rows", *downloads, f"{base}/distinct/{column}", f"{base}/aggregate"]


def _explained(response: Any, word: str) -> bool:
    return 400 <= response.status_code < 500 and word in response.text


@pytest.mark.parametrize("which", ["csv", "geo"])
def test_every_wrong_parameter_of_every_read_endpoint_is_a_4xx_naming_it(
    world: Any, tables: dict[str, str], which: str
) -> None:
    failures = []
    for url in _endpoints(tables[which], "kommun" if which == "csv" else "namn"):
        for params, word in WRONG:
            if "after" in params and not url.endswith("/rows"):
                word = "after"  # only pages of rows take a cursor
            response = world.client.get(url, params=params)
            if not _explained(response, word) and not (
                url.endswith(".geojson") and which == "csv" and response.status_code == 404
            ):
                failures.append((url, params, response.status_code, response.text[:200]))
    assert failures == [], "\n".join(map(str, failures))


def test_odd_but_valid_parameters_answer(world: Any, tables: dict[str, str]) -> None:
    failures = []
    for url in _endpoints(tables["csv"]):
        if url.endswith(".geojson"):
            continue
        for params in ODD_BUT_FINE:
            response = world.client.get(url, params=params)
            if response.status_code != 200:
                failures.append((url, params, response.status_code, response.text[:200]))
    assert failures == [], "\n".join(map(str, failures))


# (aggregate parameters, the word the answer must name, its status)
AGGREGATE_WRONG: list[tuple[dict[str, str], str, int]] = [
    ({"sum": "namn"}, "namn", 400),
    ({"avg": "kommun"}, "kommun", 400),
    ({"avg": "datum"}, "datum", 400),
    ({"avg": "aktiv"}, "aktiv", 400),
    ({"sum": "datum"}, "datum", 400),
    ({"sum": "aktiv"}, "aktiv", 400),
    ({"group_by": "kommun", "sum": "antal,namn"}, "namn", 400),
    ({"sum": "nope"}, "nope", 422),
    ({"min": "nope"}, "nope", 422),
    ({"sum": "*"}, "sum", 422),
    ({"group_by": "nope"}, "nope", 422),
]


def test_sums_and_averages_need_a_number_column(world: Any, tables: dict[str, str]) -> None:
    # One table for every case (loading it is most of the test's time), each case checked.
    url = f"/api/datastore/{tables['csv']}/aggregate"
    failures = []
    for params, word, status in AGGREGATE_WRONG:
        response = world.client.get(url, params=params)
        named = response.status_code == status and word in response.text
        said = status != 400 or "number" in response.json().get("message", "")
        if not (named and said):
            failures.append((params, response.status_code, response.text[:200]))
    assert failures == [], "\n".join(map(str, failures))
    fine = {"group_by": "kommun", "sum": "antal", "avg": "andel", "min": "namn", "max": "datum"}
    assert world.client.get(url, params=fine).is_success


def test_a_geojson_download_needs_its_geometry(world: Any, tables: dict[str, str]) -> None:
    url = f"/api/datastore/{tables['geo']}/rows.geojson"
    response = world.client.get(url, params={"fields": "namn"})
    assert _explained(response, "geometry"), response.text
    assert world.client.get(url, params={"fields": "namn,geometry"}).status_code == 200


def test_unknown_distributions_and_columns_endpoints(world: Any, tables: dict[str, str]) -> None:
    unknown = world.client.get(f"/api/datastore/{tables['csv']}/distinct/nope")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["code"] == "unknown_column"
    assert unknown.json()["errors"][0]["params"]["column"] == "nope"
    for path in ("", "/rows", "/columns", "/distinct/a", "/aggregate", "/rows.csv"):
        assert world.client.get(f"/api/datastore/okänd{path}").status_code == 404
    bad = world.client.put(
        f"/api/datastore/{tables['csv']}/columns",
        json={"columns": [{"name": "nope", "description": {"sv": "x"}}]},
        headers=world.auth("editor"),
    )
    assert _explained(bad, "nope"), bad.text


# --- CKAN's DataStore actions ----------------------------------------------------------------

CKAN_WRONG: list[tuple[str, dict[str, Any], str]] = [
    ("datastore_search", {"filters": {"nope": 1}}, "nope"),
    ("datastore_search", {"filters": {"antal": "många"}}, "antal"),
    ("datastore_search", {"filters": {"datum": ["2024-01-01", "x"]}}, "datum"),
    ("datastore_search", {"filters": {"antal": {"like": 1}}}, "antal"),
    ("datastore_search", {"filters": "not json"}, "filters"),
    ("datastore_search", {"filters": [1]}, "filters"),
    ("datastore_search", {"sort": "nope desc"}, "nope"),
    ("datastore_search", {"sort": "antal sideways"}, "antal"),
    ("datastore_search", {"limit": -1}, "limit"),
    ("datastore_search", {"limit": "abc"}, "limit"),
    ("datastore_search", {"offset": -1}, "offset"),
    ("datastore_search", {"offset": "x"}, "offset"),
    ("datastore_search", {"fields": "nope"}, "nope"),
    ("datastore_search", {"fields": ["namn", "nope"]}, "nope"),
    ("datastore_search", {"q": {"namn": "x"}}, "q"),
    ("datastore_search", {"records_format": "xml"}, "records_format"),
    ("datastore_search", {"include_total": "kanske"}, "include_total"),
    ("datastore_search", {"resource_id": "okänd"}, "okänd"),
    ("datastore_search", {"resource_id": ""}, "resource_id"),
    ("datastore_info", {"id": "okänd"}, "okänd"),
    ("datastore_search_sql", {"sql": 'SELECT nope FROM "{id}"'}, "nope"),
    ("datastore_search_sql", {"sql": ""}, "sql"),
    ("datastore_create", {"fields": [{"type": "int"}]}, "fields"),
    ("datastore_create", {"fields": [{"id": "namn"}, {"id": ""}]}, "fields"),
    ("datastore_create", {"fields": [{"id": "_x"}]}, "_x"),
    ("datastore_create", {"fields": [{"id": "a"}], "records": "x"}, "records"),
    ("datastore_create", {"fields": [{"id": "a"}], "records": [1]}, "records"),
    ("datastore_create", {"fields": [{"id": "a"}], "primary_key": ["nope"]}, "nope"),
    ("datastore_upsert", {"records": [{"nope": 1}]}, "nope"),
    ("datastore_upsert", {"method": "insert", "records": [{"antal": "många"}]}, "antal"),
    ("datastore_upsert", {"method": "insert", "records": [{"datum": "2024-13-45"}]}, "datum"),
    ("datastore_upsert", {"method": "sideways", "records": []}, "method"),
    ("datastore_upsert", {"method": "update", "records": [{"namn": "x"}]}, "primary_key"),
    ("datastore_upsert", {"records": "x"}, "records"),
    ("datastore_delete", {"filters": {"nope": 1}}, "nope"),
    ("datastore_delete", {"filters": {"antal": "många"}}, "antal"),
    ("datastore_delete", {"filters": "x"}, "filters"),
]


def _action(world: Any, name: str, body: dict[str, Any]) -> Any:
    return world.client.post(f"/api/3/action/{name}", json=body, headers=world.auth("editor"))


def test_every_wrong_parameter_of_the_ckan_actions_is_a_4xx_naming_it(
    world: Any, tables: dict[str, str]
) -> None:
    dist = tables["csv"]
    failures = []
    for name, params, word in CKAN_WRONG:
        body = {"resource_id": dist, **params}
        if "sql" in params:
            body = {"sql": params["sql"].replace("{id}", dist)}
        response = _action(world, name, body)
        if not _explained(response, word):
            failures.append((name, params, response.status_code, response.text[:300]))
    assert failures == [], "\n".join(map(str, failures))
    assert _action(world, "datastore_search", {"resource_id": dist}).json()["result"]["total"] == 30


DUMP_WRONG: list[tuple[dict[str, str], str]] = [
    ({"format": "xml"}, "xml"),
    ({"filters": '{"nope": 1}'}, "nope"),
    ({"filters": '{"antal": "många"}'}, "antal"),
    ({"sort": "nope"}, "nope"),
    ({"fields": "nope"}, "nope"),
    ({"limit": "-1"}, "limit"),
]


def test_ckan_dump_refusals(world: Any, tables: dict[str, str]) -> None:
    failures = []
    for params, word in DUMP_WRONG:
        response = world.client.get(f"/datastore/dump/{tables['csv']}", params=params)
        if not _explained(response, word):
            failures.append((params, response.status_code, response.text[:200]))
    assert failures == [], "\n".join(map(str, failures))
