"""HTTP caching a browser, proxy or CDN can use: validators, Cache-Control and 304s.

Every public GET answered 200 (records and their RDF, search answers, lists, pages) gets an
`ETag`, a hash of its body, and `Cache-Control: public, max-age=<http_cache_max_age>`; a
request that names the same ETag in `If-None-Match` is answered `304` with no body. The answer
is still computed (the hash is of it), so a 304 saves the bytes, not the work; what saves the
work is a proxy allowed to reuse answers for a while (`http_cache_max_age`), and the DCAT
feed, whose validators come from `torget.dcat.feed_cache` without building anything.

What one person sees is never offered to a shared cache: a request with a cookie or an
`Authorization` header, or an answer that sets a cookie, is `private, no-cache`. Pages say
`Vary: Accept-Language` because the language may come from that header; records already say
`Vary: Accept`. The static files and `/files/…` keep their own headers (`StaticFiles`, and
`user_files.py`, where a GET counts a download).

An answer is kept in memory to be hashed only up to `BUFFER_BYTES`; a longer (streamed) one
goes out as it comes, without an ETag.
"""

from __future__ import annotations

import email.utils
import hashlib
from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "HttpCaching",
    "body_etag",
    "cache_control",
    "http_date",
    "is_fresh",
    "BUFFER_BYTES",
]

BUFFER_BYTES = 1 << 20
_OWN_HEADERS = ("/static/", "/files/")


def http_date(timestamp: float) -> str:
    """An HTTP date (RFC 9110 §5.6.7) for seconds since the epoch."""
    return email.utils.formatdate(timestamp, usegmt=True)


def body_etag(body: bytes) -> str:
    """The ETag of an answer's body (weak: the same bytes, whatever the encoding)."""
    return f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def _tags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header, compared weakly (RFC 9110 §13.1.2)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def is_fresh(headers: Mapping[str, str], etag: str, modified: float | None = None) -> bool:
    """Whether the client's copy is current: If-None-Match when sent (it wins, RFC 9110
    §13.2.2), else If-Modified-Since, to the second, as static file servers do."""
    match = headers.get("if-none-match")
    if match is not None:
        tags = _tags(match)
        return "*" in tags or etag.removeprefix("W/") in tags
    since = headers.get("if-modified-since")
    if since is None or modified is None:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return int(modified) <= parsed.timestamp()


def _personal(headers: Mapping[str, str]) -> bool:
    return "authorization" in headers or "cookie" in headers


def cache_control(request: Mapping[str, str], max_age: int) -> str:
    """Cache-Control for a GET answer to a request with these headers."""
    return "private, no-cache" if _personal(request) else f"public, max-age={max_age}"


def _vary(headers: MutableHeaders, name: str) -> None:
    present = [v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()]
    if name.lower() not in present:
        headers["vary"] = ", ".join([*filter(None, [headers.get("vary")]), name])


class HttpCaching:
    """ETag, Cache-Control and 304 for the GET answers of the site (see the module)."""

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app = app
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(_OWN_HEADERS)
        ):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        start: Message | None = None
        parts: list[bytes] = []
        size = 0

        async def flush(more: bool) -> None:
            nonlocal start
            assert start is not None
            await send(start)
            start = None
            await send({"type": "http.response.body", "body": b"".join(parts), "more_body": more})
            parts.clear()

        async def caching_send(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if message["status"] != 200:
                    await send(message)
                    return
                self._label(request_headers, headers)
                if "etag" in headers:  # the route has its own validators (the DCAT feed)
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(message.get("body", b""))
            size += len(parts[-1])
            more = message.get("more_body", False)
            if more and size <= BUFFER_BYTES:
                return
            if more:  # too long to keep: it goes out as it comes, without a validator
                await flush(True)
                return
            await self._answer(start, b"".join(parts), request_headers, send)
            start = None

        await self.app(scope, receive, caching_send)

    def _label(self, request: Headers, headers: MutableHeaders) -> None:
        if "cache-control" not in headers:
            personal = "set-cookie" in headers
            headers["cache-control"] = (
                "private, no-cache" if personal else cache_control(request, self.max_age)
            )
        if headers.get("content-type", "").startswith("text/html"):
            _vary(headers, "Accept-Language")

    async def _answer(self, start: Message, body: bytes, request: Headers, send: Send) -> None:
        headers = MutableHeaders(scope=start)
        etag = body_etag(body)
        headers["etag"] = etag
        if is_fresh(request, etag):
            del headers["content-length"]
            await send({**start, "status": 304})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})
