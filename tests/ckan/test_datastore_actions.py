"""CKAN's DataStore actions with the real ckanapi client against a live Torget."""

from __future__ import annotations

import csv
import io
from typing import Any

import ckanapi
import httpx
import pytest

from tests.ckan.conftest import Live, package

FIELDS = [{"id": "namn", "type": "text"}, {"id": "kommun", "type": "text"},
          {"id": "antal", "type": "int"}]  # fmt: skip
RECORDS = [
    {"namn": "Norra stranden", "kommun": "Sjöstad", "antal": 7},
    {"namn": "Södra viken", "kommun": "Sjöstad", "antal": 3},
    {"namn": "Ekudden", "kommun": "Grannby", "antal": 12},
    {"namn": "Lilla sjön", "kommun": "Grannby", "antal": 5},
    {"namn": "Badhuset", "kommun": "Sjöstad", "antal": 20},
]


def _resource(live: Live, name: str = "badplatser") -> str:
    # JSON, not a page: a public package needs machine-readable data (issue 13 B).
    page = {"url": "https://data.sjostad.example/sida", "format": "JSON", "name": "Badplatser"}
    dataset = live.ckan("editor").action.package_create(**package(name=name, resources=[page]))
    return str(dataset["resources"][0]["id"])


@pytest.fixture
def resource(live: Live) -> str:
    rid = _resource(live)
    created = live.ckan("editor").action.datastore_create(
        resource_id=rid, fields=FIELDS, records=RECORDS, primary_key=["namn"]
    )
    assert created["resource_id"] == rid and created["primary_key"] == ["namn"]
    assert {f["id"]: f["type"] for f in created["fields"]} == {
        "_id": "int", "namn": "text", "kommun": "text", "antal": "int",
    }  # fmt: skip
    return rid


def test_search_filters_q_sort_fields_pages(live: Live, resource: str) -> None:
    ckan = live.ckan(None)
    found = ckan.action.datastore_search(resource_id=resource)
    assert found["total"] == 5 and found["limit"] == 100 and len(found["records"]) == 5
    assert found["records"][0] == {"_id": 1, **RECORDS[0]}
    assert [f["id"] for f in found["fields"]] == ["_id", "namn", "kommun", "antal"]
    sjostad = ckan.action.datastore_search(
        resource_id=resource, filters={"kommun": "Sjöstad"}, sort="antal desc"
    )
    assert [r["antal"] for r in sjostad["records"]] == [20, 7, 3] and sjostad["total"] == 3
    several = ckan.action.datastore_search(
        resource_id=resource, filters={"antal": [3, 5], "antal__gte": 4}, fields="namn"
    )
    assert several["records"] == [{"namn": "Lilla sjön"}]
    assert ckan.action.datastore_search(resource_id=resource, q="viken")["total"] == 1
    page = ckan.action.datastore_search(
        resource_id=resource, sort="namn", limit=2, offset=2, fields=["namn", "antal"]
    )
    assert page["offset"] == 2 and [r["namn"] for r in page["records"]] == [
        "Lilla sjön", "Norra stranden",
    ]  # fmt: skip
    after = httpx.get(live.base + page["_links"]["next"]).json()["result"]
    assert [r["namn"] for r in after["records"]] == ["Södra viken"]
    start = httpx.get(live.base + page["_links"]["start"]).json()["result"]
    assert [r["namn"] for r in start["records"]] == ["Badhuset", "Ekudden"]
    lists = ckan.action.datastore_search(
        resource_id=resource, records_format="lists", fields="namn,antal", limit=1,
        include_total=False,
    )  # fmt: skip
    assert lists["records"] == [["Norra stranden", 7]] and "total" not in lists
    text = ckan.action.datastore_search(resource_id=resource, records_format="csv", limit=2)
    assert list(csv.reader(io.StringIO(text["records"])))[1] == ["2", "Södra viken", "Sjöstad", "3"]
    assert ckan.action.datastore_search(resource_id=resource, limit=0)["records"] == []
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_search(resource_id=resource, sort="nope")


def test_info(live: Live, resource: str) -> None:
    info = live.ckan(None).action.datastore_info(id=resource)
    assert info["meta"]["count"] == 5 and info["meta"]["size"] > 0
    assert info["schema"]["antal"] == "int"
    assert [f["id"] for f in info["fields"]] == ["_id", "namn", "kommun", "antal"]


def test_upsert_insert_update_and_delete(live: Live, resource: str) -> None:
    ckan = live.ckan("editor")
    ckan.action.datastore_upsert(
        resource_id=resource, method="upsert", force=True,
        records=[{"namn": "Ekudden", "antal": 13}, {"namn": "Nya bryggan", "kommun": "Grannby",
                                                   "antal": 1}],
    )  # fmt: skip
    found = ckan.action.datastore_search(resource_id=resource, sort="_id")
    assert found["total"] == 6
    assert found["records"][2] == {"_id": 3, "namn": "Ekudden", "kommun": "Grannby", "antal": 13}
    assert found["records"][5]["namn"] == "Nya bryggan"
    ckan.action.datastore_upsert(
        resource_id=resource, method="insert", records=[{"namn": "Udden", "antal": 2}]
    )
    ckan.action.datastore_upsert(
        resource_id=resource, method="update", records=[{"namn": "Udden", "kommun": "Sjöstad"}]
    )
    udden = ckan.action.datastore_search(resource_id=resource, filters={"namn": "Udden"})
    assert udden["records"][0]["kommun"] == "Sjöstad" and udden["total"] == 1
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_upsert(
            resource_id=resource, method="update", records=[{"namn": "Ingen", "antal": 1}]
        )
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_upsert(resource_id=resource, records=[{"okänd": 1}])
    ckan.action.datastore_delete(resource_id=resource, filters={"kommun": "Grannby"})
    left = ckan.action.datastore_search(resource_id=resource, sort="namn")
    assert [r["namn"] for r in left["records"]] == [
        "Badhuset", "Norra stranden", "Södra viken", "Udden",
    ]  # fmt: skip
    ckan.action.datastore_delete(resource_id=resource)
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_search(resource_id=resource)


def test_search_sql_reads_and_refuses_writes(live: Live, resource: str) -> None:
    ckan = live.ckan(None)
    found = ckan.action.datastore_search_sql(
        sql=f'SELECT kommun, sum(antal) AS n FROM "{resource}" GROUP BY kommun ORDER BY kommun'
    )
    assert found["records"] == [{"kommun": "Grannby", "n": 17}, {"kommun": "Sjöstad", "n": 30}]
    assert [f["id"] for f in found["fields"]] == ["kommun", "n"]
    for sql in (f'DELETE FROM "{resource}"', f'DROP TABLE "{resource}"', "SELECT 1; SELECT 2",
                "SELECT * FROM read_csv('/etc/passwd')", 'SELECT * FROM "okänd"'):  # fmt: skip
        with pytest.raises(ckanapi.ValidationError):
            live.ckan("editor").action.datastore_search_sql(sql=sql)


def test_dump_over_http(live: Live, resource: str) -> None:
    response = httpx.get(f"{live.base}/datastore/dump/{resource}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 5 and rows[0]["namn"] == "Norra stranden" and rows[0]["_id"] == "1"
    params: dict[str, Any] = {"format": "json", "filters": '{"kommun": "Grannby"}',
                              "fields": "namn", "sort": "namn desc"}  # fmt: skip
    dumped = httpx.get(f"{live.base}/datastore/dump/{resource}", params=params).json()
    assert dumped == [{"namn": "Lilla sjön"}, {"namn": "Ekudden"}]
    assert httpx.get(f"{live.base}/datastore/dump/okänd").status_code == 404


def test_writes_need_an_editor_and_unknown_resources_are_404(live: Live, resource: str) -> None:
    for user in ("outsider", None):
        with pytest.raises(ckanapi.NotAuthorized):
            live.ckan(user).action.datastore_create(resource_id=resource, records=RECORDS)
        with pytest.raises(ckanapi.NotAuthorized):
            live.ckan(user).action.datastore_upsert(
                resource_id=resource, method="insert", records=[{"namn": "x"}]
            )
        with pytest.raises(ckanapi.NotAuthorized):
            live.ckan(user).action.datastore_delete(resource_id=resource)
    assert live.ckan("root").action.datastore_search(resource_id=resource)["total"] == 5
    with pytest.raises(ckanapi.NotFound):
        live.ckan(None).action.datastore_search(resource_id="okänd")
    with pytest.raises(ckanapi.NotFound):
        live.ckan(None).action.datastore_info(id="okänd")
    with pytest.raises(ckanapi.NotFound):
        live.ckan("editor").action.datastore_create(resource_id="okänd", records=RECORDS)
    without = _resource(live, "utan-tabell")
    with pytest.raises(ckanapi.NotFound):
        live.ckan(None).action.datastore_search(resource_id=without)


def test_create_with_fields_only(live: Live) -> None:
    rid = _resource(live)
    ckan = live.ckan("editor")
    ckan.action.datastore_create(resource_id=rid, fields=FIELDS)
    found = ckan.action.datastore_search(resource_id=rid)
    assert found["total"] == 0
    assert [f["id"] for f in found["fields"]] == ["_id", "namn", "kommun", "antal"]
    ckan.action.datastore_upsert(resource_id=rid, method="insert", records=RECORDS[:1])
    assert ckan.action.datastore_search(resource_id=rid)["records"][0]["namn"] == "Norra stranden"


def test_datastore_active_where_a_table_exists(live: Live) -> None:
    rid = _resource(live)
    ckan = live.ckan("editor")
    shown = ckan.action.resource_show(id=rid)
    assert shown["datastore_active"] is False
    ckan.action.datastore_create(resource_id=rid, fields=FIELDS, records=RECORDS)
    assert ckan.action.resource_show(id=rid)["datastore_active"] is True
    package = ckan.action.package_show(id=shown["package_id"])
    assert [r["datastore_active"] for r in package["resources"]] == [True]
    ckan.action.datastore_delete(resource_id=rid)
    assert ckan.action.resource_show(id=rid)["datastore_active"] is False


def test_a_field_without_id_is_a_validation_error_naming_it(live: Live) -> None:
    rid = _resource(live)
    ckan = live.ckan("editor")
    with pytest.raises(ckanapi.ValidationError) as refused:
        ckan.action.datastore_create(resource_id=rid, fields=[{"id": "namn"}, {"type": "int"}])
    assert "field 1" in refused.value.error_dict["fields"][0]
    with pytest.raises(ckanapi.ValidationError) as unknown:
        ckan.action.datastore_create(resource_id=rid, fields=[{"id": "namn", "type": "money"}])
    assert "money" in unknown.value.error_dict["fields"][0]


def test_a_record_that_does_not_fit_names_its_field(live: Live, resource: str) -> None:
    ckan = live.ckan("editor")
    with pytest.raises(ckanapi.ValidationError) as refused:
        ckan.action.datastore_upsert(
            resource_id=resource, method="insert", records=[{"namn": "Ny", "antal": "många"}]
        )
    assert "'antal'" in refused.value.error_dict["records"][0]
    assert ckan.action.datastore_search(resource_id=resource)["total"] == 5
