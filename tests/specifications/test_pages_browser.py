"""The specification pages in a real Chromium, in Swedish and English: no WCAG 2.1 A/AA
violation found by axe-core on the list, a specification's page, and the "check my file"
result (a bad file, so the report's tables are shown), reached with the form itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import org_payload, published_payload
from tests.web.browser import (
    LiveServer,
    assert_accessible,
    chromium,
    language_context,
    live_server,
    needs_chromium,
)
from torget.accounts.permissions import COMMAND_LINE, SYSTEM
from torget.catalog.model import DatasetIn, OrganisationIn
from torget.catalog.organisations import create_organisation
from torget.datastore.load import load_local
from torget.db.engine import write
from torget.publishing.changes import create_dataset
from torget.publishing.settlements import ClassificationIn

pytestmark = [pytest.mark.browser, needs_chromium]
BAD = Path(__file__).parent / "files" / "badplatser_bad.csv"
BATHING = "https://dataportal.se/specifications/badplatser/1.0"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("specifications")) / "data") as live:
        yield live


@pytest.fixture(scope="module")
def covered(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A published bathing-place table of Stockholm's: one municipality on the coverage map."""
    payload = published_payload(organisation="stockholm", title={"sv": "Badplatser"})
    payload["distributions"][0]["conforms_to"] = [{"url": BATHING}]
    classification = ClassificationIn(**payload.pop("classification"))
    with write(server.site.engine) as conn:
        city = org_payload("stockholm", title={"sv": "Stockholms stad"}, org_number=None)
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(city))
        made = create_dataset(conn, COMMAND_LINE, DatasetIn.model_validate(payload), classification)
    source = Path(tmp_path_factory.mktemp("coverage")) / "badplatser.csv"
    source.write_text("place_id,name,latitude,longitude\nB1,Långholmen,59.32,18.03\n", "utf-8")
    load_local(server.settings, server.site.engine, made.distributions[0].id, source, "csv")
    return "/specifications/badplatser/1.0/coverage"


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


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_coverage_page_is_accessible(chrome: Any, server: LiveServer, covered: str,
                                     lang: str) -> None:  # fmt: skip
    context = language_context(chrome, server, lang)
    page = context.new_page()
    try:
        page.goto(server.url(covered))
        assert page.locator("path.m-conforms").count() == 1  # Stockholm
        label = page.locator("svg[role=img]").get_attribute("aria-labelledby")
        assert label == "map-title map-desc"
        assert_accessible(page, "coverage", lang)
        page.goto(server.url("/organisation/stockholm"))
        assert_accessible(page, "organisation with specifications", lang)
    finally:
        page.close()
        context.close()
