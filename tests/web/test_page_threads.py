"""Pages render a few at a time per server process (issue 21, `web/page_threads.py`): with
every page slot taken, a dataset page waits its turn on the event loop while the answers that
need no page slot (record JSON, the kept start page) are served meanwhile."""

from __future__ import annotations

import asyncio
import threading

import httpx

from tests.web.conftest import HTML, Browser
from tests.web.sample import Sample
from torget.web.page_threads import PAGE_THREADS, in_page_thread


def test_a_page_waits_for_a_slot_while_other_answers_go_past(
    browser: Browser, sample: Sample
) -> None:
    page_path = f"/dataset/{sample.bathing.name}"
    release = threading.Event()

    async def scenario() -> tuple[bool, list[int], httpx.Response]:
        transport = httpx.ASGITransport(app=browser.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/", headers=HTML)).status_code == 200  # kept from now on
            slots = [asyncio.create_task(in_page_thread(release.wait)) for _ in range(PAGE_THREADS)]
            try:
                page = asyncio.create_task(client.get(page_path, headers=HTML))
                others = [
                    await client.get(f"/api/datasets/{sample.bathing.name}"),
                    await client.get("/", headers=HTML),
                ]
                waited = not page.done()  # every slot is still taken
            finally:
                release.set()
            await asyncio.gather(*slots)
            return waited, [o.status_code for o in others], await page

    waited, others, page = asyncio.run(scenario())
    assert waited and others == [200, 200]
    assert page.status_code == 200 and "Badplatser" in page.text
