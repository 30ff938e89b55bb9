"""The inventory's pages in a real Chromium, in Swedish and English: no WCAG 2.1 A/AA violation
found by axe-core on the list (also with a refused spreadsheet's problems), a candidate's form
(also with errors), the public list and a suggestion that points to its candidate; and an
editor's import and promotion done with the keyboard alone, without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import (
    LiveServer,
    assert_accessible,
    chromium,
    click_to_load,
    language_context,
    live_server,
    needs_chromium,
)
from tests.web.sample import PASSWORD
from torget.accounts.permissions import SYSTEM, actor_for
from torget.accounts.users import get_user
from torget.db.engine import write
from torget.participation.suggestions import SuggestionIn, create_suggestion
from torget.publishing.inventory_changes import create_candidate, set_public
from torget.publishing.inventory_fields import CandidateIn

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("inventory")) / "data") as live:
        with write(live.site.engine) as conn:
            voter = actor_for(conn, get_user(conn, "outsider"))
            asked = create_suggestion(
                conn,
                voter,
                SuggestionIn("Alla parkträd", "Träden.", "Skugga.", "sjostad"),
                address="10.0.0.1",
            )
            made = create_candidate(
                conn,
                SYSTEM,
                "miljo",
                CandidateIn(
                    "Träd i parker",
                    "Park trees",
                    "Park och natur",
                    "Varje träd.\n\nMed art.",
                    ["social", "environmental"],
                    "small",
                    "Geospatial",
                    "Åsa",
                    "asa@sjostad.example",
                    [asked.id],
                ),
            )
            create_candidate(conn, SYSTEM, "miljo", CandidateIn("Buller", effort="large"))
            set_public(conn, SYSTEM, "miljo", True)
        live.suggestion_id = asked.id  # type: ignore[attr-defined]
        live.candidate_id = made.id  # type: ignore[attr-defined]
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _signed_in(chrome: Any, server: LiveServer, lang: str, user: str = "admin") -> Any:
    context = language_context(chrome, server, lang)
    page = context.new_page()
    page.goto(server.url("/login"))
    page.fill("#f-username", user)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit] >> text=/Logga in|Log in/")
    page.wait_for_url("**/publish")
    return page


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_inventory_pages_have_no_accessibility_violations(
    chrome: Any, server: LiveServer, lang: str, tmp_path: Path
) -> None:
    anonymous = language_context(chrome, server, lang).new_page()
    anonymous.goto(server.url("/organisation/miljo/inventory"))
    assert_accessible(anonymous, "public inventory", lang)
    anonymous.goto(server.url(f"/suggestions/{server.suggestion_id}"))  # type: ignore[attr-defined]
    assert anonymous.locator(f"a[href$='#candidate-{server.candidate_id}']").count() == 1  # type: ignore[attr-defined]
    assert_accessible(anonymous, "suggestion with its candidate", lang)
    page = _signed_in(chrome, server, lang)
    page.goto(server.url("/publish/organisation/miljo/inventory"))
    assert_accessible(page, "inventory", lang)
    bad = tmp_path / "fel.csv"
    bad.write_text("titel,insats,färg\nA,enorm,röd\n", encoding="utf-8")
    page.set_input_files("#f-file", str(bad))
    click_to_load(page, "form[action$='/import'] button[type=submit]")
    assert page.locator(".error-summary li").count() == 1  # the unknown column
    assert_accessible(page, "inventory with a refused spreadsheet", lang)
    page.goto(server.url(f"/publish/inventory/{server.candidate_id}"))  # type: ignore[attr-defined]
    assert_accessible(page, "candidate", lang)
    page.goto(server.url("/publish/organisation/miljo/inventory/new"))
    page.fill("#f-contact_email", "nope")
    click_to_load(page, "main form[method=post] button[type=submit] >> nth=-1")
    assert page.locator("[aria-invalid=true]").count() == 2
    assert_accessible(page, "new candidate with errors", lang)
    page.context.close()
    anonymous.context.close()


def test_an_editor_imports_and_promotes_with_the_keyboard_without_javascript(
    chrome: Any, server: LiveServer, tmp_path: Path
) -> None:
    context = chrome.new_context(java_script_enabled=False, locale="sv-SE")
    context.add_cookies([{"name": "torget_lang", "value": "sv", "url": server.base}])
    page = context.new_page()
    page.goto(server.url("/login"))
    page.fill("#f-username", "anna")
    page.fill("#f-password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/publish")
    page.goto(server.url("/publish/organisation/miljo/inventory"))
    sheet = tmp_path / "inventering.csv"
    sheet.write_text("Titel;Insats\nGatubelysning;liten\n", encoding="cp1252")
    page.set_input_files("#f-file", str(sheet))
    page.focus("form[action$='/import'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 tillagda" in page.content()
    page.focus("text=Gatubelysning")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.focus("form[action$='/promote'] button")
    with page.expect_navigation(url="**/publish/dataset/**"):
        page.keyboard.press("Enter")
    assert "Gatubelysning" in page.content()
    context.close()
