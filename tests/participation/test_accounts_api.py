"""Public accounts through the JSON API: registration with e-mail verification, the reset of a
forgotten password, and the caller's own account. Mail is read from the real outbox."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.participation.outbox import body, messages, token
from torget.accounts.permissions import actor_for
from torget.accounts.users import get_user
from torget.clock import now
from torget.db.engine import read, write
from torget.db.schema import account_tokens, users
from torget.errors import PermissionDenied
from torget.settings import Settings

PASSWORD = "ett-langt-losenord"


def _register(client: TestClient, name: str = "lisa", **changes: Any) -> Any:
    payload = {"name": name, "email": f"{name}@example.se", "password": PASSWORD, **changes}
    return client.post("/api/register", json=payload)


def _bearer(client: TestClient, name: str, password: str = PASSWORD) -> dict[str, str]:
    basic = base64.b64encode(f"{name}:{password}".encode()).decode()
    created = client.post(
        "/api/tokens", json={"name": "test"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['token']}"}


def test_register_verify_and_take_part(
    client: TestClient, settings: Settings, engine: sa.Engine
) -> None:
    response = _register(client, fullname="Lisa Berg", language="en")
    assert response.status_code == 202, response.text
    [mail] = messages(settings.data_dir, "lisa@example.se")
    assert mail["Subject"] == "Confirm your e-mail address for Open data"
    assert "http://testserver/verify?token=" in body(mail)

    auth = _bearer(client, "lisa")  # an unverified account may log in
    me = client.get("/api/me", headers=auth).json()
    assert me["email_verified"] is False and me["display_name"] == "Lisa Berg"
    with read(engine) as conn:
        actor = actor_for(conn, get_user(conn, "lisa"))
    try:
        actor.require_verified("vote")
        raise AssertionError("an unverified account took part")
    except PermissionDenied as exc:
        assert "verify your e-mail address" in str(exc)

    secret = token(mail, "/verify")
    with read(engine) as conn:  # only the hash is stored
        stored = conn.execute(sa.select(account_tokens.c.token_hash)).scalar_one()
    assert secret not in stored and len(stored) == 64
    verified = client.post("/api/verify", json={"token": secret})
    assert verified.json() == {"name": "lisa", "email_verified": True}
    assert client.get("/api/me", headers=auth).json()["email_verified"] is True
    with read(engine) as conn:
        actor_for(conn, get_user(conn, "lisa")).require_verified("vote")

    again = client.post("/api/verify", json={"token": secret})
    assert again.status_code == 422
    assert again.json()["errors"] == [
        {"field": "token", "message": "this link has already been used", "code": "link_used",
         "params": {}}
    ]  # fmt: skip


def test_new_link_replaces_the_old_one_and_links_expire(
    client: TestClient, settings: Settings, engine: sa.Engine
) -> None:
    _register(client)
    auth = _bearer(client, "lisa")
    first = token(messages(settings.data_dir)[-1], "/verify")
    assert client.post("/api/verify/resend", headers=auth).status_code == 202
    second = token(messages(settings.data_dir)[-1], "/verify")
    assert first != second
    replaced = client.post("/api/verify", json={"token": first})
    assert replaced.status_code == 422
    assert "not valid" in replaced.json()["errors"][0]["message"]

    with write(engine) as conn:
        conn.execute(account_tokens.update().values(expires_at=now() - dt.timedelta(seconds=1)))
    expired = client.post("/api/verify", json={"token": second})
    assert expired.status_code == 422
    assert expired.json()["errors"][0]["message"] == "this link has expired: ask for a new one"
    assert client.get("/api/me", headers=auth).json()["email_verified"] is False


def test_registration_never_says_whether_an_address_is_taken(
    client: TestClient, settings: Settings, engine: sa.Engine
) -> None:
    first = _register(client)
    second = _register(client, name="lisa2", email="LISA@example.se", language="en")
    assert second.status_code == first.status_code == 202
    assert second.json() == first.json()
    notice = messages(settings.data_dir, "lisa@example.se")[-1]
    assert notice["Subject"] == "Du har redan ett konto på Öppna data"  # the owner's language
    assert "kontot lisa" in body(notice) and "/password/forgot" in body(notice)
    with read(engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar() == 1

    taken = _register(client, email="other@example.se")
    assert taken.status_code == 422
    assert taken.json()["errors"] == [
        {"field": "name", "message": "the user name 'lisa' is taken", "code": "user_name_taken",
         "params": {"value": "lisa"}}
    ]  # fmt: skip


def test_bad_and_over_long_fields_are_named_with_their_limit(client: TestClient) -> None:
    response = _register(
        client, fullname="x" * 201, email="a" * 310 + "@example.se", password="p" * 1001
    )
    assert response.status_code == 422
    assert {(e["field"], e["message"]) for e in response.json()["errors"]} == {
        ("fullname", "is 201 characters long; the limit is 200"),
        ("email", "is 321 characters long; the limit is 320"),
        ("password", "is 1001 characters long; the limit is 1000"),
    }
    short = _register(client, password="kort")
    assert short.json()["errors"] == [
        {"field": "password", "message": "must be at least 10 characters long",
         "code": "password_too_short", "params": {"limit": "10"}}
    ]  # fmt: skip
    assert _register(client, language="de").status_code == 422
    script = _register(client, name="<script>")
    assert script.status_code == 422 and script.json()["errors"][0]["field"] == "name"


def test_password_reset(client: TestClient, settings: Settings, engine: sa.Engine) -> None:
    _register(client)
    known = client.post("/api/password-reset", json={"email": "Lisa@Example.se"})
    unknown = client.post("/api/password-reset", json={"email": "nobody@example.se"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert messages(settings.data_dir, "nobody@example.se") == []
    mails = messages(settings.data_dir, "lisa@example.se")
    assert mails[-1]["Subject"] == "Välj ett nytt lösenord för Öppna data"
    older = token(mails[-1], "/password/reset")
    client.post("/api/password-reset", json={"email": "lisa@example.se"})
    secret = token(messages(settings.data_dir, "lisa@example.se")[-1], "/password/reset")
    assert (
        client.post(
            "/api/password-reset/confirm", json={"token": older, "password": "nytt-losenord-1"}
        ).status_code
        == 422
    )  # replaced by the newer link

    too_short = client.post("/api/password-reset/confirm", json={"token": secret, "password": "x"})
    assert too_short.status_code == 422  # and the link still works:
    done = client.post(
        "/api/password-reset/confirm", json={"token": secret, "password": "nytt-losenord-1"}
    )
    assert done.json() == {"name": "lisa", "password_changed": True}
    auth = _bearer(client, "lisa", "nytt-losenord-1")
    assert client.get("/api/me", headers=auth).json()["email_verified"] is True  # proved it
    basic = base64.b64encode(f"lisa:{PASSWORD}".encode()).decode()
    old = client.post(
        "/api/tokens", json={"name": "x"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert old.status_code == 401
    reused = client.post(
        "/api/password-reset/confirm", json={"token": secret, "password": "tredje-losenord"}
    )
    assert reused.status_code == 422


def test_profile_changes(client: TestClient, settings: Settings) -> None:
    _register(client)
    auth = _bearer(client, "lisa")
    changed = client.patch("/api/me", json={"fullname": " Lisa B ", "language": "en"}, headers=auth)
    assert changed.status_code == 200
    assert changed.json()["display_name"] == "Lisa B" and changed.json()["language"] == "en"
    client.post("/api/verify/resend", headers=auth)
    assert messages(settings.data_dir)[-1]["Subject"].startswith("Confirm your e-mail")
    cleared = client.patch("/api/me", json={"fullname": "", "language": "sv"}, headers=auth)
    assert cleared.json()["display_name"] == "lisa"
    long = client.patch("/api/me", json={"fullname": "x" * 300}, headers=auth)
    assert long.status_code == 422
    assert long.json()["errors"][0]["message"] == "is 300 characters long; the limit is 200"
    assert client.get("/api/me").status_code == 401


def test_the_account_endpoints_are_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/me"]) == {"get", "patch", "delete"}
    for path in ("/api/register", "/api/verify", "/api/verify/resend", "/api/password-reset",
                 "/api/password-reset/confirm"):  # fmt: skip
        assert "post" in paths[path], path
    assert "get" in paths["/api/me/export"]
