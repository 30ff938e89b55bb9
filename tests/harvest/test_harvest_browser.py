"""The harvest pages in a real Chromium, in Swedish and English: no WCAG 2.1 A/AA violations
found by axe-core, on the list with its form (also showing errors) and on a source's report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.harvest.catalogues import catalogue, dataset
from tests.harvest.conftest import Served
from tests.web.browser import (
    axe_violations,
    chromium,
    click_to_load,
    describe,
    live_server,
    needs_chromium,
)
from tests.web.sample import PASSWORD
from torget.accounts.permissions import SYSTEM
from torget.db.engine import write
from torget.harvest import sources
from torget.harvest.run import run_source
from torget.harvest.types import SOURCE_TYPES

pytestmark = [pytest.mark.browser, needs_chromium]


def _signed_in(browser: Any, base: str, lang: str) -> Any:
    context = browser.new_context(bypass_csp=True, locale="sv-SE")
    context.add_cookies([{"name": "torget_lang", "value": lang, "url": base}])
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#f-username", "admin")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit] >> text=/Logga in|Log in/")
    page.wait_for_url("**/publish")
    return page


def test_harvest_pages_are_accessible(tmp_path: Path, served: Served) -> None:
    body = catalogue(dataset(1), dataset(2, title=""), ids=[1, 2])
    url = served.put("/dcat", body, "text/turtle")
    with live_server(tmp_path / "data", harvest_allow_private=True) as live:
        with write(live.site.engine) as conn:
            source = sources.add_source(conn, SYSTEM, organisation="sjostad", type="dcat",
                                        url=url, known_types=tuple(SOURCE_TYPES))  # fmt: skip
        run_source(live.site.engine, live.settings, source.id)
        served.put("/dcat", b"<rdf:RDF", "application/rdf+xml")
        run_source(live.site.engine, live.settings, source.id)
        run_source(live.site.engine, live.settings, source.id)  # twice: flagged on /publish
        with chromium() as browser:
            for lang in ("sv", "en"):
                page = _signed_in(browser, live.base, lang)
                pages = ("/publish", "/publish/harvest", f"/publish/harvest/{source.id}",
                         f"/publish/harvest/{source.id}/remove")  # fmt: skip
                for path in pages:
                    page.goto(live.base + path)
                    found = axe_violations(page)
                    assert found == [], f"{path} ({lang}):\n{describe(found)}"
                page.goto(live.base + "/publish/harvest")
                click_to_load(page, "main form[method=post] button.button >> nth=-1")
                assert page.locator(".error-summary, [role=alert]").count() >= 1
                found = axe_violations(page)
                assert found == [], f"form with errors ({lang}):\n{describe(found)}"
                page.context.close()
