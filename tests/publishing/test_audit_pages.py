"""The audit log's pages in a real Chromium, Swedish and English: an organisation's log and a
dataset's history show who changed which field from what to what, and axe-core finds no WCAG
2.1 A/AA violation on either."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import (
    LiveServer,
    assert_accessible,
    chromium,
    language_context,
    live_server,
    needs_chromium,
)
from tests.web.sample import PASSWORD
from torget.accounts.permissions import COMMAND_LINE, Channel, actor_for
from torget.accounts.users import get_user
from torget.db.engine import write
from torget.publishing import changes, settlements

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("audit")) / "data") as live:
        with write(live.site.engine) as conn:
            anna = actor_for(conn, get_user(conn, "anna")).via(Channel.API)
            draft = live.sample.draft.id
            changes.patch_dataset(conn, anna, draft, {"title": {"sv": "Badplatser i Sjöstad"}})
            settlements.classify(conn, COMMAND_LINE, draft, confidentiality=0, integrity=1,
                                 availability=1, reason="Öppna uppgifter.")  # fmt: skip
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_log_and_the_history_read_field_by_field(
    chrome: Any, server: LiveServer, lang: str
) -> None:
    context = language_context(chrome, server, lang)
    page = context.new_page()
    page.goto(server.url("/login"))
    page.fill("#f-username", "admin")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit] >> text=/Logga in|Log in/")
    page.wait_for_url("**/publish")
    try:
        page.goto(server.url("/publish/organisation/sjostad/audit"))
        text = page.inner_text("main")
        assert "title.sv" in text and "Badplatser i Sjöstad" in text and "anna" in text
        assert ("via JSON-API:t" if lang == "sv" else "via the JSON API") in text
        assert_accessible(page, "organisation audit log", lang)
        page.goto(server.url(f"/publish/dataset/{server.sample.draft.id}/history"))
        text = page.inner_text("main")
        assert "classification.confidentiality" in text
        assert ("via kommandoraden" if lang == "sv" else "via the command line") in text
        assert_accessible(page, "dataset history", lang)
    finally:
        context.close()
