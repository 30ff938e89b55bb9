"""The API reference (issue 18): `/api/docs` shows the OpenAPI documents in Swagger UI served by
Torget itself under the site's CSP, and the CKAN Action API has its own OpenAPI document,
generated from the action table so that the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.browser import (
    AXE,
    AXE_TAGS,
    LiveServer,
    chromium,
    describe,
    language_context,
    live_server,
    needs_chromium,
)
from torget.ckan.actions import ACTIONS


class _Inline(HTMLParser):
    """Whatever the CSP would refuse: inline scripts, style elements and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            if found.get("src") is None:
                self.refused.append("an inline script")
            else:
                self.sources.append(str(found["src"]))
        if tag == "style" or "style" in found or any(a.startswith("on") for a in found):
            self.refused.append(f"<{tag} {attrs}>")


def test_the_ckan_document_is_the_action_table(client: TestClient) -> None:
    answer = client.get("/api/3/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.1") and document["servers"][0]["url"]
    paths = document["paths"]
    assert set(paths) == {f"/api/3/action/{name}" for name in ACTIONS}
    for name, action in ACTIONS.items():
        methods = set(paths[f"/api/3/action/{name}"])
        assert methods == ({"get", "post"} if action.read_only else {"post"}), name
        post = paths[f"/api/3/action/{name}"]["post"]
        assert post["summary"] and post["externalDocs"]["url"].startswith("https://docs.ckan.org")
        assert ("security" in post) is not action.read_only
    assert paths["/api/3/action/package_search"]["get"]["summary"] == "Search packages"


def test_the_page_is_csp_clean_and_links_the_raw_documents(client: TestClient) -> None:
    for doc in ("torget", "ckan"):
        page = client.get(f"/api/docs?doc={doc}&lang=en")
        assert page.status_code == 200
        assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self'
        assert "default-src 'self'" in page.headers["content-security-policy"]
        parser = _Inline()
        parser.feed(page.text)
        assert parser.refused == []
        assert any("vendor/swagger-ui-5.35.0.js" in s for s in parser.sources)
        for source in parser.sources:
            assert client.get(source).status_code == 200, source
        assert 'href="/api/openapi.json"' in page.text
        assert 'href="/api/3/openapi.json"' in page.text
    assert 'data-url="/api/3/openapi.json"' in client.get("/api/docs?doc=ckan").text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(Path(tmp_path_factory.mktemp("docs")) / "data") as live:
        yield live


_AXE_AROUND = """async ([tags, exclude]) => {
  const context = exclude ? {exclude: [["#api-reference"]]} : document;
  const result = await axe.run(context, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def _axe(page: Any, exclude_viewer: bool) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(_AXE_AROUND, [AXE_TAGS, exclude_viewer]))


@needs_chromium
@pytest.mark.browser
def test_the_viewer_renders_under_the_csp_and_the_page_passes_axe(server: LiveServer) -> None:
    with chromium() as chrome:
        strict = chrome.new_context()  # the site's CSP in force
        page = strict.new_page()
        refusals: list[str] = []
        page.on(
            "console", lambda m: refusals.append(m.text) if "Content Security" in m.text else None
        )
        page.goto(server.url("/api/docs?lang=en"))  # the JSON API's document
        page.locator("#api-reference .opblock").first.wait_for(timeout=30_000)
        page.goto(server.url("/api/docs?doc=ckan&lang=en"))  # every CKAN action, drawn
        page.locator("#api-reference .opblock").nth(20).wait_for(timeout=30_000)
        assert refusals == []
        strict.close()

        for lang in ("sv", "en"):
            context = language_context(chrome, server, lang)
            page = context.new_page()
            page.goto(server.url("/api/docs?doc=ckan"))
            page.wait_for_selector("#api-reference .opblock", timeout=30_000)
            around = _axe(page, exclude_viewer=True)
            assert around == [], describe(around)
            # Swagger UI's own markup is third-party: what axe finds there is reported, not
            # failed (README, "Why each dependency").
            inside = _axe(page, exclude_viewer=False)
            print(f"axe inside Swagger UI ({lang}):\n{describe(inside) or 'none'}")
            context.close()


def test_the_api_index_names_the_reference_and_the_feed(client: TestClient) -> None:
    index = client.get("/api").json()
    assert index["docs"] == "http://testserver/api/docs"
    assert index["ckan_openapi"] == "http://testserver/api/3/openapi.json"
    assert index["feed"] == "http://testserver/feeds/datasets.atom"
    for key in ("docs", "ckan_openapi", "feed", "guide"):
        assert client.get(index[key]).status_code == 200, key
