"""Finding a request's route without asking each of the 264 routes in turn.

FastAPI (0.165) keeps each included router whole and asks it, route by route, whether a path
is its own, setting and restoring scope keys for each route: some 10 µs a route, so a page
whose router comes late in `create_app`'s list (the statistics, the DCAT feed, `/api`) paid
0.4-0.8 ms of CPU before its handler started (issue 21: a conditional fetch of the feed cost
2.3 ms). Here each included router first tries its routes' own path patterns, compiled regular
expressions (a fraction of a microsecond each); only a router with a route whose pattern
matches is asked as before, so what answers, and in what order, is what FastAPI decides.
A router whose routes are not all plain API routes (a nested router, a mount) is always asked.
It leans on FastAPI's private `_IncludedRouter` and its `include_context` (FastAPI 0.165):
with a FastAPI that lacks them (older, or an upgrade that renames them) routes are found as
FastAPI finds them, only slower (`INDEXED` says which; a test compares both ways' answers).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import Match, compile_path
from starlette.types import Scope

try:
    from fastapi.routing import _IncludedRouter
except ImportError:  # pragma: no cover - another FastAPI: route as it does
    INDEXED = False
else:
    INDEXED = True

__all__ = ["index_routes", "INDEXED"]


_GROUP = re.compile(r"\(\?P<\w+>")


def _pattern(router: Any) -> re.Pattern[str] | None:
    """One pattern for all of a router's route paths (each route's own, as FastAPI compiles
    it for this inclusion, its named groups made plain), or None when one is not a plain API
    route. Made from the paths alone: FastAPI's `effective_candidates()` would also build each
    route's dependencies, 0.5 s for the whole app, which FastAPI itself does only for the
    routers a request reaches."""
    found = []
    for route in router.original_router.routes:
        if not isinstance(route, APIRoute):
            return None
        regex, _, _ = compile_path(router.include_context.path_for(route))
        found.append(_GROUP.sub("(?:", regex.pattern))
    return re.compile("|".join(f"(?:{p})" for p in found))


def _indexed(router: Any) -> Any:
    asked = router.matches
    routes = router.original_router.routes
    # how many routes the pattern was made of, and the pattern
    kept: list[Any] = [len(routes), _pattern(router)]

    def matches(scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            if len(routes) != kept[0]:  # routes added since: make the pattern again
                kept[:] = [len(routes), _pattern(router)]
            pattern = kept[1]
            if pattern is not None and pattern.match(get_route_path(scope)) is None:
                return Match.NONE, {}
        result: tuple[Match, Scope] = asked(scope)
        return result

    return matches


def index_routes(app: FastAPI) -> None:
    """Let each of the app's included routers rule itself out by its paths first."""
    if not INDEXED:
        return
    for route in app.router.routes:
        if isinstance(route, _IncludedRouter):
            route.matches = _indexed(route)  # type: ignore[method-assign]
