"""Browser tests' machinery: a live Torget on loopback and Debian's Chromium via Playwright.

The server is uvicorn in a thread on a free 127.0.0.1 port, over a fresh SQLite catalogue made
by `sample.make_sample`. Chromium is the system's (`/usr/bin/chromium`); Playwright never
downloads a browser here. Tests that need it are marked `browser` and skipped, with the reason,
only when that executable is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.web.sample import Sample, make_sample
from torget.app import create_app
from torget.settings import Settings, load_settings
from torget.site import Site as TorgetSite

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)


class LiveServer:
    def __init__(self, base: str, settings: Settings, sample: Sample, site: TorgetSite):
        self.base = base
        self.settings = settings
        self.sample = sample
        self.site = site  # the server's own: writes through it reach its subscribers

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def live_server(data_dir: Path, **overrides: Any) -> Iterator[LiveServer]:
    """A live Torget over the sample; `overrides` are settings (e.g. `map_tile_url=""`)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = load_settings(
        environ={},
        config_file=data_dir / "absent.toml",
        data_dir=data_dir,
        base_url=f"http://127.0.0.1:{port}",
        **overrides,
    )
    site = TorgetSite.open(settings)
    sample = make_sample(site.engine)
    app = create_app(site)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings, sample, site)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        site.close()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(_RUN_AXE, AXE_TAGS))


def click_to_load(page: Any, target: Any) -> None:
    """Click `target` (a selector, or a locator) and wait until the document it loads is loaded.

    A click waits only for its navigation to start. Reading the page straight after raced the new
    document once in CI: `document.documentElement` was null while it was being put in place."""
    with page.expect_navigation():
        if isinstance(target, str):
            page.click(target)
        else:
            target.click()


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {node}" for node in v["nodes"]]
    return "\n".join(lines)


def language_context(chrome: Any, server: LiveServer, lang: str) -> Any:
    """A new browser context that reads the pages in `lang` (by the language cookie)."""
    # bypass_csp: axe is injected as an inline script, which the pages' CSP forbids.
    context = chrome.new_context(bypass_csp=True, locale="sv-SE")
    context.add_cookies([{"name": "torget_lang", "value": lang, "url": server.base}])
    return context


def assert_accessible(page: Any, state: str, lang: str) -> None:
    """The page is in `lang` and axe-core finds no WCAG 2.1 A/AA violation on it."""
    assert page.evaluate("document.documentElement.lang") == lang
    violations = axe_violations(page)
    assert violations == [], f"{state} ({lang}) at {page.url}:\n{describe(violations)}"
