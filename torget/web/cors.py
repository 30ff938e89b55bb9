"""Cross-origin use of the public APIs (CORS, the WHATWG Fetch standard), never of the pages.

A web application on another origin may read the catalogue: the JSON API, `/api/search`, the
datastore's reads and downloads, CKAN's read actions, the DCAT feeds and each record's
machine twins. Those answers carry `Access-Control-Allow-Origin: *` and a preflight
(`OPTIONS` with `Access-Control-Request-Method`) for them is answered here, before routing.

`*` is safe because none of these answers depends on an ambient credential: the JSON API and
the CKAN actions read only an `Authorization` header (or CKAN's `X-CKAN-API-Key`) that the
calling script must set itself, never the session cookie, and a browser refuses to share an
answer to a request with cookies when the origin allowed is `*`.
`Access-Control-Allow-Credentials` is never sent. So the JSON API's writes, which need a
bearer token, are allowed too; its account requests that need no token (register, verify,
password reset) are not, so that no other site can make its visitors' browsers send them.
CKAN's write actions are not allowed. The pages (HTML, and every form POST, which do rely
on the cookie) get no CORS headers at all; a record's URL that answers a browser with its
page gets them only with a machine representation. `/files/` sets its own headers.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from torget.ckan.actions import ACTIONS

__all__ = ["CrossOrigin", "allowed_methods"]

READ = frozenset({"GET", "HEAD"})
CKAN_READ = READ | {"POST"}  # CKAN clients post JSON to read actions too
API = READ | {"POST", "PUT", "PATCH", "DELETE"}

_CKAN = re.compile(r"/api(?:/3)?/action/([^/]+)")
_NO_TOKEN = re.compile(r"/api/(?:register|verify|verify/resend|password-reset(?:/confirm)?)")
_PUBLIC_READS = re.compile(
    r"/(?:datasets/dcat|catalog(?:\.\w+)?|organisation/[^/]+/datasets/dcat"
    r"|dataset/[^/]+|dataservice/[^/]+|datastore/dump/[^/]+|suggestions\.atom|feeds/[^/]+)"
)
_PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": (
        "Accept, Accept-Language, Authorization, Content-Type, Range, X-CKAN-API-Key"
    ),
    "Access-Control-Max-Age": "600",
}
_EXPOSE = "Content-Disposition, Retry-After, WWW-Authenticate"


def allowed_methods(path: str) -> frozenset[str]:
    """The methods another origin may use on `path` (empty: none)."""
    ckan = _CKAN.fullmatch(path)
    if ckan is not None:
        action = ACTIONS.get(ckan.group(1))
        return CKAN_READ if action is not None and action.read_only else frozenset()
    if _NO_TOKEN.fullmatch(path):
        return frozenset()
    if path == "/api" or path.startswith("/api/"):
        return API
    return READ if _PUBLIC_READS.fullmatch(path) else frozenset()


class CrossOrigin:
    """ASGI middleware: answers preflights for the public APIs and marks their answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        methods = allowed_methods(scope["path"])
        asked = Headers(scope=scope).get("access-control-request-method", "").upper()
        if scope["method"] == "OPTIONS" and asked in methods:
            allow = ", ".join(sorted(methods))
            headers = {**_PREFLIGHT, "Access-Control-Allow-Methods": allow}
            await Response(status_code=204, headers=headers)(scope, receive, send)
            return
        if scope["method"] not in methods:
            await self.app(scope, receive, send)
            return

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not headers.get("content-type", "").startswith("text/html"):
                    headers["Access-Control-Allow-Origin"] = "*"
                    headers["Access-Control-Expose-Headers"] = _EXPOSE
            await send(message)

        await self.app(scope, receive, send_marked)
