"""The ASGI application: routers, pages, sessions, error mapping and the shared engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from torget import __version__
from torget.catalog.visibility import structural_error
from torget.db.engine import PoolExhausted
from torget.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    TooLarge,
    TorgetError,
    ValidationFailed,
)
from torget.settings import Settings
from torget.site import Site
from torget.web import (
    api_accounts,
    api_audit,
    api_checklist,
    api_ckan,
    api_comments,
    api_coverage,
    api_dataservices,
    api_datasets,
    api_datastore,
    api_docs,
    api_follows,
    api_freshness,
    api_harvest,
    api_inventory,
    api_links,
    api_maturity,
    api_organisations,
    api_quality,
    api_search,
    api_showcases,
    api_specifications,
    api_statistics,
    api_suggestions,
    api_tokens,
    api_versions,
    api_vocabularies,
    api_webhooks,
    dcat_routes,
    feeds,
    user_files,
)
from torget.web.admission import Admission
from torget.web.body_limit import FORM_OVERHEAD, BodyLimit
from torget.web.caching import HttpCaching
from torget.web.cors import CrossOrigin
from torget.web.hsts import StrictTransportSecurity
from torget.web.kept_door import KeptAnswers
from torget.web.pages import (
    about,
    accessibility,
    account,
    audit,
    checklist,
    comments,
    coverage,
    dashboard,
    dataservice_forms,
    dataset_forms,
    dictionary,
    distribution_forms,
    follows,
    harvest,
    home,
    inventory,
    links,
    load_changes,
    maturity,
    members,
    organisation,
    password_reset,
    quality,
    registration,
    reminders,
    search,
    session,
    showcases,
    specifications,
    statistics,
    suggestions,
    suggestions_forms,
    tokens,
    webhooks,
)
from torget.web.pages.errors import not_found_page, page_error, wants_page
from torget.web.request_site import request_site
from torget.web.retry import RetryWrites
from torget.web.route_index import index_routes
from torget.web.sessions import SESSION_COOKIE, session_secret

__all__ = ["create_app"]

_STATUS = {
    NotFound: (404, "not_found"),
    Conflict: (409, "conflict"),
    PermissionDenied: (403, "forbidden"),
    NotAuthenticated: (401, "not_authenticated"),
    TooLarge: (413, "too_large"),
}


def _error(
    status: int, error: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
    return JSONResponse({"error": error, "message": message, **extra}, status, headers=headers)


async def _torget_error(request: Request, exc: Exception) -> Response:
    if wants_page(request):
        assert isinstance(exc, TorgetError)
        return await page_error(request, exc)
    if isinstance(exc, ValidationFailed):
        return _error(
            422,
            "validation_failed",
            "the request has invalid fields: " + str(exc),
            errors=[e.as_dict() for e in exc.errors],
        )
    assert isinstance(exc, TorgetError)
    coded: dict[str, Any] = {"code": exc.code, "params": dict(exc.params)}
    if isinstance(exc, RateLimited):
        retry = {"Retry-After": str(exc.retry_after)}
        return _error(429, "rate_limited", str(exc), headers=retry, **coded)
    status, kind = next(
        (value for cls, value in _STATUS.items() if isinstance(exc, cls)), (400, "bad_request")
    )
    return _error(status, kind, str(exc), **coded)


async def _pool_exhausted(request: Request, exc: Exception) -> Response:
    """Every database connection was lent out for `POOL_WAIT` seconds: busy, not broken."""
    message = "the server is busy; try again in a few seconds"
    return _error(503, "busy", message, headers={"Retry-After": "5"})


async def _request_error(request: Request, exc: Exception) -> Response:
    """pydantic's complaints about a request in Torget's error shape; bad JSON is a 400."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        where = broken.get("ctx", {}).get("error", "")
        return _error(400, "malformed_json", f"the request body is not valid JSON: {where}")
    if any(tuple(e["loc"]) == ("body",) and e["type"] != "missing" for e in errors):
        return _error(400, "malformed_json", "the request body must be a JSON object")
    fields = []
    for e in errors:
        path = [str(p) for p in e["loc"] if p != "body"]
        fields.append(structural_error(".".join(path), e["type"], path, e["msg"]))
    return await _torget_error(request, ValidationFailed(fields))


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown addresses: the 404 page for browsers, FastAPI's JSON for everyone else."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        page = await not_found_page(request)
        if page is not None:
            return page
    return await http_exception_handler(request, exc)


# Routers in the order their paths are matched (a fixed path before a pattern that would
# take it).
_ROUTERS = (
    api_accounts,
    api_ckan,
    api_checklist,
    api_audit,  # issue 20: the audit log and a dataset's history
    api_datasets,
    api_datastore,
    api_versions,
    api_docs,
    api_dataservices,
    api_organisations,
    api_quality,
    api_maturity,  # issue 14 item 4: maturity
    api_search,
    api_tokens,
    api_vocabularies,
    api_comments,
    api_follows,
    api_freshness,
    api_links,
    api_inventory,
    api_webhooks,
    api_harvest,
    api_showcases,
    api_suggestions,
    api_specifications,
    api_coverage,  # issue 16: who publishes each specification, and where
    api_statistics,
    dcat_routes,
    feeds,
    user_files,
    home,
    search,
    organisation,
    about,
    accessibility,
    session,
    dashboard,
    harvest,
    dataset_forms,
    quality,
    checklist,
    audit,  # issue 20: the audit log's and a dataset's history pages
    distribution_forms,
    dictionary,
    load_changes,
    dataservice_forms,
    members,
    tokens,
    registration,
    password_reset,
    reminders,
    links,
    account,
    comments,
    follows,
    inventory,
    showcases,
    suggestions_forms,  # before suggestions: /suggestions/new is not an id
    suggestions,
    webhooks,
    specifications,
    coverage,  # issue 16: a specification's coverage page and map
    statistics,  # issue 14: the use statistics' pages
    maturity,  # issue 14 item 4: an organisation's maturity and the comparison
)


def create_app(site: Site) -> FastAPI:
    """The web app over `site`, which its opener closes. Handlers reach the site through
    `torget.web.request_site.SiteDep`; what a change sets in motion is the site's: see
    `torget.site.SUBSCRIPTIONS`."""
    app = FastAPI(
        title="Torget",
        version=__version__,
        description="Open-data catalogue API: DCAT-AP-SE 3.0.1 datasets, distributions, data "
        "services, organisations and tokens. Authenticate with 'Authorization: Bearer <token>'.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.site = site  # read through torget.web.request_site, typed
    _add_error_handlers_and_middleware(app, site.settings)
    for module in _ROUTERS:
        app.include_router(module.router)
    static = Path(__file__).parent / "web" / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.add_api_route("/api", _api_index, methods=["GET"], include_in_schema=False)
    index_routes(app)  # each router rules itself out by its paths first (issue 21)
    return app


def _add_error_handlers_and_middleware(app: FastAPI, settings: Settings) -> None:
    app.add_exception_handler(TorgetError, _torget_error)
    app.add_exception_handler(RequestValidationError, _request_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(PoolExhausted, _pool_exhausted)
    # Innermost: every middleware below labels, counts and guards its answers as the routes'.
    app.add_middleware(KeptAnswers)  # kept record and search answers before routing
    # Inside RetryWrites, which keeps a body's first MiB to replay it: the limit then
    # applies where the application reads, and a page's own 413 page still answers.
    app.add_middleware(BodyLimit, max_bytes=settings.upload_max_bytes + FORM_OVERHEAD)
    app.add_middleware(RetryWrites)  # runs a write that lost a race again
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=SESSION_COOKIE,
        same_site="lax",
        https_only=settings.public_base.startswith("https://"),
    )
    app.add_middleware(CrossOrigin)  # outside the sessions: a preflight sets no cookie
    app.add_middleware(user_files.FilesOriginOnly, settings=settings)
    if settings.public_base.startswith("https://"):
        app.add_middleware(StrictTransportSecurity, max_age=settings.hsts_max_age)
    app.add_middleware(HttpCaching, max_age=settings.http_cache_max_age)  # ETag, 304
    # Outermost: an overloaded server answers 503 before doing any work (docs/deployment.md).
    app.add_middleware(Admission, threads=settings.server_threads, queue=settings.server_queue)


def _api_index(request: Request) -> dict[str, Any]:
    base = request_site(request).settings.public_base
    return {
        "name": "Torget",
        "version": __version__,
        "catalogue": f"{base}/datasets/dcat",
        "api": f"{base}/api/datasets",
        "openapi": f"{base}/api/openapi.json",
        "docs": f"{base}/api/docs",
        "ckan_openapi": f"{base}/api/3/openapi.json",
        "feed": f"{base}/feeds/datasets.atom",
        "guide": f"{base}/about",
    }
