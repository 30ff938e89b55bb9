"""The account pages without JavaScript (the in-process client as a browser): register,
confirm the address from the mailed link, reset a password, the account page, export and
deletion, in Swedish and English, with errors shown at their fields."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import org_payload
from tests.participation.outbox import messages, token
from torget.accounts.permissions import SYSTEM
from torget.catalog.model import OrganisationIn
from torget.catalog.organisations import create_organisation, set_member
from torget.db.engine import read, write
from torget.db.schema import users
from torget.settings import Settings

HTML = {"Accept": "text/html"}
PASSWORD = "ett-langt-losenord"


class Visitor:
    def __init__(self, client: TestClient, lang: str = "sv"):
        self.client = client
        client.cookies.set("torget_lang", lang)

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path, headers=HTML)

    def post(self, path: str, data: dict[str, Any], form_on: str | None = None) -> httpx.Response:
        page = self.get(form_on or path).text
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, f"no form on {form_on or path}"
        return self.client.post(
            path, data={"csrf_token": found.group(1), **data}, headers=HTML, follow_redirects=False
        )

    def register(self, name: str = "lisa", **changes: str) -> httpx.Response:
        data = {"name": name, "email": f"{name}@example.se", "password": PASSWORD, **changes}
        return self.post("/register", data)

    def login(self, name: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/login", {"username": name, "password": password, "next": "/account"})


def _text(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def test_register_then_confirm_from_the_mailed_link(
    client: TestClient, settings: Settings, engine: sa.Engine
) -> None:
    v = Visitor(client)
    form = _text(v.get("/register"))
    assert "Registrera dig" in form and "Användarnamn" in form
    done = v.register(fullname="Lisa Berg")
    assert (done.status_code, done.headers["location"]) == (303, "/register/sent")
    assert "Titta i din e-post" in _text(v.get("/register/sent"))
    [mail] = messages(settings.data_dir, "lisa@example.se")
    assert mail["Subject"] == "Bekräfta din e-postadress för Öppna data"

    assert v.login("lisa").status_code == 303  # logging in works before confirming
    account = _text(v.get("/account"))
    assert "Bekräfta din e-postadress" in account and "Skicka länken igen" in account
    assert "inte bekräftad ännu" in account

    secret = token(mail, "/verify")
    page = v.get(f"/verify?token={secret}")
    assert "Bekräfta min e-postadress" in _text(page)
    with read(engine) as conn:  # opening the link alone confirms nothing
        assert conn.execute(sa.select(users.c.email_verified_at)).scalar() is None
    confirmed = v.post("/verify", {"token": secret}, form_on=f"/verify?token={secret}")
    assert (confirmed.status_code, confirmed.headers["location"]) == (303, "/account")
    after = _text(v.get("/account"))
    assert "Tack! Din e-postadress är bekräftad." in after
    assert "Skicka länken igen" not in after and "bekräftad" in after

    used = v.post("/verify", {"token": secret}, form_on=f"/verify?token={secret}")
    assert used.status_code == 422 and "Länken har redan använts." in _text(used)


def test_registration_errors_are_shown_at_their_fields(client: TestClient) -> None:
    v = Visitor(client, "en")
    response = v.register(name="<script>x</script>", fullname="x" * 201, password="kort")
    assert response.status_code == 422
    text = _text(response)
    assert "This is 201 characters long; the limit is 200." in text
    assert "Use at least 10 characters." in text
    assert "Use 2–100 characters a–z" in text
    assert "<script>x</script>" not in response.text  # shown as text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text
    assert 'name="password" type="password" value=""' in response.text  # never sent back
    assert 'aria-invalid="true"' in response.text
    v.register()
    taken = v.register(email="other@example.se")
    assert "The user name lisa is taken: choose another." in _text(taken)


def test_forgotten_password(client: TestClient, settings: Settings) -> None:
    v = Visitor(client, "en")
    v.register(language="en")
    known = v.post("/password/forgot", {"email": "lisa@example.se"})
    unknown = v.post("/password/forgot", {"email": "nobody@example.se"})
    assert known.headers["location"] == unknown.headers["location"] == "/password/sent"
    assert "If an account has the address you gave" in _text(v.get("/password/sent"))
    mail = messages(settings.data_dir, "lisa@example.se")[-1]
    assert mail["Subject"] == "Choose a new password for Open data"
    secret = token(mail, "/password/reset")
    reset_page = f"/password/reset?token={secret}"
    assert v.get(reset_page).headers["cache-control"] == "no-store"
    short = v.post("/password/reset", {"token": secret, "password": "kort"}, form_on=reset_page)
    assert short.status_code == 422 and "Use at least 10 characters." in _text(short)
    done = v.post(
        "/password/reset", {"token": secret, "password": "nytt-losenord-1"}, form_on=reset_page
    )
    assert (done.status_code, done.headers["location"]) == (303, "/account")
    assert "Your new password is saved" in _text(v.get("/account"))
    v.post("/logout", {}, form_on="/account")
    assert v.login("lisa").status_code == 422
    assert v.login("lisa", "nytt-losenord-1").status_code == 303
    bad = v.post("/password/reset", {"token": "nonsense", "password": "nytt-losenord-2"},
                 form_on="/password/reset?token=nonsense")  # fmt: skip
    assert bad.status_code == 422 and "This link is not valid." in _text(bad)


def test_account_page_export_and_deletion(
    client: TestClient, settings: Settings, engine: sa.Engine
) -> None:
    v = Visitor(client)
    v.register()
    v.login("lisa")
    saved = v.post("/account", {"fullname": "Lisa <b>B</b>", "language": "en"})
    assert saved.status_code == 303
    page = v.get("/account")
    assert "Lisa &lt;b&gt;B&lt;/b&gt;" in page.text and "lisa@example.se" in page.text
    too_long = v.post("/account", {"fullname": "y" * 250, "language": "sv"})
    assert "Det här är 250 tecken långt; gränsen är 200." in _text(too_long)

    exported = v.get("/account/export")
    assert exported.headers["content-disposition"] == 'attachment; filename="torget-lisa.json"'
    doc = json.loads(exported.text)
    assert doc["account"]["fullname"] == "Lisa <b>B</b>" and doc["account"]["language"] == "en"
    assert "password_hash" not in exported.text

    with write(engine) as conn:
        create_organisation(
            conn, SYSTEM, OrganisationIn.model_validate(org_payload("lisas-forening"))
        )
        set_member(conn, SYSTEM, "lisas-forening", "lisa", "admin")
    wrong = v.post("/account/delete", {"password": "fel-losenord"}, form_on="/account/delete")
    assert wrong.status_code == 422 and "Lösenordet är fel." in _text(wrong)
    alone = v.post("/account/delete", {"password": PASSWORD}, form_on="/account/delete")
    assert alone.status_code == 409
    assert "Du är den sista administratören för lisas-forening." in _text(alone)
    with write(engine) as conn:
        set_member(conn, SYSTEM, "lisas-forening", "lisa", "member")
    gone = v.post("/account/delete", {"password": PASSWORD}, form_on="/account/delete")
    assert (gone.status_code, gone.headers["location"]) == (303, "/")
    assert "Ditt konto är borttaget." in _text(v.get("/"))
    away = client.get("/account", headers=HTML, follow_redirects=False)
    assert away.headers["location"].startswith("/login")  # logged out
    with read(engine) as conn:
        assert conn.execute(sa.select(users.c.id).where(users.c.name == "lisa")).first() is None


def test_header_links(client: TestClient) -> None:
    v = Visitor(client)
    anonymous = v.get("/").text
    assert 'href="/register"' in anonymous and 'href="/account"' not in anonymous
    login = _text(v.get("/login"))
    assert "Glömt lösenordet?" in login and "Inget konto?" in login
    v.register()
    v.login("lisa")
    signed = v.get("/").text
    assert 'href="/account">Mitt konto<' in signed and 'href="/register"' not in signed
    assert "lisa@example.se" in signed  # the banner tells the owner where the link went
    assert v.get("/organisations").text.count("lisa@example.se") == 1
