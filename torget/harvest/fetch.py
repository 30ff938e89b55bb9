"""Fetching a harvest source: SSRF-guarded, time- and size-limited, conditional, honest.

Every request goes through `torget.outbound`'s guard (one look-up, public addresses only unless
`harvest_allow_private`, every redirect hop checked again, at most `harvest_max_redirects`),
says who is asking (`User-Agent: Torget/<version> harvester (+<base_url>)`), gives up after
`harvest_timeout_seconds` and refuses a body larger than `harvest_max_bytes` while reading it,
so a run always ends. The first page is asked for conditionally (ETag, Last-Modified): a 304
means the source has not changed and the run has nothing to do.

Most catalogues send neither validator (EntryScape and CKAN answer 200 every time), so the
fetcher also keeps the SHA-256 of every document it fetched (`pages`). Given the last run's
list (`previous`), `unchanged` fetches the documents the last run fetched, in its order, and
says whether each is byte for byte the same: then the source has not changed and a re-run
skips the parse, the mapping and the comparison altogether. The bodies are kept, so a source
that did change is not fetched twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import httpx

from torget import __version__
from torget.outbound import Guard, Refused, stream
from torget.settings import Settings

__all__ = ["Fetcher", "Fetched", "FetchFailed", "PageHash"]

PageHash = tuple[str, str]  # (URL asked for, SHA-256 of the body)


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
    def __init__(self, settings: Settings, previous: list[PageHash] | None = None) -> None:
        self.previous = previous or []
        self.pages: list[PageHash] = []
        self._kept: dict[str, Fetched] = {}
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
        kept = self._kept.pop(url, None)
        if kept is not None:
            return kept
        fetched = self._get(url, accept=accept, etag=etag, last_modified=last_modified)
        if fetched.status == 200:
            self.pages.append((url, hashlib.sha256(fetched.body).hexdigest()))
        return fetched

    def unchanged(self, first: Fetched, *, accept: str) -> bool:
        """Whether `first` and every later document of the last run are what they were."""
        if not self.previous or self.pages[:1] != self.previous[:1]:
            return False
        for url, digest in self.previous[1:]:
            try:
                self._kept[url] = self.get(url, accept=accept)
            except FetchFailed:
                return False  # the read fetches it again and reports why
            if self.pages[-1] != (url, digest):
                return False
        self._kept.clear()
        return True

    def _get(
        self, url: str, *, accept: str, etag: str | None, last_modified: str | None
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
