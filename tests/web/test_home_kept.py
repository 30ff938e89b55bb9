"""The start page kept as rendered for anonymous readers and answered on the event loop
(issue 21, `pages/home.py`): a kept answer needs no thread of the pool and no query, and each
reader still gets their own page when it differs (signed in, a message waiting, a language).
What a catalogue or use change does to it: tests/web/test_caching.py (a renamed publisher)
and tests/web/test_search_page.py (new use counts)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import anyio.to_thread
import httpx
import sqlalchemy as sa

from tests.conftest import client_site
from tests.web.conftest import HTML, Browser


@contextmanager
def _statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements `engine` runs meanwhile."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_the_kept_page_is_answered_with_every_thread_busy(browser: Browser) -> None:
    """With every token of the thread pool held (64 readers' page renders, say), the kept
    page is still answered: the event loop alone serves it."""
    app = browser.client.app

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = await client.get("/", headers=HTML)  # built in a thread, then kept
            limiter = anyio.to_thread.current_default_thread_limiter()
            holders = [object() for _ in range(int(limiter.total_tokens))]
            for holder in holders:
                await limiter.acquire_on_behalf_of(holder)
            try:
                with anyio.fail_after(60):  # a handler waiting for a thread would wait forever
                    again = await client.get("/", headers=HTML)
            finally:
                for holder in holders:
                    limiter.release_on_behalf_of(holder)
            return first, again

    first, again = asyncio.run(scenario())
    assert again.status_code == 200 and again.text == first.text
    assert "Badplatser" in again.text


def test_a_kept_page_reads_nothing_from_the_database(browser: Browser) -> None:
    browser.get("/")
    with _statements(client_site(browser.client).engine) as seen:
        assert browser.get("/").status_code == 200
    assert seen == []


def test_each_reader_gets_their_own_start_page(browser: Browser) -> None:
    kept = browser.get("/").text
    assert browser.get("/").text == kept
    built = browser.get("/?lang=sv")  # a query: built for the request, by the same code
    assert built.text == kept and "torget_lang=sv" in built.headers["set-cookie"]
    english = browser.get("/?lang=en").text  # the reader's language from now on (a cookie)
    assert '<html lang="en">' in english and "Log in" in english
    assert browser.get("/").text == english  # each language its own kept page
    browser.get("/?lang=sv")

    browser.login("anna")
    mine = browser.get("/").text
    assert "Logga ut" in mine and "Logga in" not in mine and 'name="csrf_token"' in mine
    assert browser.post("/logout", token_from="/").status_code == 303
    told = browser.get("/").text  # a message waiting: this reader's own page
    assert "Du är utloggad." in told and "Logga ut" not in told
    assert browser.get("/").text == kept  # the message shown, the kept page again
