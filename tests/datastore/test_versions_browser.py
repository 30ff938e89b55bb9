"""The dataset page's "what changed in the last load" in a real Chromium, in Swedish and
English, as an editor sees it (counts, the changed values' table, the refresh's status line,
the key form): no WCAG 2.1 A/AA violation found by axe-core, with the section opened."""

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
from torget.accounts.permissions import SYSTEM
from torget.datastore import refresh, version_store
from torget.datastore.load import load_local
from torget.db.engine import write

pytestmark = [pytest.mark.browser, needs_chromium]
V1 = "Namn;Kvalitet\nLångsjön;Bra\nNorrviken;Bra\nSandviken;Dålig\n"
V2 = "Namn;Kvalitet\nLångsjön;Bra\nNorrviken;Dålig\nBadviken;Bra\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = Path(tmp_path_factory.mktemp("versions"))
    with live_server(folder / "data") as live:
        site = live.site
        dist = live.sample.bathing.distributions[0].id
        for n, text in enumerate((V1, V2)):
            source = folder / f"v{n}.csv"
            source.write_text(text, encoding="utf-8")
            load_local(site.settings, site.engine, dist, source, "csv")
            if n == 0:
                with write(site.engine) as conn:
                    version_store.set_key(conn, SYSTEM, site.settings.datastore_path, dist,
                                          ["Namn"])  # fmt: skip
        refresh.refresh(site.settings, site.engine, dist)  # an unknown host: a status line
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_what_changed_is_accessible(chrome: Any, server: LiveServer, lang: str) -> None:
    context = language_context(chrome, server, lang)
    page = context.new_page()
    try:
        page.goto(server.url("/login"))
        page.fill("#f-username", "anna")
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit] >> text=/Logga in|Log in/")
        page.wait_for_url("**/publish")
        page.goto(server.url(f"/dataset/{server.sample.bathing.name}"))
        page.click("details.load-changes summary")
        assert page.locator("details.load-changes table td").count() >= 2
        assert page.locator("details.load-changes .refresh-status").count() == 1
        assert_accessible(page, "what changed", lang)
    finally:
        page.close()
        context.close()
