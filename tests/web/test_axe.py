"""Every page type, in Swedish and English, in a real Chromium: no WCAG 2.1 A/AA violations
found by axe-core. Forms are checked both empty and showing errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

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
from torget.accounts.permissions import COMMAND_LINE
from torget.catalog.vocabularies import HVD_LEGISLATION
from torget.db.engine import write
from torget.publishing.changes import patch_dataset

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("axe")) / "data") as live:
        with write(live.site.engine) as conn:  # the draft is high-value: the HVD page's table
            hvd = {"applicable_legislation": [HVD_LEGISLATION], "hvd_categories": ["c_b79e35eb"]}
            patch_dataset(conn, COMMAND_LINE, live.sample.draft.id, hvd)
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
        page.wait_for_url("**/publish")
        page.close()
    return context


@pytest.fixture(scope="module")
def contexts(chrome: Any, server: LiveServer) -> Iterator[dict[tuple[str, bool], Any]]:
    found = {
        (lang, signed): _context(chrome, server, lang, "admin" if signed else None)
        for lang in ("sv", "en")
        for signed in (False, True)
    }
    yield found
    for context in found.values():
        context.close()


def _submit(page: Any) -> None:
    click_to_load(page, "main form[method=post] button[type=submit] >> nth=-1")


def _submit_first(page: Any) -> None:
    click_to_load(page, "main form[method=post] button.button >> nth=0")


Step = Callable[[Any], None] | None

# (name, signed in?, path given the sample, what to do on the page before checking)
PAGES: list[tuple[str, bool, Callable[[LiveServer], str], Step]] = [
    ("home", False, lambda s: "/", None),
    ("dataset", False, lambda s: f"/dataset/{s.sample.bathing.name}", None),
    ("dataset-swedish-only", False, lambda s: f"/dataset/{s.sample.swedish_only.name}", None),
    ("dataservice", False, lambda s: f"/dataservice/{s.sample.service_name}", None),
    ("organisation", False, lambda s: "/organisation/miljo", None),
    ("organisations", False, lambda s: "/organisations", None),
    ("about", False, lambda s: "/about", None),
    ("accessibility", False, lambda s: "/accessibility", None),
    ("accessibility-errors", False, lambda s: "/accessibility", _submit),
    ("login", False, lambda s: "/login", None),
    ("login-errors", False, lambda s: "/login", _submit),
    ("not-found", False, lambda s: "/no/such/page", None),
    ("dashboard", True, lambda s: "/publish", None),
    ("dataset-new", True, lambda s: "/publish/datasets/new", None),
    ("dataset-new-errors", True, lambda s: "/publish/datasets/new", _submit),
    ("dataset-overview", True, lambda s: f"/publish/dataset/{s.sample.bathing.id}", None),
    ("dataset-edit", True, lambda s: f"/publish/dataset/{s.sample.bathing.id}/edit", None),
    (
        "distribution-new-errors",
        True,
        lambda s: f"/publish/dataset/{s.sample.bathing.id}/distributions/new",
        _submit,
    ),
    (
        "distribution-edit",
        True,
        lambda s: f"/publish/distribution/{s.sample.bathing.distributions[0].id}/edit",
        None,
    ),
    ("upload", True, lambda s: f"/publish/dataset/{s.sample.bathing.id}/upload", None),
    ("checklist", True, lambda s: f"/publish/dataset/{s.sample.bathing.id}/checklist", None),
    ("quality", True, lambda s: "/publish/quality", None),
    ("hvd", True, lambda s: "/publish/organisation/sjostad/hvd", None),
    (
        "checklist-errors",
        True,
        lambda s: f"/publish/dataset/{s.sample.bathing.id}/checklist",
        _submit,
    ),
    ("dataservice-new-errors", True, lambda s: "/publish/dataservices/new", _submit),
    ("members", True, lambda s: "/publish/organisation/sjostad/members", None),
    ("tokens-created", True, lambda s: "/publish/tokens", _submit_first),
    ("reports", True, lambda s: "/publish/reports", None),
    ("draft-dataset", True, lambda s: f"/dataset/{s.sample.draft.name}", None),
    ("search", False, lambda s: "/search?q=bad", None),
    ("search-filtered", False, lambda s: "/search?theme=ENVI&format=CSV&sort=title", None),
    ("search-nothing", False, lambda s: "/search?q=finnsinte", None),
    ("statistics", False, lambda s: f"/dataset/{s.sample.bathing.name}/statistics", None),
    ("statistics-catalogue", False, lambda s: "/statistics", None),
    ("maturity", False, lambda s: "/organisation/sjostad/maturity", None),
    ("maturity-comparison", False, lambda s: "/maturity", None),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "signed", "path", "step"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_accessibility_violations(
    contexts: dict[tuple[str, bool], Any],
    server: LiveServer,
    lang: str,
    name: str,
    signed: bool,
    path: Callable[[LiveServer], str],
    step: Step,
) -> None:
    page = contexts[(lang, signed)].new_page()
    try:
        page.goto(server.url(path(server)))
        if step is not None:
            step(page)
        assert page.evaluate("document.documentElement.lang") == lang
        violations = axe_violations(page)
        assert violations == [], f"{name} ({lang}) at {page.url}:\n{describe(violations)}"
    finally:
        page.close()
