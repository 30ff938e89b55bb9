"""One rule, every door: each way of changing the catalogue refuses the same invalid change
with the same code, because each calls the same use-case function (`publishing/changes.py`).

Before, `DELETE /api/distributions/{id}` skipped the re-check that the page's delete and
CKAN's `resource_delete` made, and none of them refused removing a published dataset's last
distribution.
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import sqlalchemy as sa

from tests.conftest import World, published_payload
from torget.db.engine import read
from torget.db.schema import distributions

CODE = "published_without_distribution"
HTML = {"Accept": "text/html"}


def _published_with_one_distribution(world: World) -> tuple[str, str]:
    created = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    )
    assert created.status_code == 201, created.text
    body = created.json()
    return str(body["id"]), str(body["distributions"][0]["id"])


def _still_there(engine: sa.Engine, dist_id: str) -> bool:
    with read(engine) as conn:
        found = conn.execute(sa.select(distributions.c.id).where(distributions.c.id == dist_id))
        return found.first() is not None


def _codes(body: Any) -> set[str]:
    """Every `code` anywhere in a JSON answer (the JSON API's and CKAN's shapes differ)."""
    if isinstance(body, dict):
        found = {str(body["code"])} if "code" in body else set()
        return found.union(*(_codes(v) for v in body.values()))
    if isinstance(body, list):
        return set().union(*(_codes(v) for v in body))
    return set()


def _log_in(world: World, user: str) -> None:
    page = world.client.get("/login", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    done = world.client.post(
        "/login",
        data={"csrf_token": token.group(1), "username": user, "password": "secret-password",
              "next": "/publish"},
        headers=HTML, follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303, done.text


def test_no_door_deletes_the_last_distribution_of_a_published_dataset(
    world: World, engine: sa.Engine
) -> None:
    dataset_id, dist_id = _published_with_one_distribution(world)

    api = world.client.delete(f"/api/distributions/{dist_id}", headers=world.auth("editor"))
    assert api.status_code == 422, api.text
    assert CODE in _codes(api.json())

    ckan = world.client.post(
        "/api/3/action/resource_delete", json={"id": dist_id}, headers=world.auth("editor")
    )
    assert ckan.status_code == 409, ckan.text
    assert ckan.json()["success"] is False
    assert CODE in ckan.text

    _log_in(world, "editor")
    page = world.client.get(f"/publish/dataset/{dataset_id}", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = world.client.post(
        f"/publish/distribution/{dist_id}/delete",
        data={"csrf_token": token.group(1)}, headers=HTML, follow_redirects=False,
    )  # fmt: skip
    assert form.status_code == 422, form.text

    assert _still_there(engine, dist_id)
    # Withdrawn first, the dataset may lose its last distribution through any door.
    withdrawn = world.client.patch(
        f"/api/datasets/{dataset_id}", json={"state": "draft"}, headers=world.auth("editor")
    )
    assert withdrawn.status_code == 200, withdrawn.text
    gone = world.client.delete(f"/api/distributions/{dist_id}", headers=world.auth("editor"))
    assert gone.status_code == 204, gone.text


def test_the_command_line_and_the_apis_refuse_the_same_organisation_alike(
    world: World, database_url: str, tmp_path: Any
) -> None:
    """A top-level organisation without a publisher type (mandatory in DCAT-AP-SE 3.0.1)."""
    refused_code = "publisher_type_required"
    api = world.client.post(
        "/api/organisations",
        json={"name": "nyby", "title": {"sv": "Nyby kommun"}},
        headers=world.auth("root"),
    )
    assert api.status_code == 422, api.text
    assert refused_code in _codes(api.json())
    ckan = world.client.post(
        "/api/3/action/organization_create",
        json={"name": "nyby", "title": "Nyby kommun"},
        headers=world.auth("root"),
    )
    assert ckan.status_code == 409, ckan.text
    assert refused_code in ckan.text
    cli = subprocess.run(
        [sys.executable, "-m", "torget.cli", "org", "create", "nyby", "--title", "Nyby kommun"],
        env={"TORGET_DATABASE_URL": database_url, "TORGET_DATA_DIR": str(tmp_path / "cli"),
             "TORGET_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert cli.returncode == 1
    assert f"[{refused_code}]" in cli.stderr, cli.stderr
