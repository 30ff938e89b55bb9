"""The data dictionary: column descriptions stored per distribution and column name, written
by editors of the dataset's organisation only, kept across new loads, shown by the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from torget.accounts.permissions import ANONYMOUS, Actor, actor_for
from torget.accounts.users import get_user
from torget.datastore.dictionary import (
    ColumnDescription,
    descriptions,
    replace_descriptions,
)
from torget.datastore.load import load_local
from torget.db.engine import read, write
from torget.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from torget.settings import Settings

DEMO = Path(__file__).parents[2] / "torget" / "catalog" / "demo" / "files"
BUDGET = ["ar", "verksamhet", "typ", "kostnader_tkr", "intakter_tkr", "netto_tkr"]


@pytest.fixture
def budget(world: Any, settings: Settings, engine: sa.Engine) -> str:
    from tests.conftest import published_payload

    created = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    )
    assert created.status_code == 201, created.text
    dist_id = str(created.json()["distributions"][0]["id"])
    load_local(settings, engine, dist_id, DEMO / "budget.csv", "csv")
    return dist_id


def _actor(engine: sa.Engine, name: str) -> Actor:
    with read(engine) as conn:
        return actor_for(conn, get_user(conn, name))


def test_editor_describes_and_descriptions_survive_a_new_load(
    budget: str, engine: sa.Engine, settings: Settings, tmp_path: Path
) -> None:
    items = [
        ColumnDescription("ar", "Budgetår", "Budget year"),
        ColumnDescription("netto_tkr", "  Netto i tusen kronor\r\n", None),
        ColumnDescription("typ", "", ""),  # empty: no description
    ]
    with write(engine) as conn:
        replace_descriptions(conn, _actor(engine, "editor"), budget, items, BUDGET)
    with read(engine) as conn:
        found = descriptions(conn, budget)
    assert found == {
        "ar": ColumnDescription("ar", "Budgetår", "Budget year"),
        "netto_tkr": ColumnDescription("netto_tkr", "Netto i tusen kronor", None),
    }
    smaller = tmp_path / "budget.csv"
    smaller.write_text("ar,verksamhet,netto_tkr\n2027,Skola,-5\n", encoding="utf-8")
    load_local(settings, engine, budget, smaller, "csv")
    with read(engine) as conn:
        assert descriptions(conn, budget) == found


def test_replacing_removes_what_is_left_out(budget: str, engine: sa.Engine) -> None:
    editor = _actor(engine, "editor")
    with write(engine) as conn:
        replace_descriptions(conn, editor, budget, [ColumnDescription("ar", "År")], BUDGET)
        replace_descriptions(conn, editor, budget, [ColumnDescription("typ", "Typ")], BUDGET)
    with read(engine) as conn:
        assert list(descriptions(conn, budget)) == ["typ"]


@pytest.mark.parametrize(
    ("who", "error"),
    [("outsider", PermissionDenied), ("anonymous", NotAuthenticated)],
)
def test_only_editors_may_describe(
    budget: str, engine: sa.Engine, who: str, error: type[Exception]
) -> None:
    actor = ANONYMOUS if who == "anonymous" else _actor(engine, who)
    with pytest.raises(error), write(engine) as conn:
        replace_descriptions(conn, actor, budget, [ColumnDescription("ar", "År")], BUDGET)
    with read(engine) as conn:
        assert descriptions(conn, budget) == {}


def test_unknown_repeated_and_too_long_columns_are_named(budget: str, engine: sa.Engine) -> None:
    items = [
        ColumnDescription("nope", "x"),
        ColumnDescription("ar", "År"),
        ColumnDescription("ar", "År igen"),
        ColumnDescription("typ", None, "x" * 2001),
    ]
    with pytest.raises(ValidationFailed) as caught, write(engine) as conn:
        replace_descriptions(conn, _actor(engine, "editor"), budget, items, BUDGET)
    errors = {e.field: e.message for e in caught.value.errors}
    unknown = errors["columns.0.name"]
    assert "no column 'nope'" in unknown and "netto_tkr" in unknown
    assert "given twice" in errors["columns.2.name"]
    assert errors["columns.3.description.en"] == "at most 2000 characters (this one has 2001)"


def test_put_and_get_over_http(world: Any, budget: str) -> None:
    url = f"/api/datastore/{budget}/columns"
    body = {"columns": [{"name": "ar", "description": {"sv": "Budgetår", "en": "Year"}}]}
    assert world.client.put(url, json=body).status_code == 401
    refused = world.client.put(url, json=body, headers=world.auth("outsider"))
    assert refused.status_code == 403 and "editor role" in refused.json()["message"]
    saved = world.client.put(url, json=body, headers=world.auth("editor"))
    assert saved.status_code == 200, saved.text
    assert saved.json()["columns"][0] == {
        "name": "ar", "type": "BIGINT", "description": {"sv": "Budgetår", "en": "Year"}
    }  # fmt: skip
    assert world.client.get(url).json() == saved.json()
    table = world.client.get(f"/api/datastore/{budget}").json()
    assert table["columns"][0]["description"] == {"sv": "Budgetår", "en": "Year"}
    assert table["columns"][1] == {"name": "verksamhet", "type": "TEXT"}
    assert table["dictionary"].endswith(url)
    bad = world.client.put(url, json={"columns": [{"name": "x"}]}, headers=world.auth("editor"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "columns.0.name"
    extra = {"columns": [{"name": "ar", "note": "?"}]}
    assert world.client.put(url, json=extra, headers=world.auth("editor")).status_code == 422


def test_dictionary_is_in_openapi(world: Any) -> None:
    paths = world.client.get("/api/openapi.json").json()["paths"]
    assert {"get", "put"} <= set(paths["/api/datastore/{distribution_id}/columns"])


def test_deleting_the_distribution_forgets_its_dictionary(
    world: Any, budget: str, engine: sa.Engine
) -> None:
    with write(engine) as conn:
        replace_descriptions(
            conn, _actor(engine, "editor"), budget, [ColumnDescription("ar", "År")], BUDGET
        )
    dataset_id = world.client.get(f"/api/distributions/{budget}").json()["dataset_id"]
    withdrawn = world.client.patch(  # a published dataset keeps at least one distribution
        f"/api/datasets/{dataset_id}", json={"state": "draft"}, headers=world.auth("editor")
    )
    assert withdrawn.status_code == 200, withdrawn.text
    deleted = world.client.delete(f"/api/distributions/{budget}", headers=world.auth("editor"))
    assert deleted.status_code == 204, deleted.text
    with read(engine) as conn:
        assert descriptions(conn, budget) == {}


def test_download_limit(world: Any, budget: str) -> None:
    url = f"/api/datastore/{budget}/rows.json"
    assert len(world.client.get(url).json()) == 40
    assert len(world.client.get(url, params={"limit": "3", "sort": "-netto_tkr"}).json()) == 3


def test_ckan_fields_carry_the_dictionary(world: Any, budget: str) -> None:
    body = {"columns": [{"name": "netto_tkr", "description": {"sv": "Netto", "en": "Net"}}]}
    url = f"/api/datastore/{budget}/columns"
    assert world.client.put(url, json=body, headers=world.auth("editor")).status_code == 200
    info = world.client.get("/api/3/action/datastore_info", params={"id": budget}).json()
    fields = {f["id"]: f for f in info["result"]["fields"]}
    assert fields["netto_tkr"]["info"] == {
        "label": "", "notes": "Netto", "type_override": "",
        "notes_translated": {"sv": "Netto", "en": "Net"},
    }  # fmt: skip
    assert "info" not in fields["ar"]
    search = world.client.get(
        "/api/3/action/datastore_search", params={"resource_id": budget, "limit": "1"}
    ).json()["result"]
    assert [f.get("info", {}).get("notes") for f in search["fields"]][-1] == "Netto"
