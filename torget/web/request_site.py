"""The site a request is served by: the one typed way for the web layer to reach it.

`create_app(site)` keeps the `torget.site.Site` on the application. Handlers declare
`site: SiteDep` (a FastAPI dependency), and helpers that already hold the request call
`request_site(request)`; neither reads untyped attributes of `request.app.state`, so mypy
checks every use of the settings, the engine, the file store and the SQL sandbox.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from torget.site import Site

__all__ = ["SiteDep", "request_site"]


def request_site(request: Request) -> Site:
    """The site `create_app` serves."""
    site: Site = request.app.state.site
    return site


SiteDep = Annotated[Site, Depends(request_site)]
