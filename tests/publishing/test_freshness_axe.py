"""The pages of due dates, reminders and link checks (issue 20) in a real Chromium, in Swedish
and English: no WCAG 2.1 A/AA violations found by axe-core, with an overdue dataset and a
broken link on show (the overdue badge, the dashboard's lists, the publishing page's link
checks, search's overdue filter, the unsubscribe page valid and forged)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import (
    LiveServer,
    axe_violations,
    chromium,
    describe,
    live_server,
    needs_chromium,
)
from tests.web.sample import PASSWORD
from torget.clock import now
from torget.db.engine import write
from torget.db.schema import datastore_tables, distributions, link_checks
from torget.publishing.freshness import refresh_due_dates
from torget.publishing.reminders import unsubscribe_link
from torget.web.sessions import session_secret

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("freshness-axe")) / "data") as live:
        bathing = live.sample.bathing
        long_ago = now() - dt.timedelta(days=400)  # annual: overdue
        first, second = (d.id for d in bathing.distributions[:2])  # changed and loaded then:
        with write(live.site.engine) as conn:
            conn.execute(
                distributions.update()
                .where(distributions.c.dataset_id == bathing.id)
                .values(updated_at=long_ago)
            )
            conn.execute(
                datastore_tables.update()
                .where(
                    datastore_tables.c.distribution_id.in_([d.id for d in bathing.distributions])
                )
                .values(loaded_at=long_ago)
            )
            refresh_due_dates(conn, [bathing.id])
            conn.execute(link_checks.insert().values(
                distribution_id=first, url="https://data.sjostad.example/badplatser.csv",
                status=404, error="HTTP 404", checked_at=now(), last_failure_at=now(),
                broken_since=now() - dt.timedelta(days=9),
            ))  # fmt: skip
            conn.execute(link_checks.insert().values(
                distribution_id=second, url="https://data.sjostad.example/a.geojson",
                status=200, content_type="application/geo+json", size=1234, checked_at=now(),
                final_url="https://cdn.sjostad.example/a.geojson", last_success_at=now(),
            ))  # fmt: skip
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _unsubscribe(s: LiveServer) -> str:
    link = unsubscribe_link(s.settings, session_secret(s.settings), "kontakt@sjostad.example")
    return link.removeprefix(s.base)


PAGES: list[tuple[str, bool, Callable[[LiveServer], str]]] = [
    ("dashboard", True, lambda s: "/publish"),
    ("dataset-overview", True, lambda s: f"/publish/dataset/{s.sample.bathing.id}"),
    ("dataset", False, lambda s: f"/dataset/{s.sample.bathing.name}"),
    ("search-overdue", False, lambda s: "/search?overdue=1"),
    ("unsubscribe", False, _unsubscribe),
    ("unsubscribe-forged", False, lambda s: _unsubscribe(s).replace("kontakt", "annan")),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "signed", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_accessibility_violations(
    chrome: Any, server: LiveServer, lang: str, name: str, signed: bool,
    path: Callable[[LiveServer], str],
) -> None:  # fmt: skip
    context = chrome.new_context(bypass_csp=True, locale="sv-SE")
    context.add_cookies([{"name": "torget_lang", "value": lang, "url": server.base}])
    page = context.new_page()
    try:
        if signed:
            page.goto(server.url("/login"))
            page.fill("#f-username", "admin")
            page.fill("#f-password", PASSWORD)
            page.click("button[type=submit] >> text=/Logga in|Log in/")
            page.wait_for_url("**/publish")
        page.goto(server.url(path(server)))
        text = page.inner_text("main").casefold()  # tags are upper case by CSS
        words = ("försenad", "overdue", "påminnelser", "reminders", "länken", "link")
        assert any(word in text for word in words), text[:600]
        violations = axe_violations(page)
        assert violations == [], f"{name} ({lang}) at {page.url}:\n{describe(violations)}"
    finally:
        context.close()
