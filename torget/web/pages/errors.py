"""Errors on pages: an HTML page with the right status instead of the API's JSON.

A domain error raised while serving a page (marked by `routing.page_router`) becomes a page
that says in the reader's language what happened; "log in first" becomes a redirect to the
log-in page that comes back afterwards. Unknown addresses get the same 404 page when the client
prefers HTML.
"""

from __future__ import annotations

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

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
from torget.web.i18n import N_
from torget.web.negotiation import prefers_html
from torget.web.pages.routing import login_url, redirect
from torget.web.rendering import render
from torget.web.sessions import CsrfFailed

__all__ = ["wants_page", "page_error", "not_found_page"]

# (status, heading, explanation), most specific first.
_KINDS: list[tuple[type[Exception], int, str, str]] = [
    (
        RateLimited,
        429,
        N_("Too many attempts"),
        N_("You have done this many times in a short while. Wait a moment and try again."),
    ),
    (
        CsrfFailed,
        403,
        N_("The form has expired"),
        N_("Go back, reload the page and send the form again."),
    ),
    (
        TooLarge,  # also a form over the upload limit (sessions.RequestTooLarge)
        413,
        N_("The file is too large"),
        N_(
            "The file is larger than this site accepts. Publish large files elsewhere and "
            "link to them."
        ),
    ),
    (
        NotFound,
        404,
        N_("Page not found"),
        N_("There is nothing at this address. It may have been moved or removed."),
    ),
    (
        PermissionDenied,
        403,
        N_("You may not do this"),
        N_("Your account does not have the role needed for this page."),
    ),
    (
        Conflict,
        409,
        N_("This clashes with something that exists"),
        N_("Change what you sent and try again."),
    ),
    (
        ValidationFailed,
        422,
        N_("Something in the request is not right"),
        N_("Go back, correct it and try again."),
    ),
]


def wants_page(request: Request) -> bool:
    return bool(getattr(request.state, "page", False))


def _page(request: Request, status: int, heading: str, explanation: str, detail: str) -> Response:
    return render(
        request,
        "error.html",
        title=heading,
        status=status,
        heading=heading,
        explanation=explanation,
        detail=detail,
    )


async def page_error(request: Request, exc: TorgetError) -> Response:
    if isinstance(exc, NotAuthenticated):
        return redirect(login_url(request))
    status, heading, explanation = 400, N_("Something went wrong"), ""
    for kind, code, title, text in _KINDS:
        if isinstance(exc, kind):
            status, heading, explanation = code, title, text
            break
    page = await run_in_threadpool(_page, request, status, heading, explanation, str(exc))
    if isinstance(exc, RateLimited):
        page.headers["Retry-After"] = str(exc.retry_after)
    return page


async def not_found_page(request: Request) -> Response | None:
    """The HTML 404 page for a browser that asked for an unknown address; None for others."""
    if request.url.path.startswith("/api") or not prefers_html(request.headers.get("accept", "")):
        return None
    request.state.page = True
    return await run_in_threadpool(
        _page,
        request,
        404,
        N_("Page not found"),
        N_("There is nothing at this address. It may have been moved or removed."),
        "",
    )
