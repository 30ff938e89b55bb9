"""A second person's approval (four eyes) covers the dataset as it was approved: a change to
its description, its distributions or its data through any door makes the approval lapse,
the checklist names the change, and the dataset is not published until someone approves again.

Before, an editor could have a draft approved, then change it through the JSON API or CKAN's
`package_patch` (or load new data), and another editor could publish what nobody had seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import World
from tests.publishing.test_gates import _classify, _draft, _load, _state
from tests.publishing.test_one_rule import _codes
from torget.settings import Settings


def _approval(world: World, dataset_id: str) -> dict[str, Any]:
    found = world.client.get(f"/api/datasets/{dataset_id}/checklist", headers=world.auth("editor"))
    assert found.status_code == 200, found.text
    return next(i for i in found.json()["items"] if i["item"] == "approval")


def _approve(world: World, dataset_id: str, user: str) -> None:
    done = world.client.post(f"/api/datasets/{dataset_id}/approval", headers=world.auth(user))
    assert done.status_code == 200, done.text
    assert _approval(world, dataset_id)["state"] in ("passed", "failed")


def _ckan_patch(world: World, user: str, **changes: Any) -> Any:
    return world.client.post("/api/3/action/package_patch", json=changes, headers=world.auth(user))


def test_a_change_after_approval_makes_it_lapse_through_every_door(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    world.client.put(
        "/api/organisations/sjostad/publishing", json={"four_eyes": True},
        headers=world.auth("root"),
    ).raise_for_status()  # fmt: skip
    made = _draft(world)
    dataset_id, dist_id = made["id"], made["distributions"][0]["id"]
    _classify(world, dataset_id)
    url = f"/api/datasets/{dataset_id}"

    # The JSON API: the editor has it approved, then changes the title.
    _approve(world, dataset_id, "editor")
    patched = world.client.patch(
        url, json={"title": {"sv": "Badplatser 2027"}}, headers=world.auth("editor")
    )
    assert patched.status_code == 200, patched.text
    item = _approval(world, dataset_id)
    assert (item["state"], item["code"]) == ("failed", "approval_outdated"), item
    assert "title" in item["params"]["changes"]
    refused = world.client.patch(url, json={"state": "published"}, headers=world.auth("root"))
    assert refused.status_code == 422 and "approval_outdated" in _codes(refused.json())

    # CKAN's package_patch: approved again, the description changed, publication refused.
    _approve(world, dataset_id, "editor")
    assert _approval(world, dataset_id)["code"] == "approval_by_same_person"
    assert _ckan_patch(world, "editor", id=dataset_id, notes="Nya badplatser.").status_code == 200
    assert "description" in _approval(world, dataset_id)["params"]["changes"]
    ckan = _ckan_patch(world, "root", id=dataset_id, private=False)
    assert ckan.status_code == 409 and "approval_outdated" in ckan.text, ckan.text

    # New data in a distribution after the approval.
    _approve(world, dataset_id, "root")
    _load(settings, engine, tmp_path, dist_id, "plats,besökare\nStrandbadet,120\n")
    item = _approval(world, dataset_id)
    assert item["code"] == "approval_outdated" and "data of" in item["params"]["changes"], item
    assert _state(engine, dataset_id) == "draft"

    # Approved as it stands, it is published by the other person; publishing is no change.
    _approve(world, dataset_id, "root")
    done = _ckan_patch(world, "editor", id=dataset_id, private=False)
    assert done.status_code == 200, done.text
    assert _state(engine, dataset_id) == "published"
    # A published dataset is not held by its approval; the change is shown.
    edited = world.client.patch(
        url, json={"title": {"sv": "Badplatser i dag"}}, headers=world.auth("editor")
    )
    assert edited.status_code == 200, edited.text
    assert _approval(world, dataset_id)["state"] == "unchecked"
