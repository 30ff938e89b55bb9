"""The search page and the start page's counts, over `torget.search`, without JavaScript."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.conftest import client_site
from tests.web.conftest import Browser
from tests.web.sample import Sample
from torget.accounts.permissions import SYSTEM
from torget.catalog.model import LangText, OrganisationIn
from torget.catalog.organisations import (
    create_organisation,
    delete_organisation,
    get_organisation,
    update_organisation,
)
from torget.db.engine import write
from torget.dcat.feed_cache import catalogue_state


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
    assert "Mest använda" not in browser.get("/").text  # kept for anonymous readers, until …
    for _ in range(3):
        browser.get(f"/dataset/{sample.swedish_only.name}")
    client_site(browser.client).usage.flush()  # … views are written (behind: torget.usage)
    home = browser.get("/").text
    assert re.search(
        r'href="/search\?theme=ENVI">Miljö</a> <span class="muted">\(1 datamängd\)', home
    )
    assert "Mest använda" in home
    popular = home[home.index("Mest använda") :]
    assert popular.index("Parkeringsplatser") < popular.index("</ul>")


def test_kept_organisations_follow_a_rename_and_a_deletion_at_once(
    browser: Browser, sample: Sample, engine: sa.Engine
) -> None:
    """The pages keep the organisations per state of the catalogue (`web.catalogue_kept`):
    a renamed one shows in the results and the footer on the next page, and a deletion,
    too, makes a new state."""
    page = browser.get("/search?q=badplatser").text
    assert "Miljöförvaltningen" in page and '<span class="site-owner">Sjöstads kommun' in page
    with write(engine) as conn:
        for name, title in (("miljo", "Miljö och hälsa"), ("sjostad", "Sjöstad")):
            data = get_organisation(conn, name).data.model_copy(
                update={"title": LangText(sv=title)}
            )
            update_organisation(conn, SYSTEM, name, data)
    page = browser.get("/search?q=badplatser").text
    assert "Miljö och hälsa" in page and "Miljöförvaltningen" not in page
    assert '<span class="site-owner">Sjöstad</span>' in page
    settings = client_site(browser.client).settings
    before = catalogue_state(settings)
    with write(engine) as conn:
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(
            {"name": "tom", "title": {"sv": "Tom"}, "parent": "sjostad"}))  # fmt: skip
    made = catalogue_state(settings)
    with write(engine) as conn:
        delete_organisation(conn, SYSTEM, "tom")
    assert len({before, made, catalogue_state(settings)}) == 3
