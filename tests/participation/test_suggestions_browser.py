"""The suggestion journey in a real Chromium against a live Torget, in Swedish and English: a
resident registers, confirms the address from the `.eml` outbox, suggests a dataset and votes;
another resident votes too; an editor plans it and later marks it published, linking the
dataset; both voters find the e-mail in the outbox, one each. Every suggestion page state on
the way (and the dashboard's demand section) passes axe-core's WCAG 2.1 A and AA checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.participation.outbox import body, link, messages
from tests.web.browser import (
    LiveServer,
    assert_accessible,
    chromium,
    language_context,
    live_server,
    needs_chromium,
)
from tests.web.sample import PASSWORD

pytestmark = [pytest.mark.browser, needs_chromium]

WORDS = {
    "sv": {"verify_first": "Bekräfta din e-postadress först", "votes": "1 röst",
           "two_votes": "2 röster", "planned": "Planerad", "published": "Publicerad",
           "closed": "Röstningen är stängd"},
    "en": {"verify_first": "Confirm your e-mail address first", "votes": "1 vote",
           "two_votes": "2 votes", "planned": "Planned", "published": "Published",
           "closed": "Voting has closed"},
}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("suggestions")) / "data") as live:
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _log_in(page: Any, server: LiveServer, user: str, password: str = PASSWORD) -> None:
    page.goto(server.url("/login"))
    page.fill("#f-username", user)
    page.fill("#f-password", password)
    page.click("main form[action='/login'] button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _submit(page: Any, form: str) -> None:
    page.locator(form).first.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_suggest_vote_plan_and_publish(chrome: Any, server: LiveServer, lang: str) -> None:
    words, title = WORDS[lang], f"Cykelställ ({lang})"
    resident = language_context(chrome, server, lang)
    page = resident.new_page()
    email = _register_and_confirm(page, server, lang, words)
    suggestion = _suggest_and_vote(page, server, lang, title)
    resident.close()

    neighbour = language_context(chrome, server, lang)
    page = neighbour.new_page()
    _log_in(page, server, "outsider")
    page.goto(suggestion)
    _submit(page, "form[action$='/vote']")
    assert words["two_votes"] in page.inner_text("#votes ~ .vote-count")
    neighbour.close()

    editor = language_context(chrome, server, lang)
    page = editor.new_page()
    _log_in(page, server, "anna")  # an editor of miljo, the organisation suggested to
    _plan_and_publish(page, server, lang, suggestion, words)
    editor.close()

    anonymous = language_context(chrome, server, lang)
    page = anonymous.new_page()
    page.goto(suggestion)
    assert words["closed"] in page.inner_text("main")
    assert_accessible(page, "suggestion-published-anonymous", lang)
    page.goto(server.url("/suggestions?status=published"))
    assert title in page.inner_text("main")
    assert_accessible(page, "list-published", lang)
    anonymous.close()

    for address in (email, "outsider@example.se"):
        published = [m for m in messages(server.settings.data_dir, address)
                     if title in m["Subject"] and "/dataset/" in body(m)]  # fmt: skip
        assert len(published) == 1, f"{address}: {[m['Subject'] for m in published]}"
        assert link(published[0], f"/dataset/{server.sample.bathing.name}")


def _register_and_confirm(page: Any, server: LiveServer, lang: str, words: Any) -> str:
    name, email = f"cyklist-{lang}", f"cyklist-{lang}@example.se"
    page.goto(server.url("/register"))
    page.fill("#f-name", name)
    page.fill("#f-email", email)
    page.fill("#f-password", "ett-langt-losenord")
    page.click("main form[action='/register'] button[type=submit]")
    page.wait_for_url("**/register/sent")
    _log_in(page, server, name, "ett-langt-losenord")
    page.goto(server.url("/suggestions/new"))
    assert words["verify_first"] in page.inner_text("h1")
    assert_accessible(page, "suggest-verify-first", lang)
    [mail] = messages(server.settings.data_dir, email)
    page.goto(link(mail, "/verify"))
    page.click("main form[action='/verify'] button[type=submit]")
    page.wait_for_url("**/account")
    return email


def _suggest_and_vote(page: Any, server: LiveServer, lang: str, title: str) -> str:
    page.goto(server.url("/suggestions"))
    assert_accessible(page, "list", lang)
    page.click("main a.button[href='/suggestions/new']")
    page.wait_for_url("**/suggestions/new")
    assert_accessible(page, "suggest-form", lang)
    page.fill("#f-title", "x" * 201)
    _submit(page, "main form[action='/suggestions/new']")
    assert page.locator(".error-summary").is_visible()
    assert page.input_value("#f-title") == "x" * 201  # what was typed stays
    assert_accessible(page, "suggest-form-errors", lang)
    page.fill("#f-title", title)
    page.fill("#f-description", "Var finns <b>cykelställen</b>, och hur många platser har de?")
    page.fill("#f-reason", "För en karta över var man kan parkera cykeln.")
    page.select_option("#f-organisation", "miljo")
    page.select_option("#f-theme", "TRAN")
    _submit(page, "main form[action='/suggestions/new']")
    page.wait_for_url(lambda url: "/suggestions/new" not in url)
    assert "<b>cykelställen</b>" in page.inner_text(".description")  # markup shown as text
    assert_accessible(page, "suggestion-new", lang)
    _submit(page, "form[action$='/vote']")
    assert page.locator("form[action$='/vote/withdraw']").count() == 1
    assert_accessible(page, "suggestion-voted", lang)
    url: str = page.url.split("#")[0]
    return url


def _plan_and_publish(page: Any, server: LiveServer, lang: str, url: str, words: Any) -> None:
    page.goto(url)
    assert_accessible(page, "suggestion-editor", lang)
    page.check("#f-status-declined")
    _submit(page, f"form[action='{url.removeprefix(server.base)}/status']")
    assert page.locator(".error-summary").is_visible()  # declining needs a public reason
    assert_accessible(page, "status-errors", lang)
    page.check("#f-status-planned")
    page.fill("#f-status_reason", "Vi publicerar datan i maj.")
    _submit(page, "form[action$='/status']")
    assert words["planned"] in page.text_content("h1 + .lead .tag")
    assert_accessible(page, "suggestion-planned", lang)
    page.goto(server.url("/publish"))
    assert page.locator("#demand-miljo").count() == 1
    assert_accessible(page, "dashboard-demand", lang)
    page.goto(url)
    page.check("#f-status-published")
    page.select_option("#f-dataset", server.sample.bathing.id)
    _submit(page, "form[action$='/status']")
    assert words["published"] in page.text_content("h1 + .lead .tag")
    assert page.locator(f"main a[href='/dataset/{server.sample.bathing.name}']").count() >= 1
    assert_accessible(page, "suggestion-published-editor", lang)
