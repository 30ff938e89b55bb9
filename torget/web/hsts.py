"""HTTP Strict Transport Security (RFC 6797) for a site served over HTTPS.

When `base_url` is https every answer (pages, API, files, error answers; all but an
unhandled 500, which Starlette sends from outside the middleware) carries
`Strict-Transport-Security: max-age=<hsts_max_age>; includeSubDomains`, so that a browser
that has been here once never again sends a request (or the session cookie) over plain
HTTP, where it could be read or redirected. Browsers ignore the header on plain HTTP, so an
http `base_url` sends none. The pages' other security headers (CSP, nosniff, referrer
policy) are set with each page in `rendering.py`, since they differ by answer; this one is
the same for all.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["StrictTransportSecurity"]


class StrictTransportSecurity:
    """ASGI middleware: the HSTS header on every HTTP answer."""

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app = app
        self.value = f"max-age={max_age}; includeSubDomains"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Strict-Transport-Security"] = self.value
            await send(message)

        await self.app(scope, receive, send_with_header)
