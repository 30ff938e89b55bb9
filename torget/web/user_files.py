"""`/files/<key>`: the files people uploaded, served so that none can act as a page of the site.

Who may read a file is the catalogue's rule (`catalog.stored_files`): a distribution that
still exists links to it and the caller may read its dataset, so a draft's file is for the
organisation's members (by their session cookie or an API token) and a deleted
distribution's file is gone. How a file is labelled is `files.serving`: downloads with
`nosniff` and a sandboxing CSP, raster images inline.

With `files_base_url` set, this origin sends no file content at all: `/files/<key>` here
checks the caller and redirects (307) to the same path on the files origin, adding an
expiring HMAC signature (`expires`, `signature`) for a file that is not public, since the
browser's log-in does not reach that origin. There, a file is served when it is public or
the signature is valid, and nothing but `/files/` is answered (`FilesOriginOnly`). A
download is counted where the bytes are sent (`downloads`), in the use statistics' buffer.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from torget.accounts.permissions import ANONYMOUS, SYSTEM, Actor
from torget.catalog.stored_files import FileOwner, readable_file
from torget.db.engine import read
from torget.errors import NotFound
from torget.files import FileStore, InvalidKey, check_key
from torget.files.serving import HEAD_BYTES, SANDBOX, present
from torget.settings import Settings
from torget.web.auth import request_actor
from torget.web.downloads import counts_as_download
from torget.web.request_site import request_site
from torget.web.sessions import page_actor, session_secret
from torget.web.usage import count_use

__all__ = ["router", "FilesOriginOnly", "signed_query", "SIGNED_SECONDS"]

router = APIRouter(tags=["files"])

SIGNED_SECONDS = 600
_PUBLIC = {"Access-Control-Allow-Origin": "*"}
_PRIVATE = {"Cache-Control": "private, no-store"}


def _host(netloc: str) -> str:
    host = netloc.lower()
    for default in (":80", ":443"):
        host = host.removesuffix(default)
    return host


def _files_host(settings: Settings) -> str | None:
    return _host(urlsplit(settings.files_base_url).netloc) if settings.files_base_url else None


def _on_files_origin(settings: Settings, headers: Headers) -> bool:
    files_host = _files_host(settings)
    return files_host is not None and _host(headers.get("host", "")) == files_host


def _signature(settings: Settings, key: str, expires: int) -> str:
    secret = hmac.new(session_secret(settings).encode(), b"torget files", hashlib.sha256)
    message = f"{key}\n{expires}".encode()
    return hmac.new(secret.digest(), message, hashlib.sha256).hexdigest()


def signed_query(settings: Settings, key: str, now: float | None = None) -> str:
    """The query string that lets the files origin serve a file that is not public."""
    expires = int(now if now is not None else time.time()) + SIGNED_SECONDS
    return urlencode({"expires": expires, "signature": _signature(settings, key, expires)})


def _signed(settings: Settings, request: Request, key: str) -> bool:
    expires, given = request.query_params.get("expires", ""), request.query_params.get("signature")
    if not expires.isdigit() or given is None or int(expires) < time.time():
        return False
    return hmac.compare_digest(given, _signature(settings, key, int(expires)))


def _caller(request: Request) -> Actor:
    """An API token when one is sent; otherwise the browser's log-in, if any."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return request_actor(request)
    return page_actor(request)


def _owner(request: Request, key: str, actor: Actor) -> FileOwner:
    try:
        check_key(key)
    except InvalidKey:
        raise NotFound(f"no file {key!r}") from None
    with read(request_site(request).engine) as conn:
        return readable_file(conn, actor, request_site(request).settings, key)


def _chunks(head: bytes, handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        yield head
        yield from iter(lambda: handle.read(64 * 1024), b"")


def _send(request: Request, key: str, owner: FileOwner) -> Response:
    """The file, streamed from whichever store `files_url` names, never read whole."""
    store: FileStore = request_site(request).files
    size = store.size(key)
    handle = store.open(key)
    head = handle.read(HEAD_BYTES)
    headers = {
        **present(key, head).headers(),
        "Content-Length": str(size),
        **(_PUBLIC if owner.public else _PRIVATE),
    }
    if request.method == "HEAD":
        handle.close()
        return Response(headers=headers)
    if owner.public and counts_as_download(request.method, request.headers.get("range")):
        count_use(request, "download", dataset_id=owner.dataset_id,
                  distribution_id=owner.distribution_id)  # fmt: skip
    return StreamingResponse(_chunks(head, handle), headers=headers)


def _redirect(settings: Settings, key: str, owner: FileOwner) -> Response:
    target = f"{settings.files_base_url.rstrip('/')}/files/{quote(key, safe='/')}"
    if not owner.public:
        target += "?" + signed_query(settings, key)
    return RedirectResponse(target, 307, headers=None if owner.public else _PRIVATE)


@router.head("/files/{key:path}", include_in_schema=False)
@router.get("/files/{key:path}", summary="A file uploaded to Torget (a download)")
def files(request: Request, key: str) -> Response:
    """A file a distribution links to, for those who may read its dataset. A GET of a public
    file counts as a download of its distribution (the use statistics)."""
    settings: Settings = request_site(request).settings
    if _on_files_origin(settings, request.headers):
        signed = _signed(settings, request, key)
        return _send(request, key, _owner(request, key, SYSTEM if signed else ANONYMOUS))
    owner = _owner(request, key, _caller(request))
    if settings.files_base_url:
        return _redirect(settings, key, owner)
    return _send(request, key, owner)


class FilesOriginOnly:
    """ASGI middleware: on the files origin (`files_base_url`), nothing but `/files/`.

    So nobody can log in there, and no page of the site runs beside the uploads."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and not scope["path"].startswith("/files/")
            and _on_files_origin(self.settings, Headers(scope=scope))
        ):
            headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": SANDBOX}
            refusal = PlainTextResponse("This address serves uploaded files only.", 404, headers)
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)
