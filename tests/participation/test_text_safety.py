"""Text that leaves Torget: control characters and line breaks are refused where the public
writes (suggestions, comments, showcases, display names, token names), naming the field; and
the Atom feed and e-mail stay readable even for rows stored before those checks (issue 19)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import sqlalchemy as sa

from tests.conftest import World, client_site
from tests.participation.helpers import mails_to, published_dataset
from tests.participation.suggestion_helpers import made, move, suggest
from torget.db.engine import write
from torget.db.schema import suggestions, users

ATOM = "{http://www.w3.org/2005/Atom}"


def _errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_a_suggestion_refuses_control_characters_naming_the_field(world: World) -> None:
    errors = _errors(
        suggest(world, "outsider", title="Cykelställ\r\nBcc: x@example.se",
                description="Var\x00finns de?", reason="För att \x1b[31m synas")
    )  # fmt: skip
    assert errors == {
        "title": "must be one line: there is a line break at character 11",
        "description": "has the control character U+0000 at character 4; remove it",
        "reason": "has the control character U+001B at character 9; remove it",
    }
    assert "at character 6" in _errors(suggest(world, "outsider", title="Cykel\ufffe"))["title"]
    kept = made(world, description="Rad ett\r\n\tRad två", reason="Ja.\nNej.")
    assert (kept["description"], kept["reason"]) == ("Rad ett\n\tRad två", "Ja.\nNej.")


def test_the_atom_feed_stays_well_formed_with_old_rows(world: World, engine: sa.Engine) -> None:
    suggestion = made(world)
    with write(engine) as conn:  # as stored before the checks, or by a bug
        conn.execute(
            suggestions.update()
            .where(suggestions.c.id == suggestion["id"])
            .values(title="Cykel\x01ställ\x0b", description="Platser\x1b[0m\x7f och\tmer")
        )
        conn.execute(users.update().where(users.c.name == "outsider").values(fullname="Ann\x02a"))
    response = world.client.get("/suggestions.atom")
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == "Cykelställ"
    assert entry.findtext(f"{ATOM}summary") == "Platser[0m\x7f och\tmer"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Anna"


def test_mail_about_a_title_with_a_line_break_is_delivered_with_one_subject_line(
    world: World, engine: sa.Engine
) -> None:
    refused = suggest(world, "outsider", title="Cykelställ\r\nBcc: evil@example.se")
    assert "title" in _errors(refused)
    suggestion = made(world)
    with write(engine) as conn:  # an old row, stored before the title had to be one line
        conn.execute(
            suggestions.update()
            .where(suggestions.c.id == suggestion["id"])
            .values(title="Cykelställ\r\nBcc: evil@example.se\r\n\r\nHej")
        )
    moved = move(world, "editor", suggestion["id"], "under_review")
    assert moved.status_code == 200, moved.text
    settings = client_site(world.client).settings
    [mail] = mails_to(settings, "outsider@example.se")
    subject = str(mail["Subject"])
    assert "\n" not in subject and "\r" not in subject
    assert subject.startswith("Förslaget Cykelställ Bcc: evil@example.se Hej ")
    assert mail["Bcc"] is None and mails_to(settings, "evil@example.se") == []


def test_comments_refuse_control_characters_and_keep_lines(world: World, engine: sa.Engine) -> None:
    dataset = published_dataset(engine)

    def post(text: str) -> Any:
        payload = {"subject_type": "dataset", "subject": dataset.name, "body": text}
        return world.client.post("/api/comments", json=payload, headers=world.auth("outsider"))

    assert _errors(post("Finns 2023\x00?")) == {
        "body": "has the control character U+0000 at character 11; remove it"
    }
    kept = post("Finns 2023?\r\n\tOch 2024?")
    assert kept.status_code == 201 and kept.json()["body"] == "Finns 2023?\n\tOch 2024?"


def test_showcases_refuse_a_line_break_in_the_title(world: World, engine: sa.Engine) -> None:
    published_dataset(engine)
    payload = {
        "title": "Bad\nkartan", "description": "En app\x08.", "url": "https://bad.example/\tx",
        "kind": "app", "datasets": ["badplatser"],
    }  # fmt: skip
    errors = _errors(
        world.client.post("/api/showcases", json=payload, headers=world.auth("outsider"))
    )
    assert set(errors) == {"title", "description", "url"}
    assert errors["title"].startswith("must be one line")


def test_display_names_and_token_names_are_one_line(world: World) -> None:
    client, auth = world.client, world.auth("outsider")
    changed = client.patch("/api/me", json={"fullname": "Anna\x1bLind"}, headers=auth)
    assert set(_errors(changed)) == {"fullname"}
    assert client.patch("/api/me", json={"fullname": "Anna Lind"}, headers=auth).status_code == 200
    registered = client.post(
        "/api/register",
        json={"name": "ny", "email": "ny@example.se\x00", "password": "ett-langt-losenord",
              "fullname": "Ny\nPerson"},
    )  # fmt: skip
    assert set(_errors(registered)) == {"email", "fullname"}
    token = client.post("/api/tokens", json={"name": "skript\r\nX"}, headers=auth)
    assert _errors(token) == {"name": "must be one line: there is a line break at character 7"}
