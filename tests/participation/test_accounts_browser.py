"""A resident's whole account journey in a real Chromium against a live Torget, in Swedish and
English: register, read the verification mail in the `.eml` outbox, confirm, log in, forget
the password and choose a new one, download their data and delete the account. Every page
state on the way passes axe-core's WCAG 2.1 A/AA checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.participation.outbox import link, messages
from tests.web.browser import (
    LiveServer,
    axe_violations,
    chromium,
    click_to_load,
    describe,
    live_server,
    needs_chromium,
)

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("accounts")) / "data") as live:
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _accessible(page: Any, lang: str, state: str) -> None:
    assert page.evaluate("document.documentElement.lang") == lang
    violations = axe_violations(page)
    assert violations == [], f"{state} ({lang}) at {page.url}:\n{describe(violations)}"


def _submit(page: Any, action: str) -> None:
    click_to_load(page, f"main form[action='{action}'] button[type=submit]")


WORDS = {
    "sv": {"sent": "Titta i din e-post", "verified": "Din e-postadress är bekräftad",
           "used": "Länken har redan använts", "banner": "Bekräfta din e-postadress",
           "deleted": "Ditt konto är borttaget", "saved": "Ditt nya lösenord är sparat"},
    "en": {"sent": "Check your e-mail", "verified": "your e-mail address is confirmed",
           "used": "This link has already been used", "banner": "Confirm your e-mail address",
           "deleted": "Your account is deleted", "saved": "Your new password is saved"},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_account_journey(chrome: Any, server: LiveServer, lang: str) -> None:
    context = chrome.new_context(bypass_csp=True, locale="sv-SE", accept_downloads=True)
    context.add_cookies([{"name": "torget_lang", "value": lang, "url": server.base}])
    page = context.new_page()
    name, email, words = f"boende-{lang}", f"boende-{lang}@example.se", WORDS[lang]
    try:
        _register(page, server, lang, name, email, words)
        _confirm(page, server, lang, email, words)
        _reset_password(page, server, lang, email, words)
        _export_and_delete(page, server, lang, name, words)
    finally:
        context.close()


def _register(page: Any, server: LiveServer, lang: str, name: str, email: str, words: Any) -> None:
    page.goto(server.url("/register"))
    _accessible(page, lang, "register")
    _submit(page, "/register")
    assert page.locator(".error-summary").is_visible()
    _accessible(page, lang, "register-errors")
    page.fill("#f-name", name)
    page.fill("#f-fullname", "Boende <i>Berg</i>")
    page.fill("#f-email", email)
    page.fill("#f-password", "ett-langt-losenord")
    _submit(page, "/register")
    page.wait_for_url("**/register/sent")
    assert words["sent"] in page.inner_text("h1")
    _accessible(page, lang, "register-sent")
    page.goto(server.url("/login"))
    page.fill("#f-username", name)
    page.fill("#f-password", "ett-langt-losenord")
    _submit(page, "/login")
    page.goto(server.url("/account"))
    assert words["banner"] in page.inner_text(".account-banner")
    assert "Boende <i>Berg</i>" in page.inner_text("main")  # markup shown as text
    _accessible(page, lang, "account-unverified")


def _confirm(page: Any, server: LiveServer, lang: str, email: str, words: Any) -> None:
    [mail] = messages(server.settings.data_dir, email)
    verify = link(mail, "/verify")
    assert verify.startswith(server.base)
    page.goto(verify)
    _accessible(page, lang, "verify")
    _submit(page, "/verify")
    page.wait_for_url("**/account")
    assert words["verified"] in page.inner_text("main")
    assert page.locator(".account-banner").count() == 0
    _accessible(page, lang, "account")
    page.goto(verify)
    _submit(page, "/verify")
    assert words["used"] in page.inner_text(".error-summary")
    _accessible(page, lang, "verify-used")


def _reset_password(page: Any, server: LiveServer, lang: str, email: str, words: Any) -> None:
    page.click("form[action='/logout'] button")
    page.goto(server.url("/login"))
    page.click("a[href='/password/forgot']")
    _accessible(page, lang, "forgot")
    _submit(page, "/password/forgot")
    _accessible(page, lang, "forgot-errors")
    page.fill("#f-email", email.upper())
    _submit(page, "/password/forgot")
    page.wait_for_url("**/password/sent")
    _accessible(page, lang, "forgot-sent")
    page.goto(link(messages(server.settings.data_dir, email)[-1], "/password/reset"))
    _accessible(page, lang, "reset")
    page.fill("#f-password", "kort")
    _submit(page, "/password/reset")
    _accessible(page, lang, "reset-errors")
    page.fill("#f-password", "ett-nytt-losenord")
    _submit(page, "/password/reset")
    page.wait_for_url("**/account")
    assert words["saved"] in page.inner_text("main")


def _export_and_delete(page: Any, server: LiveServer, lang: str, name: str, words: Any) -> None:
    with page.expect_download() as download:
        page.click("main a[href='/account/export']")
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["account"]["name"] == name
    assert document["account"]["email_verified_at"] is not None
    page.click("main a[href='/account/delete']")
    _accessible(page, lang, "delete")
    page.fill("#f-password", "fel-losenord")
    _submit(page, "/account/delete")
    _accessible(page, lang, "delete-errors")
    page.fill("#f-password", "ett-nytt-losenord")
    _submit(page, "/account/delete")
    page.wait_for_url(server.url("/"))
    assert words["deleted"] in page.inner_text("main")
    _accessible(page, lang, "deleted")
