"""Pages rendered in a thread, a few at a time per server process (issue 21).

A page is rendered by plain Python (queries, Jinja) that holds the GIL for milliseconds.
Given the pool's `server_threads` threads, 64 readers had 16 renders at once in each
process, taking turns at the GIL with each other and with the event loop, which reads the
requests and writes the answers: each switch costs a thread up to the interpreter's switch
interval (5 ms), the event loop waited behind every render, and a page served fewer readers a
second at 64 connections than at 8, with p99 near a second. Here at most `PAGE_THREADS`
renders run at once per process; the rest wait on the event loop, in order of arrival, which
costs nothing. Answers that need no thread (kept JSON answers, the kept start page, the
feed's 304) go past them. Requests that wait for something other than the CPU (a write
waiting for SQLite's write lock, a streamed body) keep the whole pool (`web/admission.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar

__all__ = ["PAGE_THREADS", "in_page_thread"]

# Two: one page rendering while the other waits for the database. Its connection comes from
# the pool, which lends as many again as `server_threads` (`db.engine.make_engine`).
PAGE_THREADS = 2

_T = TypeVar("_T")
_LIMITER: RunVar[CapacityLimiter] = RunVar("page_threads")  # one per event loop


def _limiter() -> CapacityLimiter:
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = CapacityLimiter(PAGE_THREADS)
        _LIMITER.set(limiter)
        return limiter


async def in_page_thread(render: Callable[[], _T]) -> _T:
    """`render()` in a thread of the pool once one of this process's page slots is free."""
    return await anyio.to_thread.run_sync(render, limiter=_limiter())
