"""Search as a person types it, in a real Chromium: `Goteborg`, `harryda` and `badpl` find
what they mean from the plain search form (no JavaScript needed), and the suggestions under
the search box follow the WAI-ARIA 1.2 combobox pattern by keyboard (Down/Up move the active
option with aria-activedescendant while focus stays in the box, Enter opens the dataset,
Escape closes the list) and pass axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.search.conftest import _dataset
from tests.web.browser import (
    LiveServer,
    axe_violations,
    chromium,
    describe,
    live_server,
    needs_chromium,
)
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import create_dataset
from torget.catalog.model import DatasetIn
from torget.db.engine import write

pytestmark = [pytest.mark.browser, needs_chromium]

RECORDS = [
    _dataset("bad-goteborg", "Badplatser i Göteborg", "Bathing sites in Gothenburg",
             organisation="miljo"),
    _dataset("cykel-harryda", "Cykelräkningar i Härryda", None, organisation="miljo"),
    _dataset("badplatser-alla", "Badplatser", "Bathing sites", organisation="miljo"),
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("search-browser"))) as live:
        with write(live.site.engine) as conn:
            for record in RECORDS:
                create_dataset(conn, SYSTEM, DatasetIn.model_validate(record))
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[object]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Goteborg", "Badplatser i Göteborg"), ("harryda", "Cykelräkningar i Härryda"),
     ("badpl", "Badplatser")],
)  # fmt: skip
def test_the_search_form_finds_what_a_person_means(
    server: LiveServer, chrome: object, typed: str, meant: str
) -> None:
    context = chrome.new_context(java_script_enabled=False, locale="sv-SE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server.url("/search"))
    page.fill("#q", typed)
    page.click("button[type=submit] >> nth=0")
    first = page.locator(".dataset-list h3, .results h3, main h3").first
    assert first.inner_text().strip() == meant
    context.close()


def test_suggestions_are_a_combobox_used_by_keyboard(server: LiveServer, chrome: object) -> None:
    context = chrome.new_context(bypass_csp=True, locale="sv-SE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server.url("/"))
    box = page.locator("#q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.focus()
    page.keyboard.type("badpl")
    options = page.locator("#q-suggestions [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert options.all_inner_texts()[0] == "Badplatser"
    assert "Badplatser i Göteborg" in options.all_inner_texts()
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-suggestions-0"
    assert options.nth(0).get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-suggestions-1"
    page.keyboard.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == "q-suggestions-0"
    assert page.evaluate("document.activeElement.id") == "q"  # focus stays in the box
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#q-suggestions").is_hidden()
    page.keyboard.press("ArrowDown")  # opens the list again
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server.url("/dataset/badplatser-alla")
    context.close()
