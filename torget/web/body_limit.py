"""No request body larger than the largest upload: refused with 413 before it is kept anywhere.

`upload_max_bytes` is the largest file a publisher may upload; a form carries a little more
(its boundaries and other fields), so no request body may be larger than the limit plus
`FORM_OVERHEAD`. A request that declares a longer `Content-Length` is refused before a byte
of its body is read; one that does not (chunked) is counted as it is read and refused the
moment it passes the limit. So Starlette's form parser never spools more than that to its
temporary files, a JSON body is never read whole past it, and nothing reaches the file
store. The refusal is raised as `TooLarge` where the application reads the body, so a page
answers with its 413 page and the CKAN API in its envelope; whatever else the application
answers instead (FastAPI turns a failed body read into a 400) is replaced by a plain 413.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from torget.errors import TooLarge

__all__ = ["BodyLimit", "FORM_OVERHEAD"]

FORM_OVERHEAD = 1 << 20


class BodyLimit:
    """ASGI middleware: request bodies of at most `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> TooLarge:
        return TooLarge(
            f"the request is larger than {self.max_bytes} bytes, the most this site accepts "
            f"(the largest upload, {self.max_bytes - FORM_OVERHEAD} bytes, and 1 MiB of form)",
            code="request_too_large",
            params={"limit": self.max_bytes},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        seen, over, answered = 0, False, False

        async def counted() -> Message:
            nonlocal seen, over
            if declared.isdigit() and int(declared) > self.max_bytes:
                over = True
                raise self._refusal()
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise self._refusal()
            return message

        async def guarded(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = not over or message["status"] == 413
            if answered:
                await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:  # the refusal, or what a reader made of it, unless already answered
            if not over or answered:
                raise
        if over and not answered:
            refusal = self._refusal()
            body = {"error": "too_large", "message": str(refusal), "code": refusal.code,
                    "params": dict(refusal.params)}  # fmt: skip
            await JSONResponse(body, 413)(scope, receive, send)
