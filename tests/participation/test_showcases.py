"""Showcases over the JSON API: a developer submits, it stays hidden until an editor of an
organisation owning a linked dataset approves it, then it is listed with the dataset; the
image is checked and served back; every bad field is named."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import sqlalchemy as sa

from tests.conftest import World
from tests.participation.helpers import (
    PNG,
    add_user,
    body,
    engaged_settings,  # noqa: F401  (the settings of this module)
    mails_to,
    published_dataset,
)
from torget.accounts.permissions import SYSTEM
from torget.catalog.organisations import set_member
from torget.db.engine import write
from torget.settings import Settings


def _submit(world: World, user: str | None, **changes: Any) -> httpx.Response:
    payload: dict[str, Any] = {
        "title": "Badkartan",
        "description": "En app som visar <b>badplatser</b> på en karta.",
        "url": "https://badkartan.example/",
        "kind": "app",
        "datasets": ["badplatser"],
        "image": base64.b64encode(PNG).decode(),
    }
    payload.update(changes)
    headers = world.auth(user) if user else {}
    return world.client.post("/api/showcases", json=payload, headers=headers)


def _listed(world: World, **params: str) -> list[str]:
    return [s["title"] for s in world.client.get("/api/showcases", params=params).json()["items"]]


def test_submitted_showcase_appears_after_approval(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    dataset = published_dataset(engine)
    assert _submit(world, None).status_code == 401
    made = _submit(world, "outsider")
    assert made.status_code == 201, made.text
    showcase = made.json()
    assert showcase["status"] == "pending"
    assert [d["id"] for d in showcase["datasets"]] == [dataset.id]
    assert _listed(world) == [] and _listed(world, dataset=dataset.id) == []
    path = f"/api/showcases/{showcase['id']}"
    assert world.client.get(path).status_code == 404  # not public yet
    assert world.client.get(path, headers=world.auth("outsider")).status_code == 200
    pending = world.client.get("/api/showcases", params={"status": "pending"},
                               headers=world.auth("editor")).json()  # fmt: skip
    assert [s["id"] for s in pending["items"]] == [showcase["id"]]

    add_user(engine, "neighbour")
    with write(engine) as conn:
        set_member(conn, SYSTEM, "grannby", "neighbour", "editor")
    world.tokens["neighbour"] = world.token("neighbour")
    approve = f"{path}/approve"
    assert world.client.post(approve, headers=world.auth("outsider")).status_code == 403
    assert world.client.post(approve, headers=world.auth("neighbour")).status_code == 403
    approved = world.client.post(approve, headers=world.auth("editor"))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    assert _listed(world) == ["Badkartan"]
    assert _listed(world, dataset=dataset.id) == ["Badkartan"]
    assert _listed(world, kind="article") == []
    public = world.client.get(path).json()
    assert public["image_url"] == f"http://testserver/showcases/{showcase['id']}/image"
    image = world.client.get(f"/showcases/{showcase['id']}/image")
    assert image.headers["content-type"] == "image/png" and image.content == PNG
    [mail] = mails_to(settings, "outsider@example.se")
    assert mail["Subject"] == "Ditt exempel Badkartan är publicerat"
    assert f"/showcases/{showcase['id']}" in body(mail)


def test_rejection_with_a_reason_is_mailed(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    published_dataset(engine)
    showcase = _submit(world, "outsider", image=None).json()
    reject = f"/api/showcases/{showcase['id']}/reject"
    empty = world.client.post(reject, json={"reason": " "}, headers=world.auth("editor"))
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "reason"
    done = world.client.post(reject, json={"reason": "Länken fungerar inte."},
                             headers=world.auth("editor"))  # fmt: skip
    assert done.json()["status"] == "rejected"
    assert _listed(world) == []
    [mail] = mails_to(settings, "outsider@example.se")
    assert "Länken fungerar inte." in body(mail)
    assert world.client.get(f"/showcases/{showcase['id']}/image").status_code == 404


def _field(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["field"] for e in response.json()["errors"]]


def test_bad_showcases_are_refused_naming_the_field(world: World, engine: sa.Engine) -> None:
    published_dataset(engine)
    draft = published_dataset(engine, state="draft", title={"sv": "Utkast"})
    assert _field(_submit(world, "outsider", url="javascript:alert(1)")) == ["url"]
    assert _field(_submit(world, "outsider", kind="game")) == ["kind"]
    assert _field(_submit(world, "outsider", datasets=[])) == ["datasets"]
    assert _field(_submit(world, "outsider", datasets=[draft.id])) == ["datasets.0"]
    long = _submit(world, "outsider", title="x" * 201)
    assert _field(long) == ["title"] and "200" in long.json()["errors"][0]["message"]
    gif = base64.b64encode(b"GIF89a" + b"\0" * 40).decode()
    assert _field(_submit(world, "outsider", image=gif)) == ["image"]
    assert _field(_submit(world, "outsider", image="not base64!")) == ["image"]
    huge = base64.b64encode(PNG + b"\0" * 2_000_000).decode()
    too_large = _submit(world, "outsider", image=huge)
    assert _field(too_large) == ["image"] and "2000000" in too_large.json()["errors"][0]["message"]
    unverified = "newcomer"
    add_user(engine, unverified, verified=False)
    world.tokens[unverified] = world.token(unverified)
    assert _submit(world, unverified).status_code == 403
