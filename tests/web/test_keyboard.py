"""Publishing with the keyboard only: log in, create a dataset, fix a validation error, add a
distribution, publish, and find the dataset in the DCAT feed. Only `keyboard.press` and
`keyboard.type` act on the pages (no clicks, no filling by selector)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.browser import LiveServer, chromium, live_server, needs_chromium
from tests.web.sample import PASSWORD

pytestmark = [pytest.mark.browser, needs_chromium]

_FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName.toLowerCase(), id: e.id || "", type: e.type || "",
          text: (e.innerText || e.value || "").trim()};
}"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(tmp_path / "data") as live:
        yield live


def _tab_to(page: Any, wanted: Callable[[dict[str, str]], bool], what: str) -> None:
    """Press Tab until the focused element is the wanted one (as a keyboard user would)."""
    seen = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if wanted(focused):
            return
        seen.append(f"{focused['tag']}#{focused['id']}:{focused['text'][:30]}")
    raise AssertionError(f"could not reach {what} with Tab; passed {seen[-15:]}")


def _field(field_id: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f["id"] == field_id


def _control(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f["tag"] in ("a", "button") and f["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f["tag"] == "button" and f["text"] == text


def _focused_is_visible(page: Any) -> bool:
    """The focus indicator: the focused control gets the yellow focus colour."""
    colour = page.evaluate("() => getComputedStyle(document.activeElement).backgroundColor")
    return bool(colour == "rgb(255, 221, 0)")


def test_publish_a_dataset_with_the_keyboard_only(server: LiveServer) -> None:
    with chromium() as browser:
        context = browser.new_context(locale="sv-SE")
        page = context.new_page()
        page.goto(server.url("/"))
        keys = page.keyboard

        _tab_to(page, _control("Hoppa till innehållet"), "the skip link")
        assert _focused_is_visible(page)
        _tab_to(page, _control("Logga in"), "the log-in link")
        assert _focused_is_visible(page)
        keys.press("Enter")
        page.wait_for_url("**/login")
        _tab_to(page, _field("f-username"), "the user name")
        keys.type("anna")
        keys.press("Tab")
        keys.type(PASSWORD)
        keys.press("Enter")
        page.wait_for_url("**/publish")

        _tab_to(page, _control("Ny datamängd"), "New dataset")
        keys.press("Enter")
        page.wait_for_url("**/publish/datasets/new")
        _tab_to(page, _field("f-organisation"), "the organisation")
        keys.press("ArrowDown")  # the only organisation Anna edits
        _tab_to(page, _field("f-title-sv"), "the Swedish title")
        keys.type("Lekplatser")
        keys.press("Tab")
        keys.type("Playgrounds")
        with page.expect_navigation():
            keys.press("Enter")  # submit without the required description
        assert page.title().startswith("Fel:")
        assert page.evaluate(_FOCUSED)["id"] == "" and page.locator(".error-summary").is_visible()
        _tab_to(page, lambda f: f["tag"] == "a" and "Beskrivning på svenska" in f["text"],
                "the error's link")  # fmt: skip
        keys.press("Enter")  # the error summary's link takes focus to the field
        assert page.evaluate(_FOCUSED)["id"] == "f-description-sv"
        assert page.locator("#f-title-en").input_value() == "Playgrounds"  # kept
        keys.type("Kommunens lekplatser med utrustning och tillgänglighet.")
        _tab_to(page, _field("f-access_rights"), "the access rights")
        for _ in range(6):  # arrow keys move a select's choice
            if page.locator("#f-access_rights").input_value().endswith("/PUBLIC"):
                break
            keys.press("ArrowDown")
        assert page.locator("#f-access_rights").input_value().endswith("/PUBLIC")
        _tab_to(page, _button("Spara"), "Save")
        keys.press("Enter")
        page.wait_for_url("**/publish/dataset/*")
        assert "Utkast" in page.content()

        _tab_to(page, _control("Lägg till en länk till data"), "Add a link to data")
        keys.press("Enter")
        page.wait_for_url("**/distributions/new")
        _tab_to(page, _field("f-download_url"), "the download link")
        keys.type("https://data.sjostad.example/lekplatser.csv")
        _tab_to(page, _field("f-format"), "the format")
        keys.type("CSV")
        _tab_to(page, _field("f-license"), "the licence")
        keys.press("ArrowDown")  # the first licence in the list, CC BY 4.0
        _tab_to(page, _field("f-format"), "the format again")
        keys.press("Enter")
        page.wait_for_url("**/publish/dataset/*")
        assert "lekplatser.csv" in page.content()

        # Issue 13 B: the information is classified before it can be published.
        _tab_to(page, _control("Checklista för publicering"), "the publishing checklist")
        keys.press("Enter")
        page.wait_for_url("**/checklist")
        for level in ("confidentiality", "integrity", "availability"):
            _tab_to(page, _field(f"f-classification-{level}"), level)
            keys.press("ArrowDown")  # level 0
        _tab_to(page, _field("f-classification-reason"), "the reason")
        keys.type("Offentliga platser, inga personuppgifter.")
        _tab_to(page, _button("Spara klassningen"), "Save the classification")
        with page.expect_navigation():
            keys.press("Enter")
        _tab_to(page, _control("Lekplatser"), "the dataset's publishing page")
        keys.press("Enter")
        page.wait_for_url("**/publish/dataset/*")

        _tab_to(page, _button("Publicera"), "the Publish button")
        with page.expect_navigation():
            keys.press("Enter")
        assert "Datamängden är publicerad" in page.content(), page.inner_text("main")
        context.close()

    feed = httpx.get(server.url("/datasets/dcat"), timeout=30).text
    assert "Lekplatser" in feed and "https://data.sjostad.example/lekplatser.csv" in feed
