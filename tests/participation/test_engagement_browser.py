"""In a real Chromium against a live Torget, in Swedish and in English: a developer submits an
app, it is not on the dataset's page, an editor approves it, and then it is. Every page and
page state on the way (and the comment, follow and webhook pages) passes axe-core's WCAG 2.1
A and AA checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.participation.helpers import PNG
from tests.web.browser import (
    LiveServer,
    axe_violations,
    chromium,
    click_to_load,
    describe,
    live_server,
    needs_chromium,
)
from tests.web.sample import PASSWORD

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("engagement")) / "data") as live:
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _context(chrome: Any, server: LiveServer, lang: str, user: str | None) -> Any:
    # bypass_csp: axe is injected as an inline script, which the pages' CSP forbids.
    context = chrome.new_context(bypass_csp=True, locale="sv-SE")
    context.add_cookies([{"name": "torget_lang", "value": lang, "url": server.base}])
    if user is not None:
        page = context.new_page()
        page.goto(server.url("/login"))
        page.fill("#f-username", user)
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit] >> text=/Logga in|Log in/")
        page.wait_for_url(lambda url: "/login" not in url)  # publishers and the public land apart
        page.close()
    return context


def _check(page: Any, name: str, lang: str) -> None:
    assert page.evaluate("document.documentElement.lang") == lang
    violations = axe_violations(page)
    assert violations == [], f"{name} ({lang}) at {page.url}:\n{describe(violations)}"


def _submit(page: Any, form: str) -> None:
    click_to_load(page, page.locator(form).first.locator("button[type=submit]"))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_approved_app_appears_on_the_dataset_page(
    chrome: Any, server: LiveServer, lang: str
) -> None:
    dataset = server.url(f"/dataset/{server.sample.bathing.name}")
    title = f"Badkartan ({lang})"
    developer = _context(chrome, server, lang, "outsider")
    page = developer.new_page()
    page.goto(server.url(f"/showcases/new?dataset={server.sample.bathing.id}"))
    _check(page, "showcase-form", lang)
    _submit(page, "main form[enctype]")
    _check(page, "showcase-form-errors", lang)
    page.fill("#f-title", title)
    page.fill("#f-description", "En karta över kommunens badplatser.")
    page.fill("#f-url", "https://badkartan.example/")
    page.check("#f-kind")
    page.set_input_files("#f-image", files=[
        {"name": "karta.png", "mimeType": "image/png", "buffer": PNG}])  # fmt: skip
    _submit(page, "main form[enctype]")
    page.wait_for_url("**/showcases/*")
    showcase = page.url
    _check(page, "showcase-pending", lang)
    page.goto(dataset)
    assert title not in page.inner_text("#showcases + *")
    _check(page, "dataset-signed-in", lang)
    page.fill("#f-body", "Finns data för 2023?")
    _submit(page, "form[action='/comments']:has(#f-body)")
    assert "Finns data för 2023?" in page.inner_text(".comment-list")
    _check(page, "dataset-with-comment", lang)
    developer.close()

    editor = _context(chrome, server, lang, "anna")
    page = editor.new_page()
    page.goto(server.url("/showcases"))
    _check(page, "gallery-with-pending", lang)
    page.click(f"text={title}")
    assert page.url == showcase
    _check(page, "showcase-review", lang)
    _submit(page, "form[action$='/approve']")
    page.goto(dataset)
    _check(page, "dataset-editor", lang)
    editor.close()

    anonymous = _context(chrome, server, lang, None)
    page = anonymous.new_page()
    page.goto(dataset)
    section = page.inner_text("#showcases ~ ul.showcase-list")
    assert title in section
    page.locator(".showcase-list img").first.scroll_into_view_if_needed()  # loaded lazily
    page.wait_for_function("document.querySelector('.showcase-list img').complete")
    assert page.evaluate("document.querySelector('.showcase-list img').naturalWidth") == 8
    _check(page, "dataset-with-showcase", lang)
    page.goto(server.url("/showcases"))
    _check(page, "gallery", lang)
    page.goto(showcase)
    _check(page, "showcase", lang)
    anonymous.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_comment_follow_and_webhook_pages_are_accessible(
    chrome: Any, server: LiveServer, lang: str
) -> None:
    dataset = server.url(f"/dataset/{server.sample.bathing.name}")
    reader = _context(chrome, server, lang, "outsider")
    page = reader.new_page()
    page.goto(dataset)
    if page.locator("form[action='/follows/remove']").count():  # followed in the other run
        _submit(page, "form[action='/follows/remove']")
        _check(page, "dataset-not-following", lang)
    _submit(page, "form[action='/follows']")
    assert page.locator("form[action='/follows/remove']").count() == 1
    _check(page, "dataset-following", lang)
    page.fill("#f-body", f"Hur ofta uppdateras den? ({lang})")
    _submit(page, "form[action='/comments']:has(#f-body)")
    page.fill("#f-body", "x" * 5001)
    _submit(page, "form[action='/comments']:has(#f-body)")
    _check(page, "comment-errors", lang)
    page.goto(server.url("/follows"))
    _check(page, "follows", lang)
    reader.close()

    editor = _context(chrome, server, lang, "anna")
    page = editor.new_page()
    page.goto(dataset)
    page.locator(".moderation summary").first.click()
    _submit(page, ".moderation form")
    _check(page, "hide-errors", lang)
    page.goto(dataset)
    page.locator(".moderation summary").first.click()
    page.locator(".moderation input[name=reason]").first.fill("Fel sida")
    _submit(page, ".moderation form")
    _check(page, "dataset-hidden-comment", lang)
    editor.close()

    admin = _context(chrome, server, lang, "erik")
    page = admin.new_page()
    page.goto(server.url("/publish/organisation/sjostad/webhooks"))
    _check(page, "webhooks", lang)
    page.fill("#f-url", "http://127.0.0.1:9/")
    _submit(page, "main form[method=post]:has(#f-url)")
    _check(page, "webhooks-errors", lang)
    page.fill("#f-url", "https://93.184.215.14/torget")
    _submit(page, "main form[method=post]:has(#f-url)")
    assert page.inner_text("#new-secret")
    _check(page, "webhooks-created", lang)
    click_to_load(page, "text=/Leveranslogg|Delivery log/ >> nth=0")
    _check(page, "webhook-log", lang)
    admin.close()
