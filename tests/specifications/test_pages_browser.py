"""The specification pages in a real Chromium, in Swedish and English: no WCAG 2.1 A/AA
violation found by axe-core on the list, a specification's page, and the "check my file"
result (a bad file, so the report's tables are shown), reached with the form itself."""

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

pytestmark = [pytest.mark.browser, needs_chromium]
BAD = Path(__file__).parent / "files" / "badplatser_bad.csv"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("specifications")) / "data") as live:
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_specification_pages_are_accessible(chrome: Any, server: LiveServer, lang: str) -> None:
    context = language_context(chrome, server, lang)
    page = context.new_page()
    try:
        page.goto(server.url("/specifications"))
        assert_accessible(page, "specifications", lang)
        page.click("a[href='/specifications/badplatser/1.0']")
        assert_accessible(page, "specification", lang)
        page.set_input_files("#f-file", str(BAD))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_selector("#result-heading")
        assert page.locator(".tag-failed").count() == 1
        assert_accessible(page, "check result", lang)
        page.goto(server.url("/specifications/badplatser/1.0"))
        page.click("form[enctype] button[type=submit]")  # no file chosen: the error summary
        assert_accessible(page, "check without a file", lang)
    finally:
        page.close()
        context.close()
