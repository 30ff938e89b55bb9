"""Following over the JSON API, and the e-mails it brings, each in the follower's language:
published, updated (at most once an hour), published by a followed organisation, a
suggestion's new status and a publisher's answer."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import CLASSIFIED, World, client_site
from tests.participation.helpers import (
    add_user,
    body,
    engaged_settings,  # noqa: F401  (the settings of this module)
    mails_to,
    published_dataset,
)
from torget.clock import now
from torget.db.engine import write
from torget.db.schema import follows, suggestions
from torget.events import SuggestionStatusChanged, publish
from torget.settings import Settings

SUGGESTION = "5b1e3c1e-0000-4000-8000-0000000000f1"


def _follow(world: World, user: str, kind: str, subject: str) -> None:
    response = world.client.post(
        "/api/follows", json={"subject_type": kind, "subject": subject}, headers=world.auth(user)
    )
    assert response.status_code == 201, response.text


def _patch(world: World, dataset_id: str, changes: dict[str, str]) -> None:
    response = world.client.patch(
        f"/api/datasets/{dataset_id}", json=changes, headers=world.auth("editor")
    )
    assert response.status_code == 200, response.text


def _fans(world: World, engine: sa.Engine) -> None:
    add_user(engine, "fan", language="en")
    world.tokens["fan"] = world.token("fan")


def test_follow_list_and_unfollow(world: World, engine: sa.Engine) -> None:
    dataset = published_dataset(engine)
    assert (
        world.client.post(
            "/api/follows", json={"subject_type": "dataset", "subject": dataset.name}
        ).status_code
        == 401
    )
    _follow(world, "outsider", "dataset", dataset.name)
    _follow(world, "outsider", "dataset", dataset.id)  # twice is once
    _follow(world, "outsider", "organisation", "sjostad")
    listed = world.client.get("/api/follows", headers=world.auth("outsider")).json()
    assert [(f["subject_type"], f["subject_id"]) for f in listed["items"]] == [
        ("organisation", listed["items"][0]["subject_id"]),
        ("dataset", dataset.id),
    ]
    assert listed["items"][1]["url"] == f"http://testserver/dataset/{dataset.name}"
    gone = world.client.delete(
        f"/api/follows/dataset/{dataset.name}", headers=world.auth("outsider")
    )
    assert gone.status_code == 204
    again = world.client.delete(
        f"/api/follows/dataset/{dataset.id}", headers=world.auth("outsider")
    )
    assert again.status_code == 204
    assert world.client.get("/api/follows", headers=world.auth("outsider")).json()["count"] == 1
    draft = published_dataset(engine, state="draft", title={"sv": "Hemligt utkast"})
    refused = world.client.post(
        "/api/follows", json={"subject_type": "dataset", "subject": draft.id},
        headers=world.auth("outsider"),
    )  # fmt: skip
    assert refused.status_code == 404


def test_updates_are_mailed_at_most_once_an_hour(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    _fans(world, engine)
    dataset = published_dataset(engine)
    _follow(world, "fan", "dataset", dataset.name)
    for version in ("2", "3", "4"):
        _patch(world, dataset.id, {"version": version})
    [mail] = mails_to(settings, "fan@example.se")
    assert mail["Subject"] == "Updated: Bathing sites"  # in the follower's language
    assert f"http://testserver/dataset/{dataset.name}" in body(mail)
    with write(engine) as conn:  # an hour and a minute later
        conn.execute(follows.update().values(update_mailed_at=now() - timedelta(minutes=61)))
    _patch(world, dataset.id, {"version": "5"})
    assert len(mails_to(settings, "fan@example.se")) == 2


def test_publication_is_mailed_to_dataset_and_organisation_followers(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    _fans(world, engine)
    _follow(world, "outsider", "organisation", "sjostad")  # the unit's parent
    draft = published_dataset(engine, organisation="trafik", state="draft")
    world.client.put(
        f"/api/datasets/{draft.id}/classification", json=CLASSIFIED, headers=world.auth("editor")
    ).raise_for_status()  # issue 13 B: classified before it is published
    _patch(world, draft.id, {"state": "published"})
    [mail] = mails_to(settings, "outsider@example.se")
    assert mail["Subject"] == "Publicerad: Badplatser"  # Swedish: no language chosen
    assert "Datamängden Badplatser är nu publicerad" in body(mail)
    assert mails_to(settings, "fan@example.se") == []


def test_publisher_answers_and_status_changes_are_mailed(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    _fans(world, engine)
    dataset = published_dataset(engine)
    _follow(world, "fan", "dataset", dataset.name)
    post = {"subject_type": "dataset", "subject": dataset.name, "body": "Hur ofta?"}
    question = world.client.post("/api/comments", json=post, headers=world.auth("outsider"))
    assert mails_to(settings, "fan@example.se") == []  # a question is not an answer
    answer = {**post, "body": "Varje vår.", "parent_id": question.json()["id"]}
    world.client.post("/api/comments", json=answer, headers=world.auth("editor"))
    [mail] = mails_to(settings, "fan@example.se")
    assert mail["Subject"] == "The publisher answered: Bathing sites"
    assert f"/dataset/{dataset.name}#comments" in body(mail)

    with write(engine) as conn:
        org = conn.execute(sa.text("SELECT id FROM organisations WHERE name = 'sjostad'"))
        conn.execute(
            suggestions.insert().values(
                id=SUGGESTION, organisation_id=org.scalar_one(), title="Cykelställ",
                description="Var?", reason="Cykling", status="new", vote_count=0,
                created_at=now(), updated_at=now(),
            )
        )  # fmt: skip
    _follow(world, "fan", "suggestion", SUGGESTION)
    _follow(world, "outsider", "suggestion", SUGGESTION)
    with write(client_site(world.client).engine) as conn:
        conn.execute(suggestions.update().values(status="declined", status_reason="Finns redan."))
        # The suggestions package publishes this with its change; here the event alone.
        publish(conn, SuggestionStatusChanged(SUGGESTION, "new", "declined"))
    english = mails_to(settings, "fan@example.se")[-1]
    assert english["Subject"] == "The suggestion Cykelställ is now declined"
    assert "Finns redan." in body(english)
    swedish = mails_to(settings, "outsider@example.se")[-1]
    assert swedish["Subject"] == "Förslaget Cykelställ är nu avböjt"
