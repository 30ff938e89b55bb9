"""Writes that lost a race are run again; writes that waited too long get 503, never 500.

`torget.db.engine.write` raises `WriteConflict` when PostgreSQL cancelled a transaction to
break a deadlock or a serialization conflict: nothing was written, so the whole request can
run again, and this middleware does so (up to `ATTEMPTS` times, after a short random pause so
that the two do not meet again). It keeps the request body for that, up to `REPLAY_BYTES`;
a longer body (an upload) streams through and is not replayed. A request that still conflicts,
or whose writer waited for the lock past `database_write_wait_ms` (`WriteBusy`), is answered
503 with Retry-After. Each attempt gets its own copy of the request's scope and state, so an
attempt starts as the first did.

It is ASGI middleware rather than an exception handler because an exception handler can only
answer, not run the request again; it sits outside the application's exception handlers, which
leave these exceptions alone.
"""

from __future__ import annotations

import random
from typing import Any

import anyio
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from torget.db.engine import WriteBusy, WriteConflict

__all__ = ["RetryWrites", "ATTEMPTS", "REPLAY_BYTES"]

ATTEMPTS = 3
REPLAY_BYTES = 1 << 20


async def _buffer(receive: Receive) -> tuple[list[Message], bool]:
    """The request's first messages, up to `REPLAY_BYTES` of body, and whether that was all."""
    messages: list[Message] = []
    size = 0
    while size <= REPLAY_BYTES:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, True
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, True
    return messages, False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """The kept messages again, then the rest of the request from the client."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _busy(exc: WriteBusy) -> JSONResponse:
    message = f"the catalogue is busy with other changes; try again in {exc.retry_after} s"
    return JSONResponse(
        {"error": "busy", "message": message},
        status_code=503,
        headers={"Retry-After": str(exc.retry_after)},
    )


class RetryWrites:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages, whole = await _buffer(receive)
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        for attempt in range(1, ATTEMPTS + 1):
            try:
                await self.app(_fresh(scope), _replay(messages, receive), tracked)
                return
            except WriteBusy as exc:
                if started:
                    raise
                again = isinstance(exc, WriteConflict) and whole and attempt < ATTEMPTS
                if not again:
                    await _busy(exc)(scope, receive, send)
                    return
            await anyio.sleep(random.uniform(0.01, 0.05) * attempt)


def _fresh(scope: Scope) -> Scope:
    copy: dict[str, Any] = dict(scope)
    if isinstance(scope.get("state"), dict):
        copy["state"] = dict(scope["state"])
    return copy
