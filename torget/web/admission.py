"""Admission: a server process works on `server_threads` requests and lets `server_queue` wait;
the next is answered 503 with Retry-After at once.

Without it an overloaded server queues every request (uvicorn accepts them all), each waits
for a thread and then for a database connection, and after 30 s SQLAlchemy gives up
mid-response (issue 21: 64 feed clients, 39 pool time-outs, 13 s to recover). Here the thread
pool (anyio's default limiter, which FastAPI's plain `def` handlers and streamed bodies run
on) is set to `server_threads`, the database pool holds as many connections
(`torget.db.engine.make_engine`), and a request counts from its arrival until its answer
starts: a streamed body that a slow client reads does not count, as it holds no connection
between its batches (`torget.dcat.feed`). A client told 503 with `Retry-After: 1` comes back
when there is room; a proxy in front can send it to another server meanwhile.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Admission"]


class Admission:
    def __init__(self, app: ASGIApp, threads: int, queue: int) -> None:
        self.app = app
        self.threads = threads
        self.limit = threads + queue
        self.active = 0  # one event loop per process: no lock needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limiter = anyio.to_thread.current_default_thread_limiter()
        if limiter.total_tokens != self.threads:  # once per event loop
            limiter.total_tokens = self.threads
        if self.active >= self.limit:
            await _busy(scope, receive, send)
            return
        self.active += 1
        counted = True

        async def started(message: Message) -> None:
            nonlocal counted
            if counted and message["type"] == "http.response.start":
                self.active -= 1
                counted = False
            await send(message)

        try:
            await self.app(scope, receive, started)
        finally:
            if counted:
                self.active -= 1


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    message = "the server is busy; try again in a second"
    answer = JSONResponse(
        {"error": "busy", "message": message}, status_code=503, headers={"Retry-After": "1"}
    )
    await answer(scope, receive, send)
