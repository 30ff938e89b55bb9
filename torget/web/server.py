"""The application as `torget serve`'s server processes build it: one site per process.

`torget serve --workers N` runs N uvicorn processes, each importing `application` (an app
factory) and opening its own `Site` from the same settings: the environment and `torget.toml`
they inherit, with `TORGET_BASE_URL` set by `serve` to the address it chose, so that every
process mints the same IRIs. The parent migrates the database and makes the session key once
before they start. Each process also keeps the DCAT feed ready (`feed_cache.keep_ready`;
a file lock lets one of them build), reads the search index's kept structures before it
answers (`search.ready.keep_ready`) and closes its site when it stops.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from torget.app import create_app
from torget.dcat import feed_cache
from torget.search.ready import keep_ready
from torget.settings import load_settings
from torget.site import Site

__all__ = ["application"]


def application() -> FastAPI:
    """A server process's app over a site of its own (uvicorn's `--factory`)."""
    site = Site.open(load_settings(), migrate=False)
    app = create_app(site)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        keep_ready(site.engine)  # before the first connection: no searcher pays for it
        stop = threading.Event()
        keeper = threading.Thread(
            target=feed_cache.keep_ready,
            args=(site.engine, site.settings, stop),
            name="feed-keeper",
            daemon=True,
        )
        keeper.start()
        try:
            yield
        finally:
            stop.set()
            keeper.join(timeout=10)
            site.close()

    app.router.lifespan_context = lifespan
    return app
