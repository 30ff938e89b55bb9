"""Registering an account and confirming its e-mail address (`torget.accounts.registration`).

The link in the mail opens a page with a button: confirming is a POST, so a mail program that
fetches links to scan them cannot use up the link. Confirming logs the owner in.
"""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.registration import Registration, register, resend_verification, verify_email
from torget.db.engine import write
from torget.errors import ValidationFailed
from torget.web.abuse import check_honeypot, client_address
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_, pick_language
from torget.web.pages.account_forms import (
    EMAIL,
    FULLNAME,
    LANGUAGE,
    LANGUAGE_CHOICES,
    NAME,
    add_problems,
)
from torget.web.pages.routing import page_router, redirect, safe_next, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import log_in, page_actor, posted_form

__all__ = ["router"]

router = page_router()
REGISTER_FIELDS = (
    NAME,
    FULLNAME,
    EMAIL,
    Field("password", N_("Password"), hint=N_("At least 10 characters.")),
    LANGUAGE,
)
VERIFY_FIELDS = (Field("token"),)


def _register_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request, "registration.html", title=N_("Register"), status=status, form=form,
        labels=labels(REGISTER_FIELDS), languages=LANGUAGE_CHOICES,
    )  # fmt: skip


@router.get("/register")
def register_page(request: Request) -> Response:
    return _register_page(request, Form({"language": [pick_language(request)]}))


@router.post("/register")
def register_account(request: Request, data: FormData = Depends(posted_form)) -> Response:
    check_honeypot(data)
    form = Form.posted(data, REGISTER_FIELDS)
    reg = Registration(
        form.value("name"), form.value("email"), form.value("password"),
        form.value("fullname"), form.value("language") or pick_language(request),
    )  # fmt: skip
    try:
        with write(request_site(request).engine) as conn:
            register(conn, request_site(request).settings, reg, client_address(request))
    except ValidationFailed as exc:
        form.values["password"] = []  # never sent back to the browser
        add_problems(form, exc, REGISTER_FIELDS)
        return _register_page(request, form, 422)
    return redirect("/register/sent")


@router.get("/register/sent")
def registered(request: Request) -> Response:
    return render(
        request, "registration_sent.html", title=N_("Check your e-mail"),
        hours=request_site(request).settings.verification_link_hours,
    )  # fmt: skip


def _verify_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request, "registration_verify.html", title=N_("Confirm your e-mail address"),
        status=status, form=form, labels=labels(VERIFY_FIELDS),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )  # fmt: skip


@router.get("/verify")
def verify_page(request: Request, token: str = "") -> Response:
    return _verify_page(request, Form({"token": [token]}))


@router.post("/verify")
def verify(request: Request, data: FormData = Depends(posted_form)) -> Response:
    form = Form.posted(data, VERIFY_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            user = verify_email(conn, form.value("token"))
    except ValidationFailed as exc:
        add_problems(form, exc, ())
        return _verify_page(request, form, 422)
    current = page_actor(request).user
    if current is None or current.id != user.id:
        log_in(request, user)
    flash(request, N_("Thank you: your e-mail address is confirmed. You can now take part."))
    return redirect("/account")


@router.post("/verify/resend")
def resend(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    assert actor.user is not None
    with write(request_site(request).engine) as conn:
        resend_verification(
            conn, request_site(request).settings, actor.user.id, client_address(request)
        )
    flash(request, N_("We have sent a new link to %(email)s."), email=actor.user.email)
    back = data.get("next")
    return redirect(safe_next(back if isinstance(back, str) and back else "/account"))
