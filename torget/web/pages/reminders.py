"""Stopping the reminders (issue 20): the link at the foot of every digest opens a page that
asks to confirm (a GET never changes anything, since mail scanners open links), and the POST
stops them for that address. The link is signed with the site's key
(`publishing.reminders.unsubscribe_token`), so nobody can stop another's reminders."""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.db.engine import write
from torget.publishing.reminders import unsubscribe, valid_token
from torget.web.i18n import N_
from torget.web.pages.routing import page_router
from torget.web.rendering import render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form, session_secret

__all__ = ["router"]

router = page_router()
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _page(request: Request, address: str, token: str, done: bool = False) -> Response:
    valid = valid_token(session_secret(request_site(request).settings), address, token)
    return render(
        request, "reminders_unsubscribe.html", title=N_("Stop the reminders"),
        status=200 if valid else 400, address=address, token=token, valid=valid, done=done,
        headers=_PRIVATE,
    )  # fmt: skip


@router.get("/reminders/unsubscribe")
def unsubscribe_page(request: Request, address: str = "", token: str = "") -> Response:
    return _page(request, address, token)


@router.post("/reminders/unsubscribe")
def unsubscribe_post(request: Request, data: FormData = Depends(posted_form)) -> Response:
    address, token = str(data.get("address", "")), str(data.get("token", ""))
    site = request_site(request)
    if not valid_token(session_secret(site.settings), address, token):
        return _page(request, address, token)
    with write(site.engine) as conn:
        unsubscribe(conn, address)
    return _page(request, address, token, done=True)
