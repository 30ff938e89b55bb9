"""The dataset's publishing checklist page (issue 13 B): each item with its state and who
settled it, and the forms that settle them: classification, a licence's justification, the
second person's approval, and the sign-off of personal data (organisation admins). Plain
forms that post and redirect, so the page works without JavaScript; every rule is in
`torget.publishing`, the same as the JSON API's and the command line's.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.permissions import Acting, Actor
from torget.catalog.datasets import Dataset, get_dataset, get_distribution
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.publishing import guard, settlements
from torget.publishing.checklist import Checklist, checklist
from torget.web.forms import MESSAGES, Field, Form, Problem
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router"]

router = page_router()

ITEM_LABELS = {
    "classification": N_("Information classification"),
    "personal_data": N_("Personal data"),
    "licence": N_("Licence"),
    "access_rights": N_("Access rights"),
    "distribution": N_("At least one distribution"),
    "machine_readable": N_("Machine-readable data"),
    "specification": N_("Specification"),
    "high_value": N_("High-value dataset: API, bulk download and open licence"),
    "approval": N_("Approval by a second person"),
}
STATE_LABELS = {
    "passed": N_("Done"),
    "failed": N_("Not done"),
    "pending": N_("Waiting for the scan"),
    "unchecked": N_("Recorded, not checked"),
    "not_required": N_("Not required"),
    "not_yet_classified": N_("Not yet classified"),
}
KIND_LABELS = {
    "personal_identity_number": N_("Personal identity numbers"),
    "coordination_number": N_("Co-ordination numbers"),
    "email": N_("E-mail addresses"),
    "phone": N_("Phone numbers"),
    "name": N_("Names of people"),
}
LEVELS = ("confidentiality", "integrity", "availability")
CLASSIFICATION = [
    Field("classification.confidentiality", N_("Confidentiality")),
    Field("classification.integrity", N_("Integrity")),
    Field("classification.availability", N_("Availability")),
    Field("classification.reason", N_("Reason")),
]
JUSTIFICATION = [Field("licence_justification", N_("Why this licence"))]
SIGNOFF = [Field("justification", N_("Justification"))]


def _problem(code: str | None, message: str, params: dict[str, str]) -> Problem:
    msgid = MESSAGES.get(code or "")
    if msgid is None:
        return Problem(None, message)
    return Problem(None, msgid, True, tuple(params.items()), message)


def _page(
    request: Request, actor: Actor, ref: str, form: Form | None = None, status: int = 200
) -> Response:
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
        actor.require(dataset.organisation_id, "member", "see this dataset's checklist")
        found = checklist(conn, dataset, actor)
        current = settlements.classification_of(conn, dataset.id)
    values: dict[str, list[str]] = {}
    if current is not None:
        values = {f"classification.{k}": [str(getattr(current, k))] for k in LEVELS}
        values["classification.reason"] = [current.reason]
    return render(
        request,
        "checklist.html",
        title=N_("Publishing checklist"),
        status=status,
        form=form or Form(values),
        dataset=dataset,
        checklist=found,
        problems=_problems(found),
        can_edit=actor.has_role(dataset.organisation_id, "editor"),
        can_sign=actor.has_role(dataset.organisation_id, "admin"),
        item_labels=ITEM_LABELS,
        state_labels=STATE_LABELS,
        kind_labels=KIND_LABELS,
        titles={d.id: d.data.title for d in dataset.distributions},
    )


def _problems(found: Checklist) -> dict[str, Problem]:
    return {
        i.key: _problem(i.code, i.message, i.params)
        for i in found.items
        if i.state in ("failed", "pending") and i.code
    }


@router.get("/publish/dataset/{ref}/checklist")
def checklist_page(request: Request, ref: str) -> Response:
    return _page(request, signed_in(request), ref)


def _settle(
    request: Request, ref: str, form: Form, fields: list[Field], change: Any, done: str
) -> Response:
    actor = signed_in(request)
    try:
        with write(request_site(request).engine) as conn:
            dataset: Dataset = get_dataset(conn, actor, ref)
            change(conn, actor, dataset.id)
    except ValidationFailed as exc:
        form.add(exc, fields)
        return _page(request, actor, ref, form, 422)
    flash(request, done)
    return redirect(f"/publish/dataset/{dataset.id}/checklist")


def _level(form: Form, name: str) -> object:
    value = form.value(f"classification.{name}")
    return int(value) if value in ("0", "1", "2") else value


@router.post("/publish/dataset/{ref}/classification")
def classify(request: Request, ref: str, data: FormData = Depends(posted_form)) -> Response:
    form = Form.posted(data, CLASSIFICATION)

    def change(conn: Any, actor: Acting, dataset_id: str) -> None:
        levels = {k: _level(form, k) for k in LEVELS}
        reason = form.value("classification.reason")
        settlements.classify(conn, actor, dataset_id, reason=reason, **levels)

    return _settle(request, ref, form, CLASSIFICATION, change, N_("The classification is saved."))


@router.post("/publish/dataset/{ref}/licence-justification")
def justify(request: Request, ref: str, data: FormData = Depends(posted_form)) -> Response:
    form = Form.posted(data, JUSTIFICATION)

    def change(conn: Any, actor: Acting, dataset_id: str) -> None:
        settlements.justify_licence(conn, actor, dataset_id, form.value("licence_justification"))

    return _settle(request, ref, form, JUSTIFICATION, change, N_("The justification is saved."))


@router.post("/publish/dataset/{ref}/approval")
def approve(request: Request, ref: str) -> Response:
    def change(conn: Any, actor: Acting, dataset_id: str) -> None:
        settlements.approve(conn, actor, dataset_id)

    return _settle(request, ref, Form(), [], change, N_("Your approval is recorded."))


@router.post("/publish/distribution/{dist_id}/signoff")
def sign_off(request: Request, dist_id: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        dataset_id = get_distribution(conn, actor, dist_id).dataset_id
    form = Form.posted(data, SIGNOFF)

    def change(conn: Any, actor: Acting, _dataset_id: str) -> None:
        guard.sign_off(conn, actor, dist_id, form.value("justification"))

    return _settle(request, dataset_id, form, SIGNOFF, change, N_("The findings are signed off."))
