"""`/feeds/datasets.atom`: new and updated datasets as Atom 1.0, per catalogue, organisation,
theme and search (issue 18), read back with a real XML parser and checked against RFC 4287's
required elements; linked from the pages that list the same datasets; open to other origins.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.conftest import World, dataset_payload, published_payload

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _feed(world: World, url: str, **headers: str) -> ET.Element:
    answer = world.client.get(url, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)
    assert root.tag == A + "feed"
    for required in ("id", "title", "updated", "author"):  # RFC 4287 §4.1.1
        assert root.find(A + required) is not None, required
    assert RFC3339.fullmatch(root.findtext(A + "updated") or "")
    self_link = root.find(f"{A}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == root.findtext(A + "id")
    for entry in root.iter(A + "entry"):  # §4.1.2
        assert (entry.findtext(A + "id") or "").startswith("urn:uuid:")
        assert entry.findtext(A + "title")
        assert RFC3339.fullmatch(entry.findtext(A + "updated") or "")
        assert entry.find(f"{A}link[@rel='alternate']") is not None
    return root


def _titles(root: ET.Element) -> list[str]:
    return [e.findtext(A + "title") or "" for e in root.iter(A + "entry")]


def _publish(world: World, title: str, **changes: object) -> None:
    payload = published_payload(
        title={"sv": title, "en": title + " (en)"},
        description={"sv": f"Om {title.lower()}.", "en": "About it."},
        keywords={"sv": [], "en": []},
        **changes,
    )
    # Its own distribution title: distribution titles are searched too (issue 18, item 1).
    payload["distributions"] = [{**payload["distributions"][0], "title": {"sv": title}}]
    made = world.client.post("/api/datasets", json=payload, headers=world.auth("root"))
    assert made.status_code == 201, made.text


def test_the_feed_and_its_filters(world: World) -> None:
    _publish(world, "Badplatser")
    _publish(world, "Busshållplatser", themes=["TRAN"], organisation="trafik")
    _publish(world, "Grannbys cykelvägar", themes=["TRAN"], organisation="grannby")
    draft = dataset_payload(title={"sv": "Hemligt utkast"})
    assert world.client.post("/api/datasets", json=draft, headers=world.auth("root")).is_success

    whole = _feed(world, "/feeds/datasets.atom", **world.auth("root"))
    assert sorted(_titles(whole)) == ["Badplatser", "Busshållplatser", "Grannbys cykelvägar"]
    assert _titles(whole)[0] == "Grannbys cykelvägar"  # the newest first
    entry = next(whole.iter(A + "entry"))
    html = entry.find(f"{A}link[@type='text/html']")
    assert html is not None and html.get("href", "").startswith("http://testserver/dataset/")
    assert entry.find(f"{A}category").get("label") == "TRAN"  # type: ignore[union-attr]

    assert _titles(_feed(world, "/feeds/datasets.atom?theme=TRAN&organisation=grannby")) == [
        "Grannbys cykelvägar"
    ]
    assert _titles(_feed(world, "/feeds/datasets.atom?organisation=trafik")) == ["Busshållplatser"]
    searched = _feed(world, "/feeds/datasets.atom?q=badplatser&lang=en")
    assert _titles(searched) == ["Badplatser (en)"]
    assert (
        searched.findtext(A + "id") == "http://testserver/feeds/datasets.atom?q=badplatser&lang=en"
    )


def test_pages_link_their_feed_and_other_origins_may_read_it(world: World) -> None:
    links = {
        "/": "/feeds/datasets.atom",
        "/search?theme=TRAN&q=buss": "/feeds/datasets.atom?theme=TRAN&amp;q=buss",
        "/organisation/trafik?lang=en": "/feeds/datasets.atom?organisation=trafik&amp;lang=en",
    }
    for page, feed in links.items():
        html = world.client.get(page).text
        assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html, page
    answer = world.client.get("/feeds/datasets.atom", headers={"Origin": "https://app.example"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers
