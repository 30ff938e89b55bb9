"""The datastore's HTTP API over a really loaded table: rows, filters, pages, SQL, downloads."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from torget.datastore.load import load_local
from torget.settings import Settings

CSV = "kommun;namn;antal;andel;datum\n" + "".join(
    f"{'0180' if i % 3 == 0 else '1480'};{'Sjöstad' if i % 2 else 'Grannby'} {i};{i};{i},5;"
    f"2024-01-{1 + i % 28:02d}\n"
    for i in range(250)
)


@pytest.fixture
def table(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path) -> str:
    created = world.client.post("/api/datasets", json=_dataset(), headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    dist_id = str(created.json()["distributions"][0]["id"])
    source = tmp_path / "befolkning.csv"
    source.write_text(CSV, encoding="cp1252")
    load_local(settings, engine, dist_id, source, "csv")
    return dist_id


def _dataset(state: str = "published") -> dict[str, Any]:
    from tests.conftest import CLASSIFIED, dataset_payload

    return dataset_payload(state=state, classification=dict(CLASSIFIED))


def test_describe_and_filtered_sorted_page(client: TestClient, table: str) -> None:
    info = client.get(f"/api/datastore/{table}").json()
    assert info["row_count"] == 250 and info["job"]["state"] == "done"
    assert [c["type"] for c in info["columns"]] == ["TEXT", "TEXT", "BIGINT", "DOUBLE", "DATE"]
    page = client.get(
        f"/api/datastore/{table}/rows",
        params={"kommun": "0180", "antal__gte": "100", "sort": "-antal", "limit": "3"},
    ).json()
    assert [r["antal"] for r in page["rows"]] == [249, 246, 243]
    assert page["total"] == 50 and page["total_estimated"] is False
    assert page["rows"][0]["datum"] == "2024-01-26"


def test_keyset_pages_cover_every_row_once(client: TestClient, table: str) -> None:
    seen: list[int] = []
    url: str | None = f"/api/datastore/{table}/rows?sort=kommun,-andel&limit=40"
    while url:
        page = client.get(url).json()
        seen += [r["antal"] for r in page["rows"]]
        url = page["next"]
    assert sorted(seen) == list(range(250)) and len(seen) == 250


def test_in_null_text_fields_distinct_aggregate(client: TestClient, table: str) -> None:
    base = f"/api/datastore/{table}"
    page = client.get(f"{base}/rows", params={"antal__in": "1,2,3", "fields": "namn"}).json()
    assert page["rows"] == [{"namn": "Sjöstad 1"}, {"namn": "Grannby 2"}, {"namn": "Sjöstad 3"}]
    assert client.get(f"{base}/rows", params={"antal__isnull": "true"}).json()["total"] == 0
    assert client.get(f"{base}/rows", params={"q": "grannby 24"}).json()["total"] == 6
    values = client.get(f"{base}/distinct/kommun").json()["values"]
    assert values == [{"value": "1480", "count": 166}, {"value": "0180", "count": 84}]
    agg = client.get(f"{base}/aggregate?group_by=kommun&count=*&sum=antal&max=datum").json()
    assert agg["rows"][0] == {"kommun": "0180", "count": 84, "sum_antal": 10458,
                              "max_datum": "2024-01-28"}  # fmt: skip


def test_bad_requests_are_explained(client: TestClient, table: str) -> None:
    base = f"/api/datastore/{table}/rows"
    assert client.get(base, params={"nope": "1"}).status_code == 422
    bad_value = client.get(base, params={"antal": "många"})
    assert bad_value.status_code == 422 and "does not fit" in bad_value.text
    assert client.get(base, params={"after": "???"}).status_code == 422
    assert client.get(base, params={"limit": "100000"}).status_code == 422


def test_drafts_are_hidden_from_outsiders(world: Any, settings: Settings,
                                          engine: sa.Engine, tmp_path: Path) -> None:  # fmt: skip
    draft = world.client.post("/api/datasets", json=_dataset("draft"), headers=world.auth("editor"))
    dist_id = draft.json()["distributions"][0]["id"]
    (tmp_path / "d.csv").write_text("a,b\n1,2\n")
    load_local(settings, engine, dist_id, tmp_path / "d.csv", "csv")
    url = f"/api/datastore/{dist_id}/rows"
    assert world.client.get(url).status_code == 404
    assert world.client.get(url, headers=world.auth("outsider")).status_code == 404
    assert world.client.get(url, headers=world.auth("editor")).json()["total"] == 1
    sql = {"sql": f'SELECT * FROM "{dist_id}"'}
    assert world.client.get("/api/datastore/sql", params=sql).status_code == 400


def test_sql_select_runs(client: TestClient, table: str) -> None:
    found = client.post(
        "/api/datastore/sql",
        json={
            "sql": f'WITH t AS (SELECT * FROM "{table}") SELECT kommun, count(*) AS n '
            "FROM t GROUP BY kommun ORDER BY n DESC"
        },  # fmt: skip
    ).json()
    assert found["columns"] == ["kommun", "n"] and found["rows"] == [["1480", 166], ["0180", 84]]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ('DELETE FROM "{t}"', "only SELECT"),
        ("CREATE TABLE x AS SELECT 1", "only SELECT"),
        ("SELECT * FROM read_csv('/etc/passwd')", "table functions"),
        ("SELECT * FROM '/etc/passwd'", "no datastore table"),
        ("ATTACH '/tmp/x.duckdb' AS x", "only SELECT"),
        ("COPY (SELECT 1) TO '/tmp/x.csv'", "only SELECT"),
        ("INSTALL spatial", "only SELECT"),
        ("PRAGMA database_list", "only SELECT"),
        ("SELECT 1; SELECT 2", "exactly one"),
        ('SELECT * FROM t0.data', "without a schema"),
        ("SELECT getenv('HOME')", "disabled|not|Permission|getenv"),
        ('SELECT count(*) FROM "{t}" a, "{t}" b, "{t}" c, "{t}" d, "{t}" e '
         "WHERE a.antal * b.antal + c.antal * d.antal = e.antal + 7", "longer than"),
    ],
    ids=["delete", "create", "read_csv", "file-as-table", "attach", "copy", "install", "pragma",
         "two", "schema", "getenv", "cross-join"],
)  # fmt: skip
def test_sql_refusals(client: TestClient, table: str, sql: str, message: str) -> None:
    response = client.get("/api/datastore/sql", params={"sql": sql.format(t=table)})
    assert response.status_code == 400, response.text
    assert re.search(message, response.json()["message"])


def test_downloads_in_every_format(client: TestClient, table: str, tmp_path: Path) -> None:
    base = f"/api/datastore/{table}/rows"
    text = client.get(f"{base}.csv", params={"kommun": "0180", "sort": "antal"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 84 and rows[0]["namn"] == "Grannby 0" and rows[0]["kommun"] == "0180"
    data = client.get(f"{base}.json", params={"antal__lt": "2"}).json()
    assert data == [{"_id": 1, "kommun": "0180", "namn": "Grannby 0", "antal": 0, "andel": 0.5,
                     "datum": "2024-01-01"}, {"_id": 2, "kommun": "1480", "namn": "Sjöstad 1",
                     "antal": 1, "andel": 1.5, "datum": "2024-01-02"}]  # fmt: skip
    (tmp_path / "t.parquet").write_bytes(client.get(f"{base}.parquet").content)
    with duckdb.connect() as con:
        parquet = con.execute(f"SELECT count(*) FROM '{tmp_path / 't.parquet'}'").fetchall()
    assert parquet == [(250,)]
    xlsx = client.get(f"{base}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"{base}.geojson").status_code == 404
    assert json.loads(client.get(f"{base}.json?limit=1&antal=7").text)[0]["antal"] == 7


def test_every_sheet_of_a_spreadsheet_is_queryable(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    import xlsxwriter

    created = world.client.post("/api/datasets", json=_dataset(), headers=world.auth("editor"))
    dist = str(created.json()["distributions"][0]["id"])
    book = xlsxwriter.Workbook(str(tmp_path / "bok.xlsx"))
    book.add_worksheet("Befolkning").write_column(0, 0, ["kommun", "Sjöstad", "Grannby"])
    second = book.add_worksheet("Skolor 2024")
    for r, row in enumerate([["skola", "elever"], ["Ekskolan", 120], ["Aspskolan", 80]]):
        second.write_row(r, 0, row)
    book.close()
    load_local(settings, engine, dist, tmp_path / "bok.xlsx", "xlsx")
    base = f"/api/datastore/{dist}"
    info = world.client.get(base).json()
    assert [(s["table"], s["sheet"], s["rows"]) for s in info["sheets"]] == [
        ("sheet_2", "Skolor 2024", 2)
    ]
    assert info["job"]["report"]["sheets"][0]["columns"][1] == {"name": "elever", "type": "BIGINT"}
    page = world.client.get(info["sheets"][0]["rows_url"] + "&sort=-elever").json()
    assert [r["skola"] for r in page["rows"]] == ["Ekskolan", "Aspskolan"] and page["total"] == 2
    small = world.client.get(f"{base}/rows", params={"table": "sheet_2", "elever__lt": "100"})
    assert small.json()["rows"] == [{"_id": 2, "skola": "Aspskolan", "elever": 80}]
    total = world.client.get(f"{base}/aggregate?table=sheet_2&sum=elever").json()["rows"]
    assert total == [{"sum_elever": 200}]
    csv_text = world.client.get(f"{base}/rows.csv?table=sheet_2").text
    assert csv_text.splitlines()[0] == "_id,skola,elever"
    assert world.client.get(f"{base}/rows?table=sheet_9").status_code == 404
    first = world.client.get(f"{base}/rows").json()["rows"]
    assert [r["kommun"] for r in first] == ["Sjöstad", "Grannby"]


def test_count_only_page(client: TestClient, table: str) -> None:
    page = client.get(f"/api/datastore/{table}/rows?kommun=0180&limit=0").json()
    assert page["rows"] == [] and page["total"] == 84 and page["next"] is None
