"""The whole-catalogue feed once it follows the last change, for tests that change it.

After a change a fetch is answered at once from the feed built before, and the change shows
within the pace of the feed's builds (`torget/dcat/feed_builds.py`), not at the next fetch.
"""

from __future__ import annotations

import time

import httpx
from fastapi.testclient import TestClient


def current_feed(client: TestClient, etag: str) -> httpx.Response:
    """The feed once it follows the last change (a new ETag); meanwhile every fetch must be
    the feed built before (`etag`), a 304."""
    deadline = time.monotonic() + 60
    while True:
        answer = client.get("/datasets/dcat", headers={"If-None-Match": etag})
        if answer.status_code == 200 and answer.headers["etag"] != etag:
            return answer
        assert answer.status_code == 304 and answer.headers["etag"] == etag, answer.text
        assert time.monotonic() < deadline, "the feed never followed the last change"
        time.sleep(0.05)
