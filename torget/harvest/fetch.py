"""Fetching a harvest source: SSRF-guarded, time- and size-limited, conditional, honest.

Every request goes through `torget.outbound`'s guard (one look-up, public addresses only unless
`harvest_allow_private`, every redirect hop checked again, at most `harvest_max_redirects`),
says who is asking (`User-Agent: Torget/<version> harvester (+<base_url>)`), gives up after
`harvest_timeout_seconds` and refuses a body larger than `harvest_max_bytes` while reading it,
so a run always ends. The first page is asked for conditionally (ETag, Last-Modified): a 304
means the source has not changed and the run has nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from torget import __version__
from torget.outbound import Guard, Refused, stream
from torget.settings import Settings

__all__ = ["Fetcher", "Fetched", "FetchFailed"]


class FetchFailed(Exception):
    """The source could not be fetched; the message says which URL and why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when not modified
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


class Fetcher:
    def __init__(self, settings: Settings) -> None:
        self.timeout = float(settings.harvest_timeout_seconds)
        self.max_bytes = settings.harvest_max_bytes
        self.redirects = settings.harvest_max_redirects
        self.max_pages = settings.harvest_max_pages
        self.guard = Guard(allow_private=settings.harvest_allow_private)
        base = settings.base_url or "https://github.com/torget"
        self.user_agent = f"Torget/{__version__} harvester (+{base})"

    def get(
        self,
        url: str,
        *,
        accept: str,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        headers = {"Accept": accept, "User-Agent": self.user_agent}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with (
                self.guard.client(self.timeout) as client,
                stream(client, "GET", url, redirects=self.redirects, headers=headers) as response,
            ):
                return self._read(url, response)
        except Refused as exc:
            raise FetchFailed(f"{url}: refused: {exc}") from None
        except httpx.TimeoutException:
            raise FetchFailed(f"{url}: no answer within {self.timeout:g} seconds") from None
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{url}: {type(exc).__name__}: {exc}") from None

    def _read(self, url: str, response: httpx.Response) -> Fetched:
        final = str(response.url)
        if response.status_code == 304:
            return Fetched(final, 304, b"", "", None, None)
        if response.status_code >= 400:
            reason = response.reason_phrase or "error"
            raise FetchFailed(f"{url}: the server answered HTTP {response.status_code} {reason}")
        declared = int(response.headers.get("content-length") or 0)
        if declared > self.max_bytes:
            raise FetchFailed(f"{url}: {declared} bytes, more than the limit {self.max_bytes}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchFailed(f"{url}: larger than the limit of {self.max_bytes} bytes")
            chunks.append(chunk)
        return Fetched(
            final,
            response.status_code,
            b"".join(chunks),
            response.headers.get("content-type", ""),
            response.headers.get("etag"),
            response.headers.get("last-modified"),
        )
