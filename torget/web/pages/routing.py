"""What every page router shares: HTML errors, the CSRF check, redirects, the signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from torget.accounts.permissions import Acting
from torget.errors import NotAuthenticated
from torget.web.sessions import check_csrf, page_actor

__all__ = ["page_router", "redirect", "signed_in", "safe_next", "login_url"]


async def _mark_page(request: Request) -> None:
    """Errors raised while serving this request are shown as pages, not JSON. (On the event
    loop: a plain `def` dependency costs every page a hop to a thread of the pool.)"""
    request.state.page = True


def page_router(*guards: Callable[..., Any]) -> APIRouter:
    """A router of HTML pages: outside the OpenAPI document, every POST CSRF-checked.

    `guards` (dependencies) run before the CSRF check reads a POSTed form: the permission
    check of an upload page, so that nobody who may not upload has a byte of theirs read."""
    checks = [Depends(_mark_page), *(Depends(guard) for guard in guards), Depends(check_csrf)]
    return APIRouter(include_in_schema=False, dependencies=checks)


def redirect(url: str) -> RedirectResponse:
    """After a POST: see the result with a GET (303), so a reload does not post again."""
    return RedirectResponse(url, status_code=303)


def signed_in(request: Request) -> Acting:
    """The signed-in actor; anyone else is sent to the log-in page."""
    actor = page_actor(request)
    if actor.user is None:
        raise NotAuthenticated("log in to see this page")
    return actor


def safe_next(value: str | None) -> str:
    """A local path to return to after logging in; anything else goes to the dashboard."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/publish"


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        here = request.headers.get("referer", "/publish")
        here = "/" + here.split("://", 1)[-1].split("/", 1)[-1] if "://" in here else here
    return "/login?next=" + quote(safe_next(here), safe="/")
