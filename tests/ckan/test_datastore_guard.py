"""CKAN's DataStore writes meet the personal-data guard (issue 13 B) like every load: rows with
personal identity numbers nobody signed off are refused in a published dataset's table (409,
with the findings, masked), and recorded on a draft's checklist.

Before, `datastore_create` and `datastore_upsert` wrote such rows into a published table, and
the public could read them through `datastore_search` at once.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import World, published_payload
from tests.publishing.test_gates import _draft

FIELDS = [{"id": "namn", "type": "text"}, {"id": "personnummer", "type": "text"}]
CLEAN = [{"namn": "Strandbadet", "personnummer": None}, {"namn": "Sjöbadet", "personnummer": None}]
PEOPLE = [
    {"namn": "Anna", "personnummer": "19811218-9876"},
    {"namn": "Bo", "personnummer": "811218-9876"},
    {"namn": "Cilla", "personnummer": "19900101-0017"},
]


def _action(world: World, name: str, **params: Any) -> Any:
    return world.client.post(f"/api/3/action/{name}", json=params, headers=world.auth("editor"))


def _total(world: World, rid: str) -> int:
    found = world.client.post("/api/3/action/datastore_search", json={"resource_id": rid})
    assert found.status_code == 200, found.text
    return int(found.json()["result"]["total"])


def test_a_published_table_refuses_unsigned_identity_numbers(world: World) -> None:
    made = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    )
    assert made.status_code == 201, made.text
    rid = made.json()["distributions"][0]["id"]
    created = _action(world, "datastore_create", resource_id=rid, fields=FIELDS, records=CLEAN,
                      primary_key=["namn"])  # fmt: skip
    assert created.status_code == 200, created.text

    for action in ("datastore_upsert", "datastore_create"):
        refused = _action(world, action, resource_id=rid, records=PEOPLE, fields=FIELDS)
        assert refused.status_code == 409, refused.text
        assert "personal_data_unsigned" in refused.json()["error"]["__codes"]["records"]
        assert "personnummer" in refused.text and "1981****" in refused.text
        assert "9876" not in refused.text  # the findings are masked
        assert _total(world, rid) == 2  # the published table stays as it was

    signed = world.client.post(
        f"/api/distributions/{rid}/personal-data-signoff",
        json={"justification": "The staff register is public by law."},
        headers=world.auth("root"),
    )
    assert signed.status_code == 200, signed.text
    after = _action(world, "datastore_upsert", resource_id=rid, records=PEOPLE)
    assert after.status_code == 200, after.text
    assert _total(world, rid) == 5


def test_a_drafts_table_is_scanned_and_shown_on_its_checklist(world: World) -> None:
    made = _draft(world)
    rid = made["distributions"][0]["id"]
    created = _action(world, "datastore_create", resource_id=rid, fields=FIELDS, records=PEOPLE)
    assert created.status_code == 200, created.text
    found = world.client.get(f"/api/datasets/{made['id']}/checklist", headers=world.auth("editor"))
    item = next(i for i in found.json()["items"] if i["item"] == "personal_data")
    assert (item["state"], item["code"]) == ("failed", "personal_data_unsigned"), item
    assert item["params"]["columns"] == "personnummer"
