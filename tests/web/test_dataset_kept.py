"""The dataset page kept for anonymous readers (issue 21, `pages/dataset_kept.py`): whatever
it shows is right at once after a change, whether the change is to the catalogue (the key's
token), to the dataset's loads (compared on every use) or per reader (the use summary, the
questions and comments, the reader's log-in, form token and messages are filled in each
time). Each test first reads the page twice, so that the second answer is the kept one."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import World, dataset_payload
from tests.participation.helpers import add_user
from tests.web.conftest import Browser
from torget.accounts.permissions import SYSTEM
from torget.catalog import datasets
from torget.datastore import jobs
from torget.datastore.load import load_local
from torget.db import schema
from torget.db.engine import write
from torget.settings import Settings
from torget.usage.counter import Hit
from torget.usage.store import add_counts

DEMO = Path(__file__).parents[2] / "torget" / "catalog" / "demo" / "files"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@dataclass
class Page:
    world: World
    id: str
    name: str
    csv: str  # the loaded distribution

    @property
    def path(self) -> str:
        return f"/dataset/{self.name}"

    def reader(self, lang: str = "en") -> Browser:
        """A browser of its own (its own cookies), anonymous until it logs in."""
        client = TestClient(self.world.client.app, cookies={"torget_lang": lang})
        return Browser(client)

    def read(self, browser: Browser) -> str:
        """The page as `browser` gets it, read twice: the second answer is the kept one
        (for an anonymous reader), and it must not differ from the first."""
        first = browser.get(self.path)
        second = browser.get(self.path)
        assert second.status_code == 200, second.text
        assert _without_use(first.text) == _without_use(second.text)
        return second.text


def _without_use(page: str) -> str:
    return re.sub(r"In the last 30 days: [^<]*", "", page)


@pytest.fixture
def page(world: World, settings: Settings, engine: sa.Engine) -> Page:
    payload = dataset_payload(
        state="draft",
        distributions=[{"title": {"sv": "Budget som CSV", "en": "Budget as CSV"},
                        "download_url": "https://data.sjostad.example/budget.csv",
                        "format": "CSV"}],
    )  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    csv = created.json()["distributions"][0]["id"]
    load_local(settings, engine, csv, DEMO / "budget.csv", "csv")
    with write(engine) as conn:  # published by the store: the checklist is not the point here
        datasets.patch_dataset(conn, SYSTEM, created.json()["id"], {"state": "published"})
    return Page(world, created.json()["id"], created.json()["name"], csv)


def _rows(text: str) -> int:
    found = re.search(r"In the datastore</span>\s*([\d,]+) rows", text)
    assert found, "no datastore line"
    return int(found.group(1).replace(",", ""))


def _rename_behind_torgets_back(engine: sa.Engine, dataset_id: str, title: str) -> None:
    """SQL typed into the database: no event, so the catalogue's token stays as it was."""
    with write(engine) as conn:
        row = conn.execute(
            sa.select(schema.datasets.c.data).where(schema.datasets.c.id == dataset_id)
        )
        record = json.loads(row.scalar_one())
        record["title"]["en"] = title
        conn.execute(
            schema.datasets.update()
            .where(schema.datasets.c.id == dataset_id)
            .values(data=json.dumps(record))
        )


def test_a_catalogue_change_shows_at_once_in_each_language(page: Page, engine: sa.Engine) -> None:
    english, swedish = page.reader("en"), page.reader("sv")
    assert "<h1>Bathing sites</h1>" in page.read(english)
    assert "<h1>Badplatser</h1>" in page.read(swedish)
    # The page is kept: what changes behind Torget's back shows after its next change.
    _rename_behind_torgets_back(engine, page.id, "Unseen")
    assert "<h1>Bathing sites</h1>" in english.get(page.path).text
    with write(engine) as conn:  # the store: the checklist is not the point here
        datasets.patch_dataset(
            conn, SYSTEM, page.id, {"title": {"sv": "Strandbad", "en": "Beaches"}}
        )
    assert "<h1>Beaches</h1>" in english.get(page.path).text
    assert "<h1>Strandbad</h1>" in swedish.get(page.path).text


def test_a_new_load_and_new_column_descriptions_show_at_once(
    page: Page, settings: Settings, engine: sa.Engine
) -> None:
    reader = page.reader()
    before = _rows(page.read(reader))
    load_local(settings, engine, page.csv, DEMO / "befolkning-per-distrikt.csv", "csv")
    after = reader.get(page.path).text
    assert _rows(after) != before
    described = page.world.client.put(
        f"/api/datastore/{page.csv}/columns",
        json={"columns": [{"name": "distrikt", "description": {"sv": "Valdistriktet",
                                                               "en": "The voting district"}}]},
        headers=page.world.auth("editor"),
    )  # fmt: skip
    assert described.status_code == 200, described.text
    assert "The voting district" in reader.get(page.path).text


def test_a_load_under_way_shows_its_progress_each_time(page: Page, engine: sa.Engine) -> None:
    reader = page.reader()
    page.read(reader)
    with write(engine) as conn:
        job = jobs.create_job(conn, page.csv, "https://data.sjostad.example/budget.csv", "csv")
    assert "Waiting to be loaded" in page.read(reader)
    with write(engine) as conn:
        jobs.claim_job(conn, job)
        jobs.beat(conn, job, "reading", 10)
    assert "10 % done" in page.read(reader)
    with write(engine) as conn:
        jobs.beat(conn, job, "reading", 60)
    assert "60 % done" in reader.get(page.path).text


def _views(text: str) -> int:
    found = re.search(r"In the last 30 days: ([\d,]+) page views", text)
    assert found, "no use summary"
    return int(found.group(1).replace(",", ""))


def test_questions_and_use_show_at_once(page: Page, engine: sa.Engine) -> None:
    reader = page.reader()
    text = page.read(reader)
    assert "No questions yet." in text
    add_user(engine, "asker")
    asked = page.world.client.post(
        "/api/comments",
        json={"subject_type": "dataset", "subject": page.name, "body": "Finns 2024 också?"},
        headers={"Authorization": f"Bearer {page.world.token('asker')}"},
    )
    assert asked.status_code == 201, asked.text
    views = _views(text)
    today = dt.datetime.now(dt.UTC).date()
    add_counts(engine, {Hit(today, page.id, "", "view", FIREFOX): 1000})
    text = reader.get(page.path).text
    assert "Finns 2024 också?" in text and "No questions yet." not in text
    assert _views(text) >= views + 1000


def _token(text: str) -> str | None:
    found = re.search(r'name="csrf_token" value="([^"]*)"', text)
    return found.group(1) if found else None


def test_each_reader_gets_their_own_log_in_state_token_and_messages(page: Page) -> None:
    anonymous, editor = page.reader(), page.reader()
    kept = page.read(anonymous)
    assert "Log out" not in kept and _token(kept) is None and "Edit this dataset" not in kept
    logged_in = editor.post(
        "/login", {"username": "editor", "password": "secret-password", "next": "/"}
    )
    assert logged_in.status_code == 303, logged_in.text
    assert "You are logged in as" in editor.get(page.path).text  # a message, then none
    own = editor.get(page.path).text
    assert "Log out" in own and "Edit this dataset" in own
    assert _token(own) == editor.csrf("/login")  # the session's own token, not a kept one
    again = anonymous.get(page.path).text
    assert "Log out" not in again and _token(again) is None and "Edit this dataset" not in again
    out = editor.post("/logout", token_from=page.path)
    assert out.status_code == 303
    told = editor.get(page.path).text
    assert "You are logged out." in told and "Log out" not in told
    assert "You are logged out." not in editor.get(page.path).text


def test_the_kept_page_is_the_page_built_for_a_reader(page: Page) -> None:
    """A query builds the page for the request (not kept); apart from the address the two
    pages are the same, slots filled."""
    reader = page.reader()
    kept = page.read(reader)
    built = reader.get(f"{page.path}?preview={page.csv}").text
    unquery = re.sub(r"\?preview=[^\"&]*&amp;lang=|\?lang=", "?lang=", built)
    assert "<!--slot:" not in kept and "<!--slot:" not in built
    assert _without_use(unquery) == _without_use(kept)


def test_the_use_summary_is_read_once_per_batch_of_counts(page: Page, engine: sa.Engine) -> None:
    """The summary moves only when counts are written (their token changes): a view of the
    kept page does not read the counts again (issue 21: two grouped queries per view)."""
    reader = page.reader()
    page.read(reader)
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert reader.get(page.path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert seen and not [s for s in seen if "usage_counts" in s]
