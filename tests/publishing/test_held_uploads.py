"""A new file for a published distribution is not public before the personal-data guard has
cleared it (issue 13 B): anyone gets 404 for it while its load waits or after the guard refused
it, its editors can read it, and the file it replaces stays downloadable meanwhile, so the
public never sees what was not scanned. An admin's sign-off loads it again, and then it is
served and the old file goes.

Before, a file uploaded with CKAN's `resource_update` to a published dataset could be fetched
from /files/ by anyone at once, personal identity numbers and all.
"""

from __future__ import annotations

import re
import time
from typing import Any

import sqlalchemy as sa

from tests.conftest import World, client_site, published_payload
from tests.publishing.test_gates import HTML, PEOPLE, PLACES
from tests.publishing.test_one_rule import _log_in
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
    _everywhere_points_at(world, dataset_id, first["id"], first["url"], second["url"])
    assert second["url"] in _get(world, f"/api/datasets/{dataset_id}", "editor").text
    _run_loads(site)
    assert _get(world, second["url"]).status_code == 404
    assert _get(world, first["url"]).content == PLACES.encode()
    _everywhere_points_at(world, dataset_id, first["id"], first["url"], second["url"])
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
    _everywhere_points_at(world, dataset_id, first["id"], second["url"], first["url"])


def _feed_following(world: World, url: str, not_url: str) -> str:
    """The Turtle feed once it links to `url` and not to `not_url`, or after 60 s as it is: a
    change shows in the feed within the pace of its builds (`torget/dcat/feed_builds.py`),
    and until then a fetch gets the feed built before."""
    deadline = time.monotonic() + 60
    while (text := _get(world, "/catalog.ttl").text) and time.monotonic() < deadline:
        if url in text and not_url not in text:
            break
        time.sleep(0.05)
    return text


def _everywhere_points_at(
    world: World, dataset_id: str, dist_id: str, url: str, not_url: str
) -> None:
    """The public's every view of the distribution links to `url`, never to `not_url`."""
    surfaces = {
        "JSON API": _get(world, f"/api/datasets/{dataset_id}").text,
        "JSON API distribution": _get(world, f"/api/distributions/{dist_id}").text,
        "CKAN package_show": _get(world, f"/api/3/action/package_show?id={dataset_id}").text,
        "CKAN resource_show": _get(world, f"/api/3/action/resource_show?id={dist_id}").text,
        "CKAN package_search": _get(world, "/api/3/action/package_search?q=Badplatser").text,
        "dataset page": world.client.get(f"/dataset/{dataset_id}", headers=HTML).text,
        "dataset as Turtle": _get(world, f"/dataset/{dataset_id}.ttl").text,
        "DCAT feed": _feed_following(world, url, not_url),
    }
    for surface, text in surfaces.items():
        assert url in text and not_url not in text, surface


# --- The first file of a distribution is held until its scan too ------------------------------
# Before, the first own file of a distribution of a published dataset (a new distribution, or
# one that linked only to another site's file) was public from its upload until its scan: only
# a refusal held it, so the public could fetch personal data in the window before.


def _published(world: World) -> str:
    made = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _own_url(world: World, dataset_id: str, title: str) -> str:
    record = _get(world, f"/api/datasets/{dataset_id}", "editor").json()
    dist = next(d for d in record["distributions"] if d["title"]["sv"] == title)
    return str(dist["download_url"]).removeprefix("http://testserver")


def _held_until_scanned(world: World, url: str, content: bytes) -> None:
    assert _get(world, url).status_code == 404
    assert _get(world, url, "outsider").status_code == 404
    assert _get(world, url, "editor").content == content  # its editors may check it
    _run_loads(client_site(world.client))
    assert _get(world, url).content == content


def test_a_new_distribution_uploaded_with_ckan_is_held_until_scanned(world: World) -> None:
    dataset_id = _published(world)
    made = _upload(world, "resource_create", PLACES, package_id=dataset_id, name="Badplatser 2")
    _held_until_scanned(world, made["url"].removeprefix("http://testserver"), PLACES.encode())


def test_the_first_file_of_a_distribution_uploaded_with_the_api_is_held_until_scanned(
    world: World,
) -> None:
    dataset_id = _published(world)
    record = _get(world, f"/api/datasets/{dataset_id}", "editor").json()
    dist_id = record["distributions"][0]["id"]  # it links to another site's file
    done = world.client.post(
        f"/api/distributions/{dist_id}/file",
        files={"file": ("badplatser.csv", PLACES.encode(), "text/csv")},
        headers=world.auth("editor"),
    )
    assert done.status_code == 200, done.text
    url = str(done.json()["download_url"]).removeprefix("http://testserver")
    _held_until_scanned(world, url, PLACES.encode())


def test_a_file_uploaded_on_the_page_is_held_until_scanned(world: World) -> None:
    dataset_id = _published(world)
    _log_in(world, "editor")
    path = f"/publish/dataset/{dataset_id}/upload"
    token = re.search(r'name="csrf_token" value="([^"]+)"', world.client.get(path).text)
    assert token
    done = world.client.post(
        path,
        data={"csrf_token": token.group(1), "title.sv": "Badplatser i tabell", "format": "",
              "license": "http://creativecommons.org/publicdomain/zero/1.0/"},
        files={"file": ("badplatser.csv", PLACES.encode(), "text/csv")},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303, done.text
    world.client.cookies.clear()  # the public from here on
    url = _own_url(world, dataset_id, "Badplatser i tabell")
    _held_until_scanned(world, url, PLACES.encode())


def test_a_file_that_is_not_scanned_is_not_held_and_one_that_cannot_be_read_stays_held(
    world: World,
) -> None:
    """The guard's rule: only tabular files are scanned (the checklist asks no scan of a PDF),
    and a tabular file that cannot be read cannot be scanned (`personal_data_unreadable`)."""
    dataset_id = _published(world)
    pdf = _file(world, dataset_id, "PDF", ("karta.pdf", b"%PDF-1.4 a map"))
    broken = _file(world, dataset_id, "XLSX", ("trasig.xlsx", b"no spreadsheet"))  # load fails
    assert _get(world, pdf).content == b"%PDF-1.4 a map"
    _run_loads(client_site(world.client))
    assert _get(world, pdf).content == b"%PDF-1.4 a map"
    assert _get(world, broken).status_code == 404
    assert _get(world, broken, "editor").content == b"no spreadsheet"


def _file(world: World, dataset_id: str, fmt: str, upload: tuple[str, bytes]) -> str:
    done = world.client.post(
        "/api/3/action/resource_create",
        data={"package_id": dataset_id, "name": upload[0], "format": fmt, "license": "CC0-1.0"},
        files={"upload": upload},
        headers=world.auth("editor"),
    )
    assert done.status_code == 200, done.text
    return str(done.json()["result"]["url"]).removeprefix("http://testserver")
