"""The accessibility statement (tillgänglighetsredogörelse) and its form for reporting problems.

The statement follows DIGG's model (digg.se, "Mall för tillgänglighetsredogörelse"): who stands
behind the site, how accessible it is, what to do when something cannot be used, how to report
a problem, the supervising authority (DIGG), the technical conformance status against WCAG 2.1
AA (EN 301 549), the known problems, and how the site was tested. Reports go to
`torget.accessibility.reports`; system administrators read them at `/publish/reports`.
"""

from __future__ import annotations

import datetime as dt

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accessibility.reports import list_reports, report_problem
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "REVIEWED"]

router = page_router()

# When the statement was last reviewed against the pages, with the automated and keyboard tests.
REVIEWED = dt.date(2026, 11, 23)
REPORT_FIELDS = (
    Field("page_url", N_("Address of the page (if the problem is on one page)")),
    Field("description", N_("Describe the problem")),
    Field(
        "email",
        N_("Your e-mail address (optional)"),
        hint=N_("Give it if you want an answer. We use it only to answer you."),
    ),
)


def _statement(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request, "accessibility.html", title=N_("Accessibility statement"),
        status=status, form=form, reviewed=REVIEWED, labels=labels(REPORT_FIELDS),
    )  # fmt: skip


@router.get("/accessibility")
def accessibility_page(request: Request, page: str = "") -> Response:
    return _statement(request, Form({"page_url": [page[:2000]]}))


@router.post("/accessibility")
def report(request: Request, data: FormData = Depends(posted_form)) -> Response:
    form = Form.posted(data, REPORT_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            report_problem(
                conn,
                form.value("description"),
                page_url=form.value("page_url"),
                email=form.value("email"),
            )
    except ValidationFailed as exc:
        form.add(exc, REPORT_FIELDS)
        return _statement(request, form, 422)
    flash(request, N_("Thank you. Your report has been sent."))
    return redirect("/accessibility#report")


@router.get("/publish/reports")
def reports_page(request: Request) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        total, found = list_reports(conn, actor)
    return render(
        request, "reports.html", title=N_("Reports of accessibility problems"),
        total=total, reports=found,
    )  # fmt: skip
