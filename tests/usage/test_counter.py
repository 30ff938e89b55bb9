"""The write-behind buffer and what it writes: batches by time or by size, written on close,
kept when the database refuses them, additive across processes (two counters on one
database), bots told apart by the maintained list, old days summed into months."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import World, published_payload
from torget.db.engine import read
from torget.db.schema import usage_counts
from torget.search import popularity_of
from torget.settings import Settings
from torget.usage import Hit, UsageCounter, open_counter
from torget.usage.bots import bot_patterns, is_bot
from torget.usage.retention import roll_up
from torget.usage.store import add_counts

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"


@pytest.mark.parametrize(
    ("user_agent", "bot"),
    [
        (FIREFOX, False),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True),
        ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)", True),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        ("", True),
        ("curl/8.5.0", False),  # a script using the data: people's use
        ("python-requests/2.32.3", False),
        ("ckanapi/4.11 (+https://github.com/ckan/ckanapi)", False),
    ],
)
def test_bots_are_told_apart_by_the_maintained_list(user_agent: str, bot: bool) -> None:
    assert is_bot(user_agent) is bot
    assert len(bot_patterns()) > 1000


def _rows(engine: sa.Engine) -> list[tuple[Any, ...]]:
    u = usage_counts
    with read(engine) as conn:
        query = sa.select(u.c.period, u.c.day, u.c.kind, u.c.bot, u.c["count"])
        return [tuple(r) for r in conn.execute(query.order_by(u.c.day, u.c.kind, u.c.bot))]


@pytest.fixture
def dataset_id(world: World) -> str:
    created = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_two_processes_add_up_and_close_writes_the_rest(
    world: World, settings: Settings, engine: sa.Engine, dataset_id: str
) -> None:
    first, second = open_counter(settings, engine), open_counter(settings, engine)
    for counter in (first, second, first):
        counter.count("view", FIREFOX, dataset_id=dataset_id)
        counter.count("download", "Googlebot/2.1", dataset_id=dataset_id)
    first.flush()
    second.close()
    first.close()
    today = dt.datetime.now(dt.UTC).date()
    assert _rows(engine) == [("day", today, "download", True, 3), ("day", today, "view", False, 3)]
    with read(engine) as conn:
        assert popularity_of(conn, dataset_id) == 3  # people's views; bots' downloads left out
    first.count("view", FIREFOX, dataset_id=dataset_id)  # after close: nothing more
    assert first.flush() == 0


def test_a_full_buffer_is_written_by_the_thread_at_once(
    settings: Settings, engine: sa.Engine
) -> None:
    written = threading.Event()
    batches: list[dict[Hit, int]] = []

    def writer(batch: dict[Hit, int]) -> None:
        batches.append(batch)
        written.set()

    counter = UsageCounter(writer, every_seconds=3600, most_events=3)
    for _ in range(3):
        counter.count("api", FIREFOX, dataset_id="d")
    assert written.wait(30)  # an hour's period, yet written at the third count
    counter.close()
    assert [sum(b.values()) for b in batches] == [3]


def test_a_refused_batch_waits_for_the_next_flush() -> None:
    calls: list[int] = []

    def writer(batch: dict[Hit, int]) -> None:
        calls.append(sum(batch.values()))
        if len(calls) == 1:
            raise RuntimeError("database busy")

    counter = UsageCounter(writer, every_seconds=3600, most_events=1000)
    counter.count("query", FIREFOX, distribution_id="x")
    assert counter.flush() == 0
    counter.count("query", FIREFOX, distribution_id="x")
    assert counter.flush() == 2
    counter.close()
    assert calls == [1, 2]


def test_counting_off_counts_nothing(settings: Settings, engine: sa.Engine) -> None:
    import dataclasses

    off = open_counter(dataclasses.replace(settings, usage_counting=False), engine)
    off.count("view", FIREFOX, dataset_id="d")
    assert off.flush() == 0
    off.close()


def test_old_days_are_summed_into_months(world: World, engine: sa.Engine, dataset_id: str) -> None:
    days = [dt.date(2025, 1, 5), dt.date(2025, 1, 20), dt.date(2025, 2, 1), dt.date(2025, 3, 9)]
    for day in days:  # a counter whose clock says `day`
        counter = UsageCounter(
            lambda b: add_counts(engine, b), every_seconds=3600, most_events=1000,
            today=lambda d=day: d,
        )  # fmt: skip
        counter.count("download", FIREFOX, dataset_id=dataset_id)
        counter.count("download", FIREFOX, dataset_id=dataset_id)
        counter.close()
    assert roll_up(engine, dt.date(2025, 3, 1)) == 3
    assert roll_up(engine, dt.date(2025, 3, 1)) == 0
    assert _rows(engine) == [
        ("month", dt.date(2025, 1, 1), "download", False, 4),
        ("month", dt.date(2025, 2, 1), "download", False, 2),
        ("day", dt.date(2025, 3, 9), "download", False, 2),
    ]
    api = world.client.get(
        f"/api/datasets/{dataset_id}/statistics", params={"from": "2025-01-01", "to": "2025-03-31"}
    ).json()
    months = [(d["day"], d["people"]["downloads"]) for d in api["days"] if d["period"] == "month"]
    assert months == [("2025-01-01", 4), ("2025-02-01", 2)]
    assert api["totals"]["people"]["downloads"] == 8
