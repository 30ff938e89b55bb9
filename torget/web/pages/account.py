"""The signed-in person's own account: profile (display name, language of e-mails), the state
of their address, a download of all their data, and deleting the account
(`torget.accounts.profiles` and `torget.accounts.privacy`, the same as `/api/me`)."""

from __future__ import annotations

import json

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.privacy import LastAdministrator, delete_account, export_account
from torget.accounts.profiles import Profile, get_profile, update_profile
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.account_forms import (
    FULLNAME,
    LANGUAGE,
    LANGUAGE_CHOICES,
    add_problems,
)
from torget.web.pages.members import ROLE_NAMES
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import log_out, posted_form

__all__ = ["router"]

router = page_router()
PROFILE_FIELDS = (FULLNAME, LANGUAGE)
DELETE_FIELDS = (Field("password", N_("Your password, to confirm")),)
_PRIVATE = {"Cache-Control": "no-store"}


def _profile(request: Request) -> Profile:
    actor = signed_in(request)
    assert actor.user is not None
    with read(request_site(request).engine) as conn:
        return get_profile(conn, actor.user.id)


def _account_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    profile = _profile(request)
    if form is None:
        form = Form({"fullname": [profile.user.fullname or ""], "language": [profile.language]})
    return render(
        request, "account.html", title=N_("My account"), status=status, form=form,
        labels=labels(PROFILE_FIELDS), profile=profile, languages=LANGUAGE_CHOICES,
        role_names=ROLE_NAMES,
        headers=_PRIVATE,
    )  # fmt: skip


@router.get("/account")
def account_page(request: Request) -> Response:
    return _account_page(request)


@router.post("/account")
def save_profile(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    assert actor.user is not None
    form = Form.posted(data, PROFILE_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            update_profile(
                conn, actor.user.id, fullname=form.value("fullname"),
                language=form.value("language"),
            )  # fmt: skip
    except ValidationFailed as exc:
        add_problems(form, exc, PROFILE_FIELDS)
        return _account_page(request, form, 422)
    flash(request, N_("Your account is saved."))
    return redirect("/account")


@router.get("/account/export")
def export(request: Request) -> Response:
    """All the person's data as a JSON file to download."""
    actor = signed_in(request)
    assert actor.user is not None
    with read(request_site(request).engine) as conn:
        document = export_account(conn, actor.user.id)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    filename = f"torget-{actor.user.name}.json"
    return Response(
        body,
        media_type="application/json",
        headers={**_PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _delete_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request, "account_delete.html", title=N_("Delete my account"), status=status,
        form=form, labels=labels(DELETE_FIELDS), profile=_profile(request), headers=_PRIVATE,
    )  # fmt: skip


@router.get("/account/delete")
def delete_page(request: Request) -> Response:
    return _delete_page(request, Form())


@router.post("/account/delete")
def delete(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    assert actor.user is not None
    form = Form.posted(data, DELETE_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            delete_account(conn, actor.user.id, form.value("password"))
    except ValidationFailed as exc:
        form.values["password"] = []
        add_problems(form, exc, DELETE_FIELDS)
        return _delete_page(request, form, 422)
    except LastAdministrator as exc:
        form.values["password"] = []
        names = ", ".join(exc.organisations)
        form.ours(
            None,
            N_(
                "You are the last administrator of %(organisations)s. Make someone else an "
                "administrator there first."
            ),
            organisations=names,
        )
        return _delete_page(request, form, 409)
    log_out(request)
    flash(request, N_("Your account is deleted. What you suggested and wrote stays, anonymised."))
    return redirect("/")
