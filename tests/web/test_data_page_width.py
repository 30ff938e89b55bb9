"""A dataset's data page is never wider than the screen (issue 17), measured in Chromium.

The shape that broke it: an invoice file of forty-odd columns with long names. Its page
scrolled sideways into blank space (5,857 px on a desktop, 5,745 px on a phone) because the
visually hidden sort labels escaped the table's scroll box. Here the document's width is
measured at a phone's 390 px and a desktop's 1280 px; the table, not the page, scrolls; the
data comes before the folded column dictionary; the default chart sums a measure, never the
invoice numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import chromium, live_server, needs_chromium
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import create_dataset
from torget.catalog.model import DatasetIn
from torget.datastore.load import load_local
from torget.db.engine import write

pytestmark = [pytest.mark.browser, needs_chromium]

COLUMNS = ["Fakturanummer", "Leverantör", "Belopp"] + [
    f"Förvaltningens kontering del {i} (kostnadsställe)" for i in range(40)
]


def _invoices(path: Path) -> None:
    rows = [";".join(COLUMNS)]
    for i in range(60):
        rest = [f"K{i * 7 + j:05d} lång beskrivning av posten" for j in range(40)]
        rows.append(";".join([str(900100 + i), f"Leverantör {i % 5} AB", f"{100 + i},5", *rest]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = Path(tmp_path_factory.mktemp("width"))
    with live_server(folder / "data", map_tile_url="") as live:
        dataset = DatasetIn.model_validate({
            "organisation": "miljo", "state": "published", "name": "fakturor",
            "title": {"sv": "Leverantörsfakturor"}, "description": {"sv": "Fakturor."},
            "themes": ["ECON"], "access_rights": "PUBLIC",
            "distributions": [{"title": {"sv": "Fakturor 2024"}, "format": "CSV",
                               "license": "CC0-1.0",
                               "download_url": "https://data.sjostad.example/f.csv"}],
        })  # fmt: skip
        with write(live.site.engine) as conn:
            created = create_dataset(conn, SYSTEM, dataset)
        _invoices(folder / "f.csv")
        dist = created.distributions[0].id
        load_local(live.settings, live.site.engine, dist, folder / "f.csv", "csv")
        yield live.url(f"/dataset/fakturor?preview={dist}")


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [390, 1280])
def test_the_data_page_is_never_wider_than_the_screen(
    chrome: Any, page_url: str, width: int
) -> None:
    context = chrome.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(page_url)
        document = page.evaluate("document.documentElement.scrollWidth")
        assert document <= width, f"the page is {document} px wide at {width} px"
        scroll = page.locator(".table-scroll:has(#preview-caption)")
        box = scroll.bounding_box()
        assert box is not None and box["width"] <= width
        inner = page.evaluate(
            "document.querySelector('.table-scroll:has(#preview-caption)').scrollWidth"
        )
        assert inner > box["width"]  # the table scrolls inside its box instead
        if width == 1280:  # the table has the page's width, not a column's
            assert box["width"] > 0.8 * page.evaluate("document.querySelector('main').clientWidth")
        # the data first, the dictionary folded below it
        order = page.evaluate(
            "[document.querySelector('#preview-caption'),"
            " document.querySelector('#columns-heading')]"
            ".map(e => e.getBoundingClientRect().top)"
        )
        assert order[0] < order[1]
        assert page.evaluate("document.querySelector('details.dictionary').open") is False
        chart = page.locator("figure.chart figcaption, .chart figcaption").first.inner_text()
        assert "Fakturanummer" not in chart and "Belopp" in chart
    finally:
        context.close()
