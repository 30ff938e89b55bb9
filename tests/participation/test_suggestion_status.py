"""A suggestion's statuses over the JSON API: only editors of its organisation (or above it)
move it, along the allowed transitions, declining with a public reason and publishing with a
published dataset; every move is in its history; the author, the voters and the followers are
each mailed once, in their language; an erased account leaves a neutral history."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.conftest import World, client_site
from tests.participation.helpers import body, mails_to, outbox, published_dataset
from tests.participation.suggestion_helpers import (
    add_token_user,
    made,
    move,
    suggestion_settings,  # noqa: F401  (the settings of this module)
    vote,
)
from torget.accounts.permissions import SYSTEM
from torget.catalog.organisations import set_member
from torget.db.engine import read, write
from torget.db.schema import suggestions
from torget.participation.letters import N_, translator
from torget.settings import Settings


def _read(world: World, suggestion_id: str, user: str | None = None) -> dict[str, Any]:
    headers = world.auth(user) if user else {}
    found: dict[str, Any] = world.client.get(
        f"/api/suggestions/{suggestion_id}", headers=headers
    ).json()
    return found


def test_only_editors_of_the_organisation_or_above_move_it(world: World) -> None:
    add_token_user(world, "neighbour")
    with write(client_site(world.client).engine) as conn:
        set_member(conn, SYSTEM, "grannby", "neighbour", "editor")
    suggestion = made(world, organisation="trafik")
    path = f"/api/suggestions/{suggestion['id']}/status"
    assert world.client.post(path, json={"status": "under_review"}).status_code == 401
    assert move(world, "outsider", suggestion["id"], "under_review").status_code == 403
    assert move(world, "neighbour", suggestion["id"], "under_review").status_code == 403
    assert _read(world, suggestion["id"])["status"] == "new"
    # The editor is an editor of sjostad, the department's parent: roles are inherited down.
    moved = move(world, "editor", suggestion["id"], "under_review")
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "under_review"
    assert moved.json()["next_statuses"] == ["planned", "published", "declined"]
    assert _read(world, suggestion["id"], "outsider")["next_statuses"] == []


def test_transitions_reasons_datasets_and_history(world: World, engine: sa.Engine) -> None:
    draft = published_dataset(engine, name="utkast", state="draft")
    dataset = published_dataset(engine)
    sid = made(world)["id"]

    no_reason = move(world, "editor", sid, "declined", reason="  ")
    assert no_reason.status_code == 422
    assert [e["field"] for e in no_reason.json()["errors"]] == ["status_reason"]
    too_long = move(world, "editor", sid, "declined", reason="x" * 1001)
    assert "at most 1000" in too_long.json()["errors"][0]["message"]
    declined = move(world, "editor", sid, "declined", reason="Finns redan hos <b>SCB</b>.")
    assert declined.status_code == 200
    answered_at = declined.json()["answered_at"]
    assert answered_at is not None
    assert declined.json()["status_reason"] == "Finns redan hos <b>SCB</b>."
    assert move(world, "editor", sid, "planned").status_code == 409  # reopen first

    assert move(world, "editor", sid, "under_review", reason="Vi tittar igen.").status_code == 200
    assert move(world, "editor", sid, "planned", reason="Hösten 2025").status_code == 200
    unlinked = move(world, "editor", sid, "published")
    assert [e["field"] for e in unlinked.json()["errors"]] == ["dataset"]
    assert move(world, "editor", sid, "published", dataset=draft.name).status_code == 422
    assert move(world, "editor", sid, "published", dataset="nope").status_code == 422
    published = move(world, "editor", sid, "published", dataset=dataset.name)
    assert published.status_code == 200, published.text
    done = published.json()
    assert done["dataset"]["id"] == dataset.id
    assert done["dataset"]["url"] == "http://testserver/dataset/badplatser"
    assert done["answered_at"] == answered_at  # the first answer counts
    assert done["next_statuses"] == []
    assert move(world, "editor", sid, "declined", reason="Nej").status_code == 409
    assert move(world, "editor", sid, "lost").status_code == 422

    assert [(h["from_status"], h["to_status"], h["reason"], h["by"]) for h in done["history"]] == [
        (None, "new", None, "outsider"),
        ("new", "declined", "Finns redan hos <b>SCB</b>.", "editor"),
        ("declined", "under_review", "Vi tittar igen.", "editor"),
        ("under_review", "planned", "Hösten 2025", "editor"),
        ("planned", "published", None, "editor"),
    ]
    assert done["history"][-1]["dataset_id"] == dataset.id
    with read(engine) as conn:
        row = conn.execute(sa.select(suggestions.c.dataset_id, suggestions.c.status)).one()
    assert tuple(row) == (dataset.id, "published")


def _subjects(settings: Settings, user: str) -> list[str]:
    return [str(m["Subject"]) for m in mails_to(settings, f"{user}@example.se")]


def test_author_voters_and_followers_are_each_mailed_once(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    dataset = published_dataset(engine)
    for name, language in (("anna", "en"), ("bo", "sv"), ("fan", "en"), ("watcher", "en")):
        add_token_user(world, name, language=language)
    sid = made(world, "anna", title="Cykelställ")["id"]
    for voter in ("anna", "bo", "fan"):
        assert vote(world, voter, sid).status_code == 200
    for follower in ("fan", "watcher"):
        followed = world.client.post(
            "/api/follows",
            headers=world.auth(follower),
            json={"subject_type": "suggestion", "subject": sid},
        )
        assert followed.status_code == 201  # fmt: skip

    assert move(world, "editor", sid, "planned", reason="Till hösten.").status_code == 200
    planned = "The suggestion Cykelställ is now planned"
    assert _subjects(settings, "anna") == [planned]  # the author
    [author_mail] = mails_to(settings, "anna@example.se")
    assert "Your suggestion Cykelställ is now planned." in body(author_mail)
    assert "Till hösten." in body(author_mail)
    assert _subjects(settings, "bo") == []  # a voter hears only of the publication
    assert _subjects(settings, "fan") == [planned] and _subjects(settings, "watcher") == [planned]

    before = len(outbox(settings))
    assert move(world, "editor", sid, "published", dataset=dataset.name).status_code == 200
    published = "Published: the data you asked for in Cykelställ"
    assert _subjects(settings, "anna") == [planned, published]
    assert _subjects(settings, "fan") == [planned, published]  # follower and voter: one mail
    assert _subjects(settings, "watcher") == [planned, "The suggestion Cykelställ is now published"]
    assert len(outbox(settings)) == before + 4  # anna, bo, fan, watcher
    [mail] = mails_to(settings, "anna@example.se")[1:]
    assert "Bathing sites" in body(mail) and "http://testserver/dataset/badplatser" in body(mail)
    assert f"http://testserver/suggestions/{sid}" in body(mail)
    # bo reads Swedish: the subject comes from the sv catalogue.
    msgid = N_("Published: the data you asked for in %(title)s")
    swedish = translator("sv").gettext(msgid)
    assert swedish != msgid, "the published letter is not translated into Swedish"
    [bo_mail] = mails_to(settings, "bo@example.se")
    assert bo_mail["Subject"] == swedish % {"title": "Cykelställ"}
    assert "Badplatser" in body(bo_mail)


def test_an_erased_account_leaves_a_neutral_history(world: World, engine: sa.Engine) -> None:
    add_token_user(world, "anna")
    sid = made(world, "anna")["id"]
    assert vote(world, "anna", sid).status_code == 200
    assert vote(world, "outsider", sid).status_code == 200
    assert move(world, "editor", sid, "under_review").status_code == 200
    deleted = world.client.request(
        "DELETE", "/api/me", json={"password": "secret-password"}, headers=world.auth("anna")
    )
    assert deleted.status_code == 204
    found = _read(world, sid)
    assert found["author"] is None and found["votes"] == 2  # the demand stays
    assert [(h["to_status"], h["by"]) for h in found["history"]] == [
        ("new", None),
        ("under_review", "editor"),
    ]
    listed = world.client.get("/api/suggestions").json()["items"]
    assert [(s["id"], s["author"]) for s in listed] == [(sid, None)]
    feed = world.client.get("/suggestions.atom")
    assert feed.status_code == 200 and "anna" not in feed.text
