"""Writing a table through `torget.datastore.writes`: each write a new atomic version, values
cast to their columns' types (or refused naming the record and the column), `_id` kept for
good, the primary key in the catalogue database (moved there from an older Torget's side
file), and concurrent writes that all land."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import CLASSIFIED, dataset_payload
from torget.accounts.permissions import actor_for
from torget.accounts.users import get_user
from torget.datastore import access, row_copies, sort_keys, writes
from torget.datastore.jobs import latest_job
from torget.datastore.load import load_local
from torget.datastore.query import parse_row_query
from torget.datastore.refusals import NoRecord, UnknownColumn, ValueDoesNotFit
from torget.datastore.tables import current_table, primary_key
from torget.db.engine import read
from torget.errors import NotFound, PermissionDenied
from torget.settings import Settings

COLUMNS: dict[str, str | None] = {"namn": "TEXT", "kommun": None, "antal": "BIGINT"}
RECORDS = [
    {"namn": "Norra stranden", "kommun": "Sjöstad", "antal": 7},
    {"namn": "Ekudden", "kommun": "Grannby", "antal": 12},
    {"namn": "Badhuset", "kommun": "Sjöstad", "antal": 20},
]


class Writer:
    def __init__(self, world: Any, settings: Settings, engine: sa.Engine, state: str):
        body = dataset_payload(state=state, classification=dict(CLASSIFIED))
        created = world.client.post("/api/datasets", json=body, headers=world.auth("editor"))
        assert created.status_code == 201, created.text
        self.dist = str(created.json()["distributions"][0]["id"])
        self.settings, self.engine = settings, engine

    def actor(self, name: str) -> Any:
        with read(self.engine) as conn:
            return actor_for(conn, get_user(conn, name))

    def rows(self) -> list[dict[str, Any]]:
        with read(self.engine) as conn:
            table = access.open_table(conn, self.actor("editor"), self.settings.datastore_path,
                                      self.dist)  # fmt: skip
        query = parse_row_query([("sort", "_id")], table, 1000)
        return access.fetch_page(table, query, 10**9).rows

    def create(self, key: list[str] | None = None) -> Any:
        return writes.create_table(self.engine, self.settings, self.actor("editor"), self.dist,
                                   COLUMNS, RECORDS, key or [])  # fmt: skip

    def write(self, records: list[Any], method: str = "upsert", user: str = "editor") -> Any:
        return writes.write_records(self.engine, self.settings, self.actor(user), self.dist,
                                    records, method)  # fmt: skip


@pytest.fixture
def writer(world: Any, settings: Settings, engine: sa.Engine) -> Writer:
    return Writer(world, settings, engine, "published")


def test_types_declared_or_from_the_values_and_kept_by_later_writes(writer: Writer) -> None:
    table = writer.create(["namn"])
    assert table.column_types == {"namn": "TEXT", "kommun": "TEXT", "antal": "BIGINT"}
    writer.write([{"namn": "Ekudden", "antal": "13"}, {"namn": "Nya", "antal": 1.0}])
    rows = writer.rows()
    assert rows[1] == {"_id": 2, "namn": "Ekudden", "kommun": "Grannby", "antal": 13}
    assert rows[3] == {"_id": 4, "namn": "Nya", "kommun": None, "antal": 1}
    with read(writer.engine) as conn:
        again = current_table(conn, writer.settings.datastore_path, writer.dist)
    assert again is not None and again.column_types["antal"] == "BIGINT"


def test_a_value_that_does_not_fit_is_refused_naming_record_and_column(writer: Writer) -> None:
    writer.create(["namn"])
    with read(writer.engine) as conn:
        before = latest_job(conn, writer.dist)
    with pytest.raises(ValueDoesNotFit) as refused:
        writer.write([{"namn": "Ny", "antal": 3}, {"namn": "Nyare", "antal": "många"}], "insert")
    assert refused.value.errors[0].field == "records.1" and "'antal'" in str(refused.value)
    assert refused.value.code == "value_does_not_fit"
    with pytest.raises(UnknownColumn, match="okänd"):
        writer.write([{"namn": "x", "okänd": 1}])
    with pytest.raises(NoRecord, match="record 0"):
        writer.write([{"namn": "Ingen", "antal": 1}], "update")
    assert len(writer.rows()) == 3
    with read(writer.engine) as conn:  # a refused write leaves no trace in the load history
        assert latest_job(conn, writer.dist) == before


def test_ids_outlive_deletes_and_new_rows_follow_the_highest(writer: Writer) -> None:
    table = writer.create()
    query = parse_row_query([("kommun", "Grannby")], table, 100)
    writes.delete_rows(writer.engine, writer.settings, writer.actor("editor"), writer.dist, query)
    writer.write([{"namn": "Udden", "kommun": "Grannby", "antal": 2}], "insert")
    assert [(r["_id"], r["namn"]) for r in writer.rows()] == [
        (1, "Norra stranden"), (3, "Badhuset"), (4, "Udden"),
    ]  # fmt: skip
    with pytest.raises(ValueDoesNotFit, match="antal"):
        bad = parse_row_query([("antal", "många")], table, 100)
        writes.delete_rows(writer.engine, writer.settings, writer.actor("editor"), writer.dist,
                           bad)  # fmt: skip


def test_the_primary_key_is_kept_in_the_catalogue_database(writer: Writer) -> None:
    writer.create(["namn"])
    folder = writer.settings.datastore_path / writer.dist
    assert not (folder / "ckan.json").exists()
    with read(writer.engine) as conn:
        assert primary_key(conn, writer.dist) == ["namn"]
    writer.write([{"namn": "Badhuset", "antal": 21}])
    assert [r["antal"] for r in writer.rows()] == [7, 12, 21]
    writer.create()
    with read(writer.engine) as conn:
        assert primary_key(conn, writer.dist) == []
    writes.remove_table(writer.engine, writer.settings, writer.actor("editor"), writer.dist)
    with read(writer.engine) as conn:
        assert current_table(conn, writer.settings.datastore_path, writer.dist) is None


def test_a_key_in_an_older_torgets_side_file_moves_into_the_database(writer: Writer) -> None:
    writer.create()
    side = writer.settings.datastore_path / writer.dist / "ckan.json"
    side.write_text(json.dumps({"primary_key": ["namn"]}), encoding="utf-8")
    writer.write([{"namn": "Ekudden", "antal": 99}])
    assert [r["antal"] for r in writer.rows()] == [7, 99, 20]
    assert not side.exists()
    with read(writer.engine) as conn:
        assert primary_key(conn, writer.dist) == ["namn"]


def test_only_editors_write_and_drafts_stay_hidden(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    draft = Writer(world, settings, engine, "draft")
    draft.create()
    with pytest.raises(NotFound):
        draft.write([{"namn": "x"}], "insert", user="outsider")
    published = Writer(world, settings, engine, "published")
    (tmp_path / "t.csv").write_text("namn;antal\nA;1\n", encoding="utf-8")
    load_local(settings, engine, published.dist, tmp_path / "t.csv", "csv")
    with pytest.raises(PermissionDenied):
        published.write([{"namn": "x"}], "insert", user="outsider")
    published.write([{"namn": "B", "antal": 2}], "insert")
    assert [r["namn"] for r in published.rows()] == ["A", "B"]


def test_concurrent_writes_all_land(writer: Writer) -> None:
    writer.create(["namn"])
    errors: list[BaseException] = []

    def insert(i: int) -> None:
        try:
            writer.write([{"namn": f"Plats {i}", "kommun": "Sjöstad", "antal": i}], "insert")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=insert, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = {r["namn"] for r in writer.rows()}
    assert {f"Plats {i}" for i in range(6)} <= names and len(names) == 9
    files = list((writer.settings.datastore_path / writer.dist).glob("*.duckdb"))
    assert len(files) == 1  # superseded versions are removed


def test_a_large_written_version_gets_the_deep_page_copies_a_load_gets(writer: Writer) -> None:
    writer.settings = dataclasses.replace(writer.settings, datastore_sort_key_min_rows=3)
    writer.create(["namn"])
    table = writer.write([{"namn": "Ekudden", "antal": 13}, {"namn": "Nya", "antal": 1}])
    assert sort_keys.keys_file(table.path).exists()
    assert row_copies.rows_file(table.path).exists()
    names = ["_id", "namn", "kommun", "antal"]
    assert row_copies.fetch(table.path, "data", [4, 2], names) == [
        (4, "Nya", None, 1), (2, "Ekudden", "Grannby", 13),
    ]  # fmt: skip
    query = parse_row_query([("sort", "-antal"), ("limit", "2")], table, 1000)
    assert [r["namn"] for r in access.fetch_page(table, query, 10**9).rows] == [
        "Badhuset", "Ekudden",
    ]  # fmt: skip
