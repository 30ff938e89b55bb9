"""The search page and the start page's counts, over `torget.search`, without JavaScript."""

from __future__ import annotations

import re

from tests.conftest import client_site
from tests.web.conftest import Browser
from tests.web.sample import Sample


def _results(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/dataset/([^"]+)"', html)


def test_free_text_finds_datasets_with_facets(browser: Browser, sample: Sample) -> None:
    page = browser.get("/search?q=badplatser")
    assert page.status_code == 200
    assert _results(page.text) == [sample.bathing.name]
    assert "1 datamängd hittades" in page.text
    assert 'name="theme" value="ENVI"' in page.text and "Miljö (1)" in page.text
    assert 'value="badplatser"' in page.text  # the query stays in the box
    assert ('type="application/rdf+xml" href="/datasets/dcat"') in page.text


def test_filters_narrow_and_can_be_removed(browser: Browser, sample: Sample) -> None:
    everything = _results(browser.get("/search").text)
    assert set(everything) == {sample.bathing.name, sample.swedish_only.name}
    transport = browser.get("/search?theme=TRAN").text
    assert _results(transport) == [sample.swedish_only.name]
    assert re.search(r'name="theme" value="TRAN" checked', transport)
    remove = re.search(r'<ul class="active-filters">\s*<li><a href="([^"]+)"', transport)
    assert remove is not None
    assert set(_results(browser.get(remove.group(1).replace("&amp;", "&")).text)) == set(everything)
    both = browser.get("/search?theme=TRAN&format=CSV").text
    assert _results(both) == [] and "Inga datamängder matchar" in both


def test_sorting_paging_and_english_labels(browser: Browser, sample: Sample) -> None:
    by_title = _results(browser.get("/search?sort=title").text)
    assert by_title == [sample.bathing.name, sample.swedish_only.name]
    english = browser.get("/search?lang=en&q=parkering").text
    assert "1 dataset found" in english and "Transport (1)" in english
    assert '<h3><a href="/dataset/parkeringsplatser" lang="sv">' in english
    assert browser.get("/search?page=99").status_code == 200
    assert browser.get("/search?theme=NOPE").status_code == 200


def test_start_page_counts_themes_and_most_used(browser: Browser, sample: Sample) -> None:
    for _ in range(3):
        browser.get(f"/dataset/{sample.swedish_only.name}")
    client_site(browser.client).usage.flush()  # views are written behind (torget.usage)
    home = browser.get("/").text
    assert re.search(
        r'href="/search\?theme=ENVI">Miljö</a> <span class="muted">\(1 datamängd\)', home
    )
    assert "Mest använda" in home
    popular = home[home.index("Mest använda") :]
    assert popular.index("Parkeringsplatser") < popular.index("</ul>")
