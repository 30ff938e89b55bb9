"""The signed-in user's API tokens: create (the secret is shown once, on that page only), list
and revoke. The same `torget.accounts.tokens` as `/api/tokens` and `torget token`."""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.tokens import create_token, list_tokens, revoke_token
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router"]

router = page_router()
TOKEN_FIELDS = (Field("name", N_("What the token is for"), hint=N_("For example: nightly import")),)


def _page(request: Request, form: Form, secret: str | None = None, status: int = 200) -> Response:
    actor = signed_in(request)
    assert actor.user is not None
    with read(request_site(request).engine) as conn:
        found = list_tokens(conn, actor.user.id)
    return render(
        request,
        "tokens.html",
        title=N_("API tokens"),
        status=status,
        form=form,
        labels=labels(TOKEN_FIELDS),
        tokens=found,
        secret=secret,
        headers={"Cache-Control": "no-store"},
    )


@router.get("/publish/tokens")
def tokens_page(request: Request) -> Response:
    return _page(request, Form())


@router.post("/publish/tokens")
def create(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    assert actor.user is not None
    form = Form.posted(data, TOKEN_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            _, secret = create_token(conn, actor.user.id, form.value("name"))
    except ValidationFailed as exc:
        form.add(exc, TOKEN_FIELDS)
        return _page(request, form, status=422)
    return _page(request, Form(), secret=secret)


@router.post("/publish/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: str) -> Response:
    actor = signed_in(request)
    assert actor.user is not None
    with write(request_site(request).engine) as conn:
        revoke_token(conn, actor.user.id, token_id)
    flash(request, N_("The token is revoked: it no longer works."))
    return redirect("/publish/tokens")
