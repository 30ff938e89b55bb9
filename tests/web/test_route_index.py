"""`web.route_index` lets a router rule itself out by its paths: it must answer exactly as
FastAPI does, for every route's path, a path of no route, and each method."""

from __future__ import annotations

import re
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from torget.web.route_index import INDEXED


def _paths(app: FastAPI) -> set[str]:
    """A concrete path for every route (each parameter filled in), and a few of no route."""
    found = {"/", "/nothing-here", "/api/nothing", "/dataset/x/nothing", "/static/torget.css"}
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.add(re.sub(r"\{[^}]+\}", "x1", route.path))
    return found


@pytest.mark.skipif(not INDEXED, reason="this FastAPI has no _IncludedRouter: nothing indexed")
def test_every_router_answers_as_fastapi_does(client: TestClient) -> None:
    included = fastapi.routing._IncludedRouter  # read here: another FastAPI may lack it
    app = client.app
    assert isinstance(app, FastAPI)
    routers = [r for r in app.router.routes if isinstance(r, included)]
    assert routers
    for path in sorted(_paths(app)):
        for method in ("GET", "POST"):
            scope: dict[str, Any] = {"type": "http", "method": method, "path": path,
                                     "root_path": "", "query_string": b"", "headers": [],
                                     "app": app}  # fmt: skip
            for router in routers:
                indexed = router.matches(dict(scope))
                asked = included.matches(router, dict(scope))
                assert indexed[0] == asked[0], (path, method, router.original_router.routes)


@pytest.mark.skipif(not INDEXED, reason="this FastAPI has no _IncludedRouter: nothing indexed")
def test_the_index_is_made_from_paths_alone(client: TestClient) -> None:
    """Making the app builds no router's routes: FastAPI builds a router's (each route's
    dependencies, 0.5 s for the whole app) when a request first reaches it. The suite makes
    an app per test."""
    included = fastapi.routing._IncludedRouter
    app = client.app
    assert isinstance(app, FastAPI)
    routers = [r for r in app.router.routes if isinstance(r, included)]
    assert [r for r in routers if r._effective_candidates_version is not None] == []
    assert client.get("/api/datasets").status_code == 200
    built = [r for r in routers if r._effective_candidates_version is not None]
    assert 0 < len(built) < len(routers)
