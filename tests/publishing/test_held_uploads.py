"""A new file for a published distribution is not public before the personal-data guard has
cleared it (issue 13 B): anyone gets 404 for it while its load waits or after the guard refused
it, its editors can read it, and the file it replaces stays downloadable meanwhile, so the
public never sees what was not scanned. An admin's sign-off loads it again, and then it is
served and the old file goes.

Before, a file uploaded with CKAN's `resource_update` to a published dataset could be fetched
from /files/ by anyone at once, personal identity numbers and all.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.conftest import World, client_site, published_payload
from tests.publishing.test_gates import PEOPLE, PLACES
from torget.datastore.load import run_job
from torget.datastore.queue import sweep_now
from torget.site import Site


def _run_loads(site: Site) -> None:
    for job_id in sweep_now(site.settings, site.engine):
        run_job(site.settings, site.engine, job_id, site.files)


def _upload(world: World, action: str, text: str, **params: Any) -> dict[str, Any]:
    done = world.client.post(
        f"/api/3/action/{action}",
        data={"format": "CSV", "license": "CC0-1.0", **params},
        files={"upload": ("data.csv", text.encode())},
        headers=world.auth("editor"),
    )
    assert done.status_code == 200, done.text
    return dict(done.json()["result"])


def _get(world: World, url: str, user: str | None = None) -> Any:
    return world.client.get(url, headers=world.auth(user) if user else {})


def test_a_replaced_upload_is_public_only_once_the_guard_cleared_it(
    world: World, engine: sa.Engine
) -> None:
    site = client_site(world.client)
    made = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    )
    assert made.status_code == 201, made.text
    dataset_id = made.json()["id"]
    first = _upload(world, "resource_create", PLACES, package_id=dataset_id, name="Badplatser")
    _run_loads(site)
    assert _get(world, first["url"]).content == PLACES.encode()

    # A replacement with personal identity numbers: held while it waits, and once refused.
    second = _upload(world, "resource_update", PEOPLE, id=first["id"], name="Badplatser")
    assert second["url"] != first["url"]
    assert _get(world, second["url"]).status_code == 404
    assert _get(world, second["url"], "editor").status_code == 200  # its editors may check it
    assert _get(world, first["url"]).content == PLACES.encode()  # the old one stays served
    _run_loads(site)
    assert _get(world, second["url"]).status_code == 404
    assert _get(world, first["url"]).content == PLACES.encode()
    search = world.client.post("/api/3/action/datastore_search", json={"resource_id": first["id"]})
    assert "19811218" not in search.text and "Strandbadet" in search.text

    # An admin signs the findings off: the file is loaded again, then served; the old one goes.
    signed = world.client.post(
        f"/api/distributions/{first['id']}/personal-data-signoff",
        json={"justification": "The register of lifeguards is public by law."},
        headers=world.auth("root"),
    )
    assert signed.status_code == 200, signed.text
    assert _get(world, second["url"]).status_code == 404
    _run_loads(site)
    assert _get(world, second["url"]).content == PEOPLE.encode()
    assert _get(world, first["url"]).status_code == 404
