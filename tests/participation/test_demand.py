"""Demand per organisation (open suggestions by votes with their age; how long answers took,
and the median) and the suggestions' Atom feed, parsed back as RFC 4287 asks."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import sqlalchemy as sa

from tests.conftest import World
from tests.participation.suggestion_helpers import (
    made,
    move,
    vote,
)
from torget.db.engine import read, write
from torget.db.schema import suggestions
from torget.participation.demand import organisation_demand

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def _dated(engine: sa.Engine, sid: str, created: dt.datetime, answered: dt.datetime | None) -> None:
    with write(engine) as conn:
        conn.execute(
            suggestions.update()
            .where(suggestions.c.id == sid)
            .values(created_at=created, answered_at=answered)
        )


def test_demand_ranks_open_suggestions_and_times_answers(world: World, engine: sa.Engine) -> None:
    quiet, popular, planned = (made(world, title=t)["id"] for t in ("Tyst", "Populär", "Planerad"))
    declined, elsewhere = made(world, title="Avböjd")["id"], made(world, organisation="grannby")
    for user in ("editor", "root"):
        vote(world, user, popular)
    vote(world, "root", planned)
    assert move(world, "editor", planned, "planned").status_code == 200
    assert move(world, "editor", declined, "declined", reason="Nej").status_code == 200
    _dated(engine, quiet, T0 - 10 * DAY, None)
    _dated(engine, popular, T0 - 2 * DAY, None)
    _dated(engine, planned, T0 - 30 * DAY, T0 - 20 * DAY)  # took 10 days
    _dated(engine, declined, T0 - 5 * DAY, T0 - 1 * DAY)  # took 4 days

    with read(engine) as conn:
        demand = organisation_demand(conn, "sjostad", at=T0)
    assert [(o.title, o.votes, o.age) for o in demand.open] == [
        ("Populär", 2, 2 * DAY),
        ("Planerad", 1, 30 * DAY),
        ("Tyst", 0, 10 * DAY),  # equal votes: the older first
    ]
    assert [(a.title, a.status, a.took) for a in demand.answered] == [
        ("Avböjd", "declined", 4 * DAY),
        ("Planerad", "planned", 10 * DAY),
    ]
    assert demand.median_answer_time == 7 * DAY
    assert elsewhere["id"] not in {o.id for o in demand.open}

    api = world.client.get("/api/organisations/sjostad/demand").json()
    assert [o["title"] for o in api["open"]] == ["Populär", "Planerad", "Tyst"]
    assert [a["took_seconds"] for a in api["answered"]] == [4 * 86400, 10 * 86400]
    assert api["median_answer_seconds"] == 7 * 86400
    assert api["open"][0]["page_url"] == f"http://testserver/suggestions/{popular}"
    empty = world.client.get("/api/organisations/grannby/demand").json()
    assert empty["answered"] == [] and empty["median_answer_seconds"] is None
    assert world.client.get("/api/organisations/atlantis/demand").status_code == 404


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_atom_feed_is_valid_and_filtered(world: World) -> None:
    first = made(world, title="Cykelställ <b>nu</b>")
    second = made(world, title="Badtemperaturer", organisation="grannby", theme="ENVI")
    response = world.client.get("/suggestions.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Torget"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == feed.findtext(f"{ATOM}id")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Badtemperaturer", "Cykelställ <b>nu</b>",  # newest first; HTML as text
    ]  # fmt: skip
    entry = entries[1]
    assert entry.findtext(f"{ATOM}id") == f"urn:uuid:{first['id']}"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "outsider"
    assert entry.findtext(f"{ATOM}summary") == first["description"]
    link = entry.find(f"{ATOM}link[@rel='alternate']")
    assert link is not None and link.get("href") == first["page_url"]
    updated = entry.findtext(f"{ATOM}updated")
    assert updated is not None and dt.datetime.fromisoformat(updated).tzinfo is not None
    assert "<b>" not in response.text  # escaped in the XML

    filtered = ET.fromstring(world.client.get("/suggestions.atom?organisation=grannby").content)
    assert [e.findtext(f"{ATOM}id") for e in filtered.findall(f"{ATOM}entry")] == [
        f"urn:uuid:{second['id']}"
    ]
    assert filtered.findtext(f"{ATOM}id") != feed.findtext(f"{ATOM}id")
    by_status = ET.fromstring(world.client.get("/suggestions.atom?status=declined").content)
    assert by_status.findall(f"{ATOM}entry") == []
    assert by_status.findtext(f"{ATOM}updated")  # required even when empty
