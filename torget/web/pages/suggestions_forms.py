"""The suggestion forms: suggesting a dataset (`/suggestions/new`) and an editor's status
change on a suggestion's page.

Suggesting needs a verified e-mail address. Someone signed in whose address is not yet
confirmed gets a page that says so and offers to send the link again (the same
`/verify/resend` as the banner), with status 403 when they post anyway, instead of a bare
"forbidden".
"""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.catalog.organisations import all_organisations
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.participation.suggestion_status import StatusChange, change_status
from torget.participation.suggestions import LIMITS, SuggestionIn, create_suggestion
from torget.web.abuse import check_honeypot, client_address
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.pages.suggestions import (
    STATUS_FIELDS,
    suggestion_page,
)
from torget.web.participation_problems import add_problems
from torget.web.pickers import options, organisation_options
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "SUGGESTION_FIELDS"]

router = page_router()
SUGGESTION_FIELDS = (
    Field("title", N_("What data do you want?"), hint=N_("A short name for the data.")),
    Field("description", N_("Describe the data")),
    Field("reason", N_("Why does it matter?")),
    Field("organisation", N_("Which organisation has the data?")),
    Field("theme", N_("Theme (optional)")),
)


def _form_page(request: Request, form: Form, status: int = 200) -> Response:
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        orgs = all_organisations(conn)
    return render(
        request, "suggestion_form.html", title=N_("Suggest data"), status=status, form=form,
        labels=labels(SUGGESTION_FIELDS), organisations=organisation_options(orgs, None, lang),
        themes=options("theme", lang, True), limits=LIMITS,
    )  # fmt: skip


def _verify_first(request: Request, status: int) -> Response:
    return render(request, "suggestion_verify.html", title=N_("Confirm your e-mail address first"),
                  status=status)  # fmt: skip


@router.get("/suggestions/new")
def new(request: Request) -> Response:
    actor = signed_in(request)
    assert actor.user is not None
    if not actor.user.email_verified:
        return _verify_first(request, 200)
    organisation = request.query_params.get("organisation", "")
    return _form_page(request, Form({"organisation": [organisation] if organisation else []}))


@router.post("/suggestions/new")
def submit(request: Request, data: FormData = Depends(posted_form)) -> Response:
    check_honeypot(data)
    actor = signed_in(request)
    assert actor.user is not None
    if not actor.user.email_verified:
        return _verify_first(request, 403)
    form = Form.posted(data, SUGGESTION_FIELDS)
    entry = SuggestionIn(
        form.value("title"), form.value("description"), form.value("reason"),
        form.value("organisation"), form.value("theme") or None,
    )  # fmt: skip
    try:
        with write(request_site(request).engine) as conn:
            made = create_suggestion(conn, actor, entry, address=client_address(request))
    except ValidationFailed as exc:
        add_problems(form, exc, SUGGESTION_FIELDS)
        return _form_page(request, form, 422)
    flash(request, N_("Thank you! Your suggestion is published. Others can now vote for it."))
    return redirect(made.path)


@router.post("/suggestions/{suggestion_id}/status")
def status(request: Request, suggestion_id: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, STATUS_FIELDS)
    change = StatusChange(
        form.value("status"), form.value("status_reason") or None, form.value("dataset") or None
    )
    try:
        with write(request_site(request).engine) as conn:
            moved = change_status(conn, actor, suggestion_id, change)
    except ValidationFailed as exc:
        add_problems(form, exc, STATUS_FIELDS)
        return suggestion_page(request, suggestion_id, form, 422)
    flash(request, N_("The status is changed."))
    return redirect(f"{moved.path}#status")
