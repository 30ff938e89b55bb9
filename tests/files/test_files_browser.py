"""An editor's SVG with a script, opened by a logged-in system administrator in a real Chromium,
runs nothing: the hostile test that found it made the script create and read back a sysadmin
API token through the token page, with the administrator's session.

Both people use the site as people do (log-in form, upload form, a click on the link); the
check is in the database (no token made) and in the browser (the page never ran the script).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.web.browser import LiveServer, chromium, click_to_load, live_server, needs_chromium
from tests.web.sample import PASSWORD
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import get_dataset
from torget.db.engine import make_engine, read
from torget.db.schema import api_tokens, users

pytestmark = [pytest.mark.browser, needs_chromium]

# What an attacker's SVG does once it runs on the site's origin: read the token page for its
# form token, make a token with the visitor's session, and read the secret back.
ATTACK = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">
<rect width="200" height="200" fill="red"/>
<script><![CDATA[
document.title = "script-ran";
(async () => {
  const page = await (await fetch("/publish/tokens")).text();
  const csrf = page.match(/name="csrf_token" value="([^"]+)"/)[1];
  const body = new URLSearchParams({csrf_token: csrf, name: "stolen"});
  const made = await (await fetch("/publish/tokens", {method: "POST", body})).text();
  document.title = "stolen " + made.length;
})();
]]></script>
</svg>
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5b5b0"
    "b40000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("files")) / "data") as live:
        yield live


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _log_in(context: Any, server: LiveServer, name: str) -> Any:
    page = context.new_page()
    page.goto(server.url("/login"))
    page.fill("#f-username", name)
    page.fill("#f-password", PASSWORD)
    click_to_load(page, "main form[action='/login'] button[type=submit]")
    return page


def _upload(chrome: Any, server: LiveServer, tmp: Path, name: str, content: bytes) -> str:
    """Anna, an editor, uploads a file to the bathing sites; returns its address."""
    (tmp / name).write_bytes(content)
    context = chrome.new_context()
    try:
        page = _log_in(context, server, "anna")
        page.goto(server.url(f"/publish/dataset/{server.sample.bathing.id}/upload"))
        page.fill("#f-title-sv", f"Karta {name}")
        page.set_input_files("#f-file", str(tmp / name))
        # The sample's dataset has no licence of its own to lend (issue 13 B: every
        # distribution needs one).
        page.select_option("#f-license", "http://creativecommons.org/publicdomain/zero/1.0/")
        click_to_load(page, "main form button[type=submit]")
    finally:
        context.close()
    with read(server.site.engine) as conn:
        found = get_dataset(conn, SYSTEM, server.sample.bathing.id)
    urls = [d.data.download_url or "" for d in found.distributions]
    return next(u for u in urls if u.endswith("/" + name))


def _admin_tokens(server: LiveServer) -> int:
    engine = make_engine(server.settings.resolved_database_url)
    try:
        with read(engine) as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(api_tokens.join(users, users.c.id == api_tokens.c.user_id))
                    .where(users.c.name == "admin")
                ).scalar_one()
            )
    finally:
        engine.dispose()


@contextmanager
def _as_administrator(chrome: Any, server: LiveServer) -> Iterator[Any]:
    """A page of a logged-in sysadmin; afterwards, nothing an SVG's script does has happened."""
    assert _admin_tokens(server) == 0
    context = chrome.new_context(accept_downloads=True)
    try:
        yield _log_in(context, server, "admin")
        context.pages[0].wait_for_timeout(500)  # time enough for a script that ran to finish
        assert not any(p.title().startswith(("script-ran", "stolen")) for p in context.pages)
    finally:
        context.close()
    assert _admin_tokens(server) == 0


def test_an_uploaded_svg_runs_nothing_for_a_logged_in_sysadmin(
    chrome: Any, server: LiveServer, tmp_path: Path
) -> None:
    url = _upload(chrome, server, tmp_path, "badkarta.svg", ATTACK.encode())
    with _as_administrator(chrome, server) as page:
        page.goto(server.url("/publish"))
        # The administrator follows the link from a page of the site, as a victim would.
        page.set_content(f'<a id="link" href="{url}">badkarta</a>')
        with page.expect_download() as download:
            page.click("#link")
        assert download.value.suggested_filename == "badkarta.svg"


def test_an_uploaded_svg_opened_directly_runs_nothing(
    chrome: Any, server: LiveServer, tmp_path: Path
) -> None:
    """Typed into the address bar (no download prompt in headless Chromium): still nothing."""
    url = _upload(chrome, server, tmp_path, "karta2.svg", ATTACK.encode())
    with _as_administrator(chrome, server) as page:
        try:
            page.goto(url)
        except Exception as exc:  # noqa: BLE001 - Playwright: "Download is starting"
            assert "Download is starting" in str(exc), exc


def test_an_uploaded_png_is_still_shown_in_the_browser(
    chrome: Any, server: LiveServer, tmp_path: Path
) -> None:
    """Raster images stay inline: the sandboxing policy must not stop Chromium drawing them."""
    url = _upload(chrome, server, tmp_path, "bild.png", PNG)
    context = chrome.new_context()
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert "sandbox" in response.headers["content-security-policy"]
        width = page.evaluate("document.querySelector('img') && document.images[0].naturalWidth")
        assert width == 1
    finally:
        context.close()
