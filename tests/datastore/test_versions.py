"""Each load is kept as a version and compared with the one before it (issue 20, item 5): rows
added, removed and changed by the editor's key or by whole row; a key with duplicates or
NULLs is refused, and a load where it stops pairing rows is compared by whole row, saying so;
superseded versions are kept for the organisation's retention period, then their files go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa

from tests.conftest import dataset_payload
from torget.accounts.permissions import SYSTEM
from torget.datastore import version_store
from torget.datastore.load import load_local
from torget.datastore.versions import compare
from torget.db.engine import read, write
from torget.db.schema import datastore_versions, organisations
from torget.errors import ValidationFailed
from torget.settings import Settings

V1 = "Kod;Namn;Invånare\n0180;Stockholm;984000\n1480;Göteborg;600000\n0380;Uppsala;240000\n"
V2 = "Kod;Namn;Invånare\n0180;Stockholm;990000\n1480;Göteborg;600000\n2580;Luleå;80000\n"


def _distribution(world: Any) -> str:
    payload = dataset_payload(distributions=[
        {"title": {"sv": "Kommuner"}, "format": "text/csv", "license": "CC0-1.0",
         "download_url": "https://data.sjostad.example/kommuner.csv"},
    ])  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    return str(created.json()["distributions"][0]["id"])


def _load(settings: Settings, engine: sa.Engine, dist: str, tmp_path: Path, text: str) -> None:
    source = tmp_path / f"kommuner-{abs(hash(text))}.csv"
    source.write_text(text, encoding="utf-8")
    load_local(settings, engine, dist, source, "csv")


def _versions(engine: sa.Engine, root: Path, dist: str) -> list[version_store.Version]:
    with read(engine) as conn:
        return version_store.history(conn, SYSTEM, root, dist)


def test_two_loads_compared_by_the_chosen_key(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dist = _distribution(world)
    _load(settings, engine, dist, tmp_path, V1)
    with write(engine) as conn:
        version_store.set_key(conn, SYSTEM, settings.datastore_path, dist, ["Kod"])
    _load(settings, engine, dist, tmp_path, V2)
    last, first = _versions(engine, settings.datastore_path, dist)
    assert first.comparison == "first" and first.superseded_at is not None
    assert (last.comparison, last.key) == ("key", ["Kod"])
    assert (last.added, last.removed, last.changed) == (1, 1, 1)
    assert last.sample["changed"] == [
        {"key": {"Kod": "0180"}, "changes": {"Invånare": {"before": 984000, "after": 990000}}}
    ]
    assert last.sample["added"][0]["key"] == {"Kod": "2580"}
    assert last.sample["removed"][0]["values"]["Namn"] == "Uppsala"
    with read(engine) as conn:  # the superseded load is still there to read
        old = version_store.version_table(conn, SYSTEM, settings.datastore_path, dist,
                                          first.job_id)  # fmt: skip
    assert old.path.is_file() and old.row_count == 3


def test_a_key_with_duplicates_is_refused_and_a_load_that_breaks_it_compared_by_row(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dist = _distribution(world)
    _load(settings, engine, dist, tmp_path, V1)
    root = settings.datastore_path
    with pytest.raises(ValidationFailed) as refused, write(engine) as conn:
        version_store.set_key(conn, SYSTEM, root, dist, ["Kommunkod"])
    assert refused.value.errors[0].code == "diff_key_unknown"
    with write(engine) as conn:
        version_store.set_key(conn, SYSTEM, root, dist, ["Kod"])
    _load(settings, engine, dist, tmp_path, V2 + "2580;Luleå igen;1\n")
    with pytest.raises(ValidationFailed) as refused, write(engine) as conn:
        version_store.set_key(conn, SYSTEM, root, dist, ["Kod"])
    error = refused.value.errors[0]
    assert error.code == "diff_key_duplicates" and error.params["example"] == "2580"
    last = _versions(engine, root, dist)[0]
    assert last.comparison == "row" and (last.added, last.removed) == (3, 2)
    assert [n["code"] for n in last.notes] == ["key_duplicates", "compared_by_row"]


def test_superseded_versions_go_after_the_retention_period(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dist = _distribution(world)
    _load(settings, engine, dist, tmp_path, V1)
    _load(settings, engine, dist, tmp_path, V2)
    root = settings.datastore_path
    assert version_store.prune(settings, engine) == 0  # 30 days by default
    with write(engine) as conn:
        org = conn.execute(sa.select(organisations.c.id).where(organisations.c.name == "sjostad"))
        version_store.set_retention(conn, SYSTEM, org.scalar_one(), 0)
    assert version_store.prune(settings, engine) == 1
    last, first = _versions(engine, root, dist)
    assert first.file is None and last.file is not None and (last.added, last.removed) == (2, 2)
    assert not any(p.name.startswith(first.job_id) for p in root.rglob("*.duckdb*"))
    deleted = world.client.delete(f"/api/distributions/{dist}", headers=world.auth("editor"))
    assert deleted.status_code in (200, 204), deleted.text
    with read(engine) as conn:
        left = conn.execute(sa.select(datastore_versions).where(
            datastore_versions.c.distribution_id == dist)).all()  # fmt: skip
    assert left == [] and not (root / dist / "versions").exists()


def test_columns_in_one_load_only_and_changed_types(tmp_path: Path) -> None:
    long = "repeat('x', 500)"
    for name, sql in (
        ("a", f"SELECT 1 AS _id, 1 AS k, {long} AS t, 2 AS gone"),
        ("b", f"SELECT 1 AS _id, 1 AS k, {long} || 'y' AS t, '2' AS new"),
    ):
        with duckdb.connect(str(tmp_path / f"{name}.duckdb")) as con:
            con.execute(f"CREATE TABLE data AS {sql}")
    found = compare(tmp_path / "a.duckdb", tmp_path / "b.duckdb", ["k"])
    assert (found.added, found.removed, found.changed) == (0, 0, 1)
    assert [n.code for n in found.notes] == ["columns_added", "columns_removed"]
    cut = found.sample["changed"][0]["changes"]["t"]  # a long text is cut in the sample
    assert len(cut["before"]) == 300 and cut["before"] == cut["after"] and cut["after"][-1] == "…"


def test_a_load_sharing_no_column_with_the_one_before_counts_every_row_as_changed(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dist = _distribution(world)
    _load(settings, engine, dist, tmp_path, V1)
    _load(settings, engine, dist, tmp_path, "Ort;Antal\nAle;1\nBorås;2\n")
    last = _versions(engine, settings.datastore_path, dist)[0]
    assert (last.comparison, last.added, last.removed, last.changed) == ("row", 2, 3, 0)
    codes = [n["code"] for n in last.notes]
    assert codes == ["columns_added", "columns_removed", "no_common_columns"]
