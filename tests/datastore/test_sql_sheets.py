"""The SQL endpoint reaches every table of a distribution: `"<id>"`, `"<id>/sheet_2"`, …"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import xlsxwriter

from torget.datastore.load import load_local
from torget.datastore.sql import split_name
from torget.settings import Settings


def _load_workbook(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path,
                   state: str) -> str:  # fmt: skip
    from tests.conftest import CLASSIFIED, dataset_payload

    body = dataset_payload(state=state, classification=dict(CLASSIFIED))
    created = world.client.post("/api/datasets", json=body, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    dist = str(created.json()["distributions"][0]["id"])
    book = xlsxwriter.Workbook(str(tmp_path / "skolor.xlsx"))
    book.add_worksheet("Kommuner").write_column(0, 0, ["kommun", "Sjöstad", "Grannby"])
    schools = book.add_worksheet("Skolor 2024")
    for r, row in enumerate(
        [
            ["skola", "kommun", "elever"],
            ["Ekskolan", "Sjöstad", 120],
            ["Aspskolan", "Grannby", 80],
            ["Björkskolan", "Sjöstad", 45],
        ]
    ):
        schools.write_row(r, 0, row)  # fmt: skip
    book.add_worksheet("Lärare").write_column(0, 0, ["lärare", "Ada", "Bo"])
    book.close()
    load_local(settings, engine, dist, tmp_path / "skolor.xlsx", "xlsx")
    return dist


@pytest.fixture
def workbook(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path) -> str:
    return _load_workbook(world, settings, engine, tmp_path, "published")


def _sql(world: Any, sql: str, user: str | None = None) -> Any:
    headers = world.auth(user) if user else {}
    return world.client.post("/api/datastore/sql", json={"sql": sql}, headers=headers)


def test_every_sheet_is_a_table_named_after_the_distribution(world: Any, workbook: str) -> None:
    described = world.client.get(f"/api/datastore/{workbook}").json()["sheets"]
    assert [s["table"] for s in described] == ["sheet_2", "sheet_3"]
    sheet = f'"{workbook}/sheet_2"'
    joined = _sql(world, f'SELECT k.kommun, sum(s.elever) AS elever FROM "{workbook}" k '
                         f"JOIN {sheet} s USING (kommun) GROUP BY 1 ORDER BY 1")  # fmt: skip
    assert joined.status_code == 200, joined.text
    assert joined.json()["rows"] == [["Grannby", 80], ["Sjöstad", 165]]
    third = _sql(world, f'SELECT "lärare" FROM "{workbook}/sheet_3" ORDER BY _id').json()
    assert third["rows"] == [["Ada"], ["Bo"]]
    main = _sql(world, f'SELECT count(*) FROM "{workbook}/data"').json()
    assert main["rows"] == [[2]]


def test_a_missing_sheet_is_refused_with_the_tables_there_are(world: Any, workbook: str) -> None:
    refused = _sql(world, f'SELECT * FROM "{workbook}/sheet_9"')
    assert refused.status_code == 400
    message = refused.json()["message"]
    assert "no table 'sheet_9'" in message
    assert f'"{workbook}/data", "{workbook}/sheet_2", "{workbook}/sheet_3"' in message


def test_a_sheet_of_a_draft_is_only_for_its_editors(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    draft = _load_workbook(world, settings, engine, tmp_path, "draft")
    sql = f'SELECT skola FROM "{draft}/sheet_2" ORDER BY elever DESC LIMIT 1'
    refused = _sql(world, sql)
    assert refused.status_code == 400
    assert f"no datastore table '{draft}'" in refused.json()["message"]
    assert _sql(world, sql, "editor").json()["rows"] == [["Ekskolan"]]


@pytest.mark.parametrize(
    ("name", "parts"),
    [("3f2c", ("3f2c", "data")), ("3f2c/sheet_2", ("3f2c", "sheet_2")),
     ("3f2c/data", ("3f2c", "data")), ("/etc/passwd", ("/etc/passwd", "data")),
     ("3f2c/sheet_0", ("3f2c/sheet_0", "data")), ("3f2c/", ("3f2c/", "data"))],
)  # fmt: skip
def test_names_split_into_distribution_and_table(name: str, parts: tuple[str, str]) -> None:
    assert split_name(name) == parts
