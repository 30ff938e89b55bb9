"""Questions and comments over the JSON API: who may post, publisher answers, the contact
point's e-mail, moderation with its log, limits and rate limits."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from tests.conftest import World
from tests.participation.helpers import (
    COMMENTS_PER_HOUR,
    add_user,
    body,
    engaged_settings,  # noqa: F401  (the settings of this module)
    mails_to,
    published_dataset,
)
from torget.settings import Settings


def _post(
    world: World, user: str | None, subject: str, text: str, **extra: object
) -> httpx.Response:
    headers = world.auth(user) if user else {}
    payload = {"subject_type": "dataset", "subject": subject, "body": text, **extra}
    return world.client.post("/api/comments", json=payload, headers=headers)


def test_question_answer_and_contact_point_mail(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    dataset = published_dataset(engine)
    add_user(engine, "newcomer", verified=False)
    world.tokens["newcomer"] = world.token("newcomer")
    assert _post(world, None, dataset.name, "Hej?").status_code == 401
    unverified = _post(world, "newcomer", dataset.name, "Hej?")
    assert unverified.status_code == 403 and "verify" in unverified.json()["message"]

    question = _post(world, "outsider", dataset.name, "Finns <script>alert(1)</script> 2023?")
    assert question.status_code == 201, question.text
    asked = question.json()
    assert asked["by_publisher"] is False and asked["author"] == "outsider"
    [mail] = mails_to(settings, "miljo@sjostad.example")
    assert "Badplatser" in mail["Subject"]
    assert "Finns <script>alert(1)</script> 2023?" in body(mail)
    assert f"http://testserver/dataset/{dataset.name}#comments" in body(mail)

    answer = _post(world, "editor", dataset.id, "Ja, från maj.", parent_id=asked["id"])
    assert answer.status_code == 201, answer.text
    assert answer.json()["by_publisher"] is True
    assert len(mails_to(settings, "miljo@sjostad.example")) == 1  # answers are not questions

    listed = world.client.get(
        "/api/comments", params={"subject_type": "dataset", "subject": dataset.name}
    ).json()
    assert listed["count"] == 1
    [thread] = listed["items"]
    assert thread["body"] == "Finns <script>alert(1)</script> 2023?"
    assert [r["body"] for r in thread["replies"]] == ["Ja, från maj."]
    assert "email" not in str(listed) and "@example.se" not in str(listed)


def test_bad_comments_are_refused_with_the_field_named(world: World, engine: sa.Engine) -> None:
    dataset = published_dataset(engine)
    long = _post(world, "outsider", dataset.name, "x" * 5001)
    assert long.status_code == 422
    [error] = long.json()["errors"]
    assert error["field"] == "body" and "5000" in error["message"]
    empty = _post(world, "outsider", dataset.name, "   ")
    assert empty.json()["errors"][0]["field"] == "body"
    missing = _post(world, "outsider", "no-such-dataset", "Hej")
    assert missing.status_code == 404
    draft = published_dataset(engine, state="draft", title={"sv": "Utkast"})
    assert _post(world, "outsider", draft.id, "Hej").status_code == 404
    wrong_parent = _post(world, "outsider", dataset.name, "Hej", parent_id="nope")
    assert wrong_parent.json()["errors"][0]["field"] == "parent_id"


def test_editors_hide_and_restore_with_a_logged_reason(world: World, engine: sa.Engine) -> None:
    dataset = published_dataset(engine)
    posted = _post(world, "outsider", dataset.name, "Köp billiga klockor!").json()
    hide = f"/api/comments/{posted['id']}/hide"
    assert world.client.post(hide, json={"reason": "x"}).status_code == 401
    refused = world.client.post(hide, json={"reason": "x"}, headers=world.auth("outsider"))
    assert refused.status_code == 403
    no_reason = world.client.post(hide, json={"reason": ""}, headers=world.auth("editor"))
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    hidden = world.client.post(hide, json={"reason": "Reklam"}, headers=world.auth("editor"))
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True

    params = {"subject_type": "dataset", "subject": dataset.id}
    [public] = world.client.get("/api/comments", params=params).json()["items"]
    assert public["body"] is None and public["hidden_reason"] == "Reklam"
    [seen_by_editor] = world.client.get(
        "/api/comments", params=params, headers=world.auth("editor")
    ).json()["items"]
    assert seen_by_editor["body"] == "Köp billiga klockor!"

    restore = f"/api/comments/{posted['id']}/restore"
    restored = world.client.post(restore, json={"reason": "Felbedömning"},
                                 headers=world.auth("editor"))  # fmt: skip
    assert restored.json()["hidden"] is False
    log = world.client.get(f"/api/comments/{posted['id']}/moderation", headers=world.auth("editor"))
    assert [(e["action"], e["reason"], e["by"]) for e in log.json()["items"]] == [
        ("hide", "Reklam", "editor"),
        ("restore", "Felbedömning", "editor"),
    ]
    assert (
        world.client.get(
            f"/api/comments/{posted['id']}/moderation", headers=world.auth("outsider")
        ).status_code
        == 403
    )


def test_posting_is_rate_limited_per_account(world: World, engine: sa.Engine) -> None:
    dataset = published_dataset(engine)
    for n in range(COMMENTS_PER_HOUR):
        assert _post(world, "outsider", dataset.name, f"Fråga {n}").status_code == 201
    refused = _post(world, "outsider", dataset.name, "En till")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_posting_is_rate_limited_per_address(world: World, engine: sa.Engine) -> None:
    """Several accounts from one address share the address's limit."""
    dataset = published_dataset(engine)
    half = COMMENTS_PER_HOUR // 2
    for user in ("outsider", "editor"):
        for n in range(half):
            assert _post(world, user, dataset.name, f"Fråga {n}").status_code == 201
    refused = _post(world, "root", dataset.name, "Från samma adress")
    assert refused.status_code == 429


def test_the_participation_api_is_in_the_openapi_document(world: World) -> None:
    paths = world.client.get("/api/openapi.json").json()["paths"]
    for path, method in [
        ("/api/comments", "get"), ("/api/comments", "post"),
        ("/api/comments/{comment_id}/hide", "post"), ("/api/comments/{comment_id}/restore", "post"),
        ("/api/follows", "post"), ("/api/follows/{subject_type}/{subject}", "delete"),
        ("/api/organisations/{organisation}/webhooks", "post"),
        ("/api/webhooks/{webhook_id}/deliveries", "get"),
        ("/api/showcases", "get"), ("/api/showcases", "post"),
        ("/api/showcases/{showcase_id}/approve", "post"),
    ]:  # fmt: skip
        assert method in paths.get(path, {}), f"{method.upper()} {path} is not documented"
    assert not any(p.startswith(("/comments", "/showcases", "/follows")) for p in paths)
