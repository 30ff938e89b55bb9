"""The publishing checklist page: the items in the page's language, the classification form
with its errors by code, and an admin's sign-off of personal data, all without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import World, dataset_payload
from tests.publishing.test_gates import PEOPLE, _load, _log_in
from torget.settings import Settings

HTML = {"Accept": "text/html"}


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_an_editor_classifies_and_sees_who_settled_it(world: World) -> None:
    made = world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    dataset_id = made.json()["id"]
    _log_in(world, "editor")
    url = f"/publish/dataset/{dataset_id}/checklist"
    page = world.client.get(url + "?lang=sv", headers=HTML)
    assert page.status_code == 200
    assert "Informationsklassning" in page.text and "Inte klar att publicera" in page.text
    bad = world.client.post(
        f"/publish/dataset/{dataset_id}/classification",
        data={"csrf_token": _csrf(page.text), "classification.confidentiality": "",
              "classification.integrity": "1", "classification.availability": "1",
              "classification.reason": ""},
        headers=HTML, follow_redirects=False,
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Ange skälet till klassningen." in bad.text
    good = world.client.post(
        f"/publish/dataset/{dataset_id}/classification",
        data={"csrf_token": _csrf(page.text), "classification.confidentiality": "0",
              "classification.integrity": "1", "classification.availability": "1",
              "classification.reason": "Offentliga platser."},
        headers=HTML, follow_redirects=False,
    )  # fmt: skip
    assert good.status_code == 303
    after = world.client.get(url + "?lang=en", headers=HTML).text
    assert "Ready to publish" in after and "editor" in after


def test_an_admin_signs_off_on_the_page(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    made = world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    dataset_id, dist_id = made.json()["id"], made.json()["distributions"][0]["id"]
    _load(settings, engine, tmp_path, dist_id, PEOPLE)
    _log_in(world, "editor")
    url = f"/publish/dataset/{dataset_id}/checklist?lang=en"
    page = world.client.get(url, headers=HTML).text
    assert "personnummer" in page and "Personal identity numbers" in page
    assert "9876" not in page
    assert f"/publish/distribution/{dist_id}/signoff" not in page  # editors may not
    _log_in(world, "root")
    page = world.client.get(url, headers=HTML).text
    signed = world.client.post(
        f"/publish/distribution/{dist_id}/signoff",
        data={"csrf_token": _csrf(page), "justification": "Public by law."},
        headers=HTML, follow_redirects=False,
    )  # fmt: skip
    assert signed.status_code == 303, signed.text
    assert "Signed off by root: Public by law." in world.client.get(url, headers=HTML).text
