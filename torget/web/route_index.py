"""Finding a request's route without asking each of the 264 routes in turn.

FastAPI (0.165) keeps each included router whole and asks it, route by route, whether a path
is its own, setting and restoring scope keys for each route: some 10 µs a route, so a page
whose router comes late in `create_app`'s list (the statistics, the DCAT feed, `/api`) paid
0.4-0.8 ms of CPU before its handler started (issue 21: a conditional fetch of the feed cost
2.3 ms). Here each included router first tries its routes' own path patterns, compiled regular
expressions (a fraction of a microsecond each); only a router with a route whose pattern
matches is asked as before, so what answers, and in what order, is what FastAPI decides.
A router whose routes are not all plain API routes (a nested router, a mount) is always asked.
It leans on FastAPI's private `_IncludedRouter` and `_EffectiveRouteContext` (FastAPI 0.165):
with a FastAPI that lacks them (older, or an upgrade that renames them) routes are found as
FastAPI finds them, only slower (`INDEXED` says which; a test compares both ways' answers).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

try:
    from fastapi.routing import _EffectiveRouteContext, _IncludedRouter
except ImportError:  # pragma: no cover - another FastAPI: route as it does
    INDEXED = False
else:
    INDEXED = True

__all__ = ["index_routes", "INDEXED"]


_GROUP = re.compile(r"\(\?P<\w+>")


def _pattern(candidates: list[Any]) -> re.Pattern[str] | None:
    """One pattern for all of a router's route paths (each route's own, its named groups
    made plain), or None when one is not a plain API route."""
    found = []
    for candidate in candidates:
        if not (
            isinstance(candidate, _EffectiveRouteContext)
            and isinstance(candidate.original_route, APIRoute)
        ):
            return None
        found.append(_GROUP.sub("(?:", candidate.path_regex.pattern))
    return re.compile("|".join(f"(?:{p})" for p in found))


def _indexed(router: Any) -> Any:
    asked = router.matches
    routes = router.original_router.routes
    # how many routes the pattern was made of, and the pattern
    kept: list[Any] = [len(routes), _pattern(router.effective_candidates())]

    def matches(scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            if len(routes) != kept[0]:  # routes added since: make the pattern again
                kept[:] = [len(routes), _pattern(router.effective_candidates())]
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
