"""GDPR: a person exports everything about them as JSON and deletes their account; what they
contributed stays, anonymised, and the last administrator of an organisation cannot leave."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import World, dataset_payload
from torget.accounts.permissions import SYSTEM
from torget.catalog.organisations import get_organisation, set_member
from torget.clock import now
from torget.db.engine import read, write
from torget.db.schema import (
    account_tokens,
    api_tokens,
    comments,
    follows,
    mail_queue,
    memberships,
    moderation_log,
    rate_limit_hits,
    showcase_datasets,
    showcases,
    suggestion_history,
    suggestions,
    users,
    votes,
)
from torget.ids import new_id
from torget.ratelimit import Limit, hit

PASSWORD = "secret-password"  # tests.conftest.World's


def _contribute(engine: sa.Engine, user_id: str, other_id: str, dataset_id: str) -> str:
    """One row of each participation table by `user_id` (and a vote by `other_id`)."""
    stamp = now()
    with write(engine) as conn:
        org = get_organisation(conn, "sjostad").id
        suggestion = new_id()
        conn.execute(suggestions.insert().values(
            id=suggestion, organisation_id=org, author_id=user_id, title="Cykelställ",
            description="Var finns cykelställ?", reason="För att <b>cykla</b>", status="new",
            vote_count=2, created_at=stamp, updated_at=stamp,
        ))  # fmt: skip
        conn.execute(suggestion_history.insert().values(
            id=new_id(), suggestion_id=suggestion, actor_id=user_id, to_status="new",
            created_at=stamp,
        ))  # fmt: skip
        for voter in (user_id, other_id):
            conn.execute(votes.insert().values(
                id=new_id(), suggestion_id=suggestion, user_id=voter, created_at=stamp
            ))  # fmt: skip
        comment = new_id()
        conn.execute(comments.insert().values(
            id=comment, subject_type="suggestion", subject_id=suggestion, author_id=user_id,
            body="Bra idé", by_publisher=False, created_at=stamp, updated_at=stamp,
        ))  # fmt: skip
        conn.execute(moderation_log.insert().values(
            id=new_id(), comment_id=comment, actor_id=user_id, action="hide", reason="test",
            created_at=stamp,
        ))  # fmt: skip
        conn.execute(follows.insert().values(
            user_id=user_id, subject_type="suggestion", subject_id=suggestion, created_at=stamp
        ))  # fmt: skip
        showcase = new_id()
        conn.execute(showcases.insert().values(
            id=showcase, title="Cykelkartan", description="En app", url="https://app.example",
            kind="app", author_id=user_id, status="pending", created_at=stamp,
            updated_at=stamp,
        ))  # fmt: skip
        conn.execute(showcase_datasets.insert().values(showcase_id=showcase, dataset_id=dataset_id))
        hit(conn, Limit("vote", 100, 3600), f"user:{user_id}")
    return suggestion


def _user_id(engine: sa.Engine, name: str) -> str:
    with read(engine) as conn:
        return str(conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar_one())


def test_export_holds_every_row_about_the_person_and_no_secret(
    world: World, engine: sa.Engine
) -> None:
    dataset = world.client.post(
        "/api/datasets", json=dataset_payload(), headers=world.auth("editor")
    ).json()
    me, other = _user_id(engine, "outsider"), _user_id(engine, "editor")
    suggestion = _contribute(engine, me, other, dataset["id"])
    with write(engine) as conn:
        set_member(conn, SYSTEM, "grannby", "outsider", "member")
    response = world.client.get("/api/me/export", headers=world.auth("outsider"))
    assert response.status_code == 200
    doc = response.json()
    assert doc["format"] == "torget-account-export/1"
    assert doc["account"]["name"] == "outsider" and doc["account"]["email"] == "outsider@example.se"
    assert [s["id"] for s in doc["suggestions"]] == [suggestion]
    assert doc["suggestions"][0]["reason"] == "För att <b>cykla</b>"
    assert [v["user_id"] for v in doc["votes"]] == [me]  # not the other person's vote
    for table in ("suggestion_history", "comments", "moderation_log", "follows", "showcases"):
        assert len(doc[table]) == 1, table
    assert doc["showcase_datasets"] == [
        {"showcase_id": doc["showcases"][0]["id"], "dataset_id": dataset["id"]}
    ]
    assert [(m["organisation_name"], m["role"]) for m in doc["memberships"]] == [
        ("grannby", "member")
    ]
    assert [t["name"] for t in doc["api_tokens"]] == ["test"]
    assert doc["rate_limit_hits"][0]["bucket"] == f"vote:user:{me}"
    text = response.text
    for secret in ("password_hash", "token_hash", "argon2", world.tokens["outsider"]):
        assert secret not in text
    assert "editor@example.se" not in text


def test_deleting_an_account_anonymises_its_contributions(world: World, engine: sa.Engine) -> None:
    dataset = world.client.post(
        "/api/datasets", json=dataset_payload(), headers=world.auth("editor")
    ).json()
    me, other = _user_id(engine, "outsider"), _user_id(engine, "editor")
    suggestion = _contribute(engine, me, other, dataset["id"])
    with write(engine) as conn:
        set_member(conn, SYSTEM, "grannby", "outsider", "editor")
        conn.execute(mail_queue.insert().values(
            id=new_id(), recipient="Outsider@example.se", subject="x", body="y",
            created_at=now(), next_attempt_at=now(), attempts=0,
        ))  # fmt: skip
    c, auth = world.client, world.auth("outsider")

    wrong = c.request("DELETE", "/api/me", json={"password": "not-my-password"}, headers=auth)
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [
        {"field": "password", "message": "the password is wrong", "code": "wrong_password",
         "params": {}}
    ]  # fmt: skip
    assert (
        c.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=auth).status_code == 204
    )

    assert c.get("/api/me", headers=auth).status_code == 401  # its tokens went with it
    with read(engine) as conn:

        def count(table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
            query = sa.select(sa.func.count()).select_from(table).where(*where)
            return int(conn.execute(query).scalar_one())

        assert count(users, users.c.id == me) == 0
        for table in (api_tokens, memberships, follows, account_tokens):
            assert count(table, table.c.user_id == me) == 0, table.name
        assert count(mail_queue) == 0
        assert count(rate_limit_hits, rate_limit_hits.c.bucket.like(f"%{me}")) == 0
        kept = conn.execute(sa.select(suggestions)).one()
        assert (kept.id, kept.author_id, kept.vote_count) == (suggestion, None, 2)
        assert set(conn.execute(sa.select(votes.c.user_id)).scalars()) == {None, other}
        assert conn.execute(sa.select(comments.c.author_id, comments.c.body)).one() == (
            None, "Bra idé",
        )  # fmt: skip
        assert conn.execute(sa.select(showcases.c.author_id)).scalar_one() is None
        assert conn.execute(sa.select(suggestion_history.c.actor_id)).scalar_one() is None
        assert conn.execute(sa.select(moderation_log.c.actor_id)).scalar_one() is None
        assert count(showcase_datasets) == 1


def test_the_last_administrator_cannot_delete_their_account(
    world: World, engine: sa.Engine
) -> None:
    with write(engine) as conn:
        set_member(conn, SYSTEM, "sjostad", "outsider", "admin")
    c, auth = world.client, world.auth("outsider")
    refused = c.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=auth)
    assert refused.status_code == 409
    # its unit trafik has no administrator of its own either
    assert refused.json()["message"] == (
        "you are the last administrator of sjostad, trafik: make someone else an "
        "administrator first"
    )
    with write(engine) as conn:
        set_member(conn, SYSTEM, "trafik", "editor", "admin")
    still = c.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=auth)
    assert "last administrator of sjostad:" in still.json()["message"]
    with write(engine) as conn:
        set_member(conn, SYSTEM, "sjostad", "editor", "admin")
    assert (
        c.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=auth).status_code == 204
    )
