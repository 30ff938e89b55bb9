"""Reminders (issue 20): the worker mails the contact point and the organisation's editors
before and when a dataset falls due, one digest per person per day in their language, never
the same reminder twice, with a signed link that stops them for that address.

Before, nobody was told that a dataset published as updated daily had not changed in months.
Mail is read from the real outbox folder; days pass by handing `send_reminders` a later time.
"""

from __future__ import annotations

import datetime as dt
import email
import os
import re
import subprocess
import sys
from email.message import Message
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import World
from tests.publishing.test_freshness import _age as age
from tests.publishing.test_freshness import _publish as publish_dataset
from torget.clock import now
from torget.db.engine import write
from torget.db.schema import users
from torget.publishing.reminders import send_reminders
from torget.settings import Settings
from torget.web.sessions import session_secret

HTML = {"Accept": "text/html"}
CONTACT = "kontakt@sjostad.example"  # the organisation's contact point (no account: Swedish)


def _outbox(settings: Settings) -> list[Message]:
    folder = settings.data_dir / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return [email.message_from_bytes(f.read_bytes()) for f in files]


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _by_recipient(messages: list[Message]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for m in messages:
        found.setdefault(str(m["To"]), []).append(_body(m))
    return found


def _publish(world: World, engine: sa.Engine, title: str, frequency: str, age_days: int) -> str:
    dataset_id = str(publish_dataset(world, title, frequency=frequency)["id"])
    age(engine, dataset_id, age_days)
    return dataset_id


def _send(engine: sa.Engine, settings: Settings, days_later: int = 0) -> int:
    at = now() + dt.timedelta(days=days_later)
    return send_reminders(engine, settings, session_secret(settings), at=at)


def test_one_digest_per_person_in_their_language(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    with write(engine) as conn:
        conn.execute(users.update().where(users.c.name == "editor").values(language="en"))
    _publish(world, engine, "Luftmätningar", "DAILY", 10)
    _publish(world, engine, "Trafikflöden", "DAILY", 3)
    _publish(world, engine, "Vattenstånd", "WEEKLY", 5)  # due in two days
    _publish(world, engine, "Motionsspår", "IRREG", 900)  # never due

    assert _send(engine, settings) == 2
    mail = _by_recipient(_outbox(settings))
    assert sorted(mail) == ["editor@example.se", CONTACT]
    [english] = mail["editor@example.se"]
    overdue, soon = english.split("Due soon:")
    assert "Luftmätningar (en)" in overdue and "Trafikflöden (en)" in overdue
    assert "Vattenstånd (en)" in soon and "(Updated weekly): due" in soon
    assert "Motionsspår" not in english
    [swedish] = mail[CONTACT]
    assert (
        "Försenade: uppdatera dem nu:" in swedish
        and "”Luftmätningar” (Uppdateras dagligen)" in swedish
    )
    assert "Ska snart uppdateras:" in swedish

    assert _send(engine, settings) == 0  # the same reminders never twice
    assert _send(engine, settings, days_later=1) == 0  # nothing new tomorrow either
    assert len(_outbox(settings)) == 2


def test_news_after_todays_digest_waits_for_tomorrow(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    _publish(world, engine, "Luftmätningar", "DAILY", 10)
    assert _send(engine, settings) == 2
    _publish(world, engine, "Trafikflöden", "DAILY", 10)
    assert _send(engine, settings) == 0  # one digest a day
    assert _send(engine, settings, days_later=1) == 2
    later = [b for b in _by_recipient(_outbox(settings))[CONTACT] if "Trafikflöden" in b]
    assert len(later) == 1 and "Luftmätningar" not in later[0]


def _unsubscribe_link(settings: Settings, address: str) -> str:
    [body] = _by_recipient(_outbox(settings))[address]
    found = re.search(r"http://testserver(/reminders/unsubscribe\?\S+)", body)
    assert found, body
    return found.group(1)


def test_a_signed_link_stops_the_reminders_of_one_address(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    _publish(world, engine, "Luftmätningar", "DAILY", 10)
    assert _send(engine, settings) == 2
    link = _unsubscribe_link(settings, CONTACT)
    forged = world.client.get(link.replace("kontakt", "editor"), headers=HTML)
    assert forged.status_code == 400 and "Länken är inte giltig" in forged.text

    page = world.client.get(link, headers=HTML)  # a GET changes nothing (mail scanners)
    assert page.status_code == 200 and "Vill du stoppa påminnelserna" in page.text
    form: dict[str, Any] = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    done = world.client.post("/reminders/unsubscribe", data=form, headers=HTML)
    assert done.status_code == 200 and "får inga fler påminnelser" in done.text

    _publish(world, engine, "Trafikflöden", "DAILY", 10)
    assert _send(engine, settings, days_later=1) == 1
    assert sorted(_by_recipient(_outbox(settings))) == ["editor@example.se", CONTACT]
    assert len(_by_recipient(_outbox(settings))[CONTACT]) == 1


def test_the_command_queues_the_digests(world: World, engine: sa.Engine, settings: Settings,
                                        tmp_path: Path) -> None:  # fmt: skip
    _publish(world, engine, "Luftmätningar", "DAILY", 10)
    env = {**os.environ, "TORGET_DATABASE_URL": settings.database_url,
           "TORGET_DATA_DIR": str(settings.data_dir), "TORGET_BASE_URL": "http://testserver",
           "TORGET_CONFIG": str(tmp_path / "none.toml")}  # fmt: skip
    command = [sys.executable, "-m", "torget.cli", "reminders", "send"]
    ran = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().endswith("2 digests queued")
    assert len(_outbox(settings)) == 2
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout.strip().endswith("0 digests queued")
