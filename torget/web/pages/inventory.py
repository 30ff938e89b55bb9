"""The inventory's pages (issue 13 A): an organisation's candidates ranked by priority with
their reasons, the spreadsheet import and export, a candidate's form and history, the step
that makes it a draft, and the public list of what is planned.

Editors of the organisation change it, its members read it (`/publish/organisation/<name>/
inventory`); when an administrator has made it public, anyone reads
`/organisation/<name>/inventory`, without the contacts. Every form is a plain POST with the
session's CSRF token, so the pages work without JavaScript. A refused spreadsheet comes back
on the same page with each problem at its row and column, and nothing imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData, UploadFile

from torget.accounts.permissions import Actor
from torget.catalog.organisations import Organisation
from torget.catalog.vocabularies import vocabulary
from torget.db.engine import read, write
from torget.errors import Conflict, FieldError, ValidationFailed
from torget.publishing import inventory, inventory_changes, inventory_files
from torget.publishing.inventory_fields import BENEFITS, EFFORTS, CandidateIn
from torget.web.api_inventory import MEDIA_TYPES
from torget.web.forms import Field, Form, Problem, labels
from torget.web.i18n import N_, Text, localize, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor, posted_form

__all__ = ["router", "CANDIDATE_FIELDS", "BENEFIT_NAMES", "EFFORT_NAMES", "REASONS", "ACTIONS"]

router = page_router()
BENEFIT_NAMES = {
    "governmental": N_("Governmental: a more open and effective administration"),
    "social": N_("Social: welfare, inclusion and everyday life"),
    "environmental": N_("Environmental: climate, nature and resources"),
    "economic": N_("Economic: new services and businesses"),
}
EFFORT_NAMES = {"small": N_("Small"), "medium": N_("Medium"), "large": N_("Large")}
REASONS = {
    "high_value": N_("High-value category: %(category)s"),
    "demand": N_("Asked for in %(suggestions)s suggestion(s) with %(votes)s vote(s)"),
    "benefit": N_("Benefit in %(areas)s area(s)"),
    "effort": N_("Effort: %(effort)s"),
}
ACTIONS = {
    "created": N_("added"),
    "updated": N_("changed"),
    "imported": N_("imported from a spreadsheet"),
    "promoted": N_("made a draft dataset"),
    "deleted": N_("removed"),
}
CANDIDATE_FIELDS = (
    Field("title_sv", N_("Title in Swedish")),
    Field("title_en", N_("Title in English")),
    Field("department", N_("Owning department")),
    Field("description", N_("Description")),
    Field("benefits", N_("Societal benefit"), kind="many"),
    Field("effort", N_("Estimated effort")),
    Field("hvd_category", N_("High-value category")),
    Field("contact_name", N_("Contact person")),
    Field("contact_email", N_("Contact e-mail")),
    Field("suggestions", N_("Linked suggestions"), hint=N_(
        "The addresses or ids of public suggestions that ask for this data, one per line.")),
)  # fmt: skip
IMPORT_FIELDS = (Field("file", N_("Spreadsheet (CSV or XLSX)")),)
assert set(BENEFIT_NAMES) == set(BENEFITS) and set(EFFORT_NAMES) == set(EFFORTS)


@dataclass(frozen=True)
class RowProblem:
    """A problem of an imported spreadsheet, at its row and column when it has them."""

    row: str | None
    column: str | None
    problem: Problem


def _row_problems(exc: ValidationFailed) -> list[RowProblem]:
    form = Form()
    form.add(exc, ())
    return [RowProblem(e.params.get("row"), e.params.get("column"), p)
            for e, p in zip(exc.errors, form.problems, strict=True)]  # fmt: skip


def _hvd_options(lang: str) -> list[tuple[str, str]]:
    found = [(c.iri, c.label(lang)) for c in vocabulary("hvd_category").concepts]
    return sorted(found, key=lambda option: option[1].casefold())


def _org_title(org: Organisation, lang: str) -> Text:
    title = localize(org.data.title, lang)
    assert title is not None
    return title


def _list_page(
    request: Request, actor: Actor, name: str, problems: list[RowProblem] | None = None,
    status: int = 200,
) -> Response:  # fmt: skip
    with read(request_site(request).engine) as conn:
        found = inventory.read_inventory(conn, actor, name)
    actor.require(found.organisation.id, "member", "see the inventory")
    org = found.organisation
    return render(
        request, "inventory.html", title=N_("Inventory"), status=status, inventory=found,
        org=org, org_title=_org_title(org, pick_language(request)),
        editor=actor.has_role(org.id, "editor"), admin=actor.has_role(org.id, "admin"),
        problems=problems or [], labels=labels(IMPORT_FIELDS), reasons=REASONS,
        efforts=EFFORT_NAMES, benefit_names=BENEFIT_NAMES, form=Form(),
        headers={"Cache-Control": "no-store"},
    )  # fmt: skip


@router.get("/publish/organisation/{name}/inventory")
def list_page(request: Request, name: str) -> Response:
    return _list_page(request, signed_in(request), name)


@router.get("/publish/organisation/{name}/inventory.{fmt}")
def export(request: Request, name: str, fmt: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        content = inventory_files.export_inventory(conn, actor, name, fmt)
    disposition = f'attachment; filename="inventory-{name}.{fmt}"'
    return Response(content, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.post("/publish/organisation/{name}/inventory/import")
def import_file(request: Request, name: str, data: FormData = Depends(posted_form)) -> Response:
    upload = data.get("file")
    content = upload.file.read() if isinstance(upload, UploadFile) else b""
    return _import(request, name, content)


def _import(request: Request, name: str, content: bytes) -> Response:
    actor = signed_in(request)
    if not content:
        missing = FieldError("file", "choose a file", code="inventory_no_file")
        return _list_page(request, actor, name, _row_problems(ValidationFailed([missing])), 422)
    try:
        with write(request_site(request).engine) as conn:
            report = inventory_files.import_inventory(conn, actor, name, content)
    except ValidationFailed as exc:
        return _list_page(request, actor, name, _row_problems(exc), 422)
    flash(request, N_("The spreadsheet is imported: %(created)s added, %(updated)s changed, "
                      "%(unchanged)s unchanged."), **{k: str(v) for k, v in
                                                      report.as_json().items()})  # fmt: skip
    return redirect(f"/publish/organisation/{name}/inventory")


@router.post("/publish/organisation/{name}/inventory/settings")
def change_settings(request: Request, name: str, data: FormData = Depends(posted_form)
                    ) -> Response:  # fmt: skip
    actor = signed_in(request)
    public = data.get("public") == "on"
    with write(request_site(request).engine) as conn:
        inventory_changes.set_public(conn, actor, name, public)
    flash(request, N_("The inventory is public.") if public else
          N_("The inventory is seen only by the organisation's members."))  # fmt: skip
    return redirect(f"/publish/organisation/{name}/inventory")


# --- One candidate ---------------------------------------------------------------------------


def _form_input(form: Form) -> CandidateIn:
    return CandidateIn(
        form.value("title_sv"), form.value("title_en"), form.value("department"),
        form.value("description"), form.values.get("benefits", []), form.value("effort"),
        form.value("hvd_category"), form.value("contact_name"), form.value("contact_email"),
        [form.value("suggestions")],
    )  # fmt: skip


def _candidate_form(candidate: inventory.Candidate) -> Form:
    data = candidate.as_input()
    values = {f.name: [str(getattr(data, f.name) or "")] for f in CANDIDATE_FIELDS}
    values["benefits"] = list(data.benefits)
    values["suggestions"] = ["\n".join(data.suggestions or [])]
    return Form(values)


def _candidate_page(
    request: Request, actor: Actor, org_name: str, candidate_id: str | None, form: Form,
    status: int = 200,
) -> Response:  # fmt: skip
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        candidate = history = None
        if candidate_id is not None:
            candidate = inventory.get_candidate(conn, actor, candidate_id)
            history = inventory.candidate_history(conn, actor, candidate_id)
            org_name = candidate.organisation_name
        org = inventory.read_inventory(conn, actor, org_name).organisation
    actor.require(org.id, "member", "see the inventory")
    heading = N_("Change the candidate") if candidate else N_("New candidate")
    return render(
        request, "inventory_candidate.html", title=heading, status=status, form=form,
        labels=labels(CANDIDATE_FIELDS), org=org, org_title=_org_title(org, lang),
        candidate=candidate, history=history or [], editor=actor.has_role(org.id, "editor"),
        benefits=[(code, N_(name)) for code, name in BENEFIT_NAMES.items()],
        effort_options=list(EFFORT_NAMES.items()), hvd_options=_hvd_options(lang),
        reasons=REASONS, efforts=EFFORT_NAMES, actions=ACTIONS,
        headers={"Cache-Control": "no-store"},
    )  # fmt: skip


@router.get("/publish/organisation/{name}/inventory/new")
def new_page(request: Request, name: str) -> Response:
    return _candidate_page(request, signed_in(request), name, None, Form())


@router.post("/publish/organisation/{name}/inventory/new")
def create(request: Request, name: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, CANDIDATE_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            made = inventory_changes.create_candidate(conn, actor, name, _form_input(form))
    except ValidationFailed as exc:
        form.add(exc, CANDIDATE_FIELDS)
        return _candidate_page(request, actor, name, None, form, 422)
    flash(request, N_("The candidate is added to the inventory."))
    return redirect(f"/publish/inventory/{made.id}")


@router.get("/publish/inventory/{candidate_id}")
def candidate_page(request: Request, candidate_id: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        found = inventory.get_candidate(conn, actor, candidate_id)
    return _candidate_page(request, actor, "", candidate_id, _candidate_form(found))


@router.post("/publish/inventory/{candidate_id}")
def update(request: Request, candidate_id: str, data: FormData = Depends(posted_form)
           ) -> Response:  # fmt: skip
    actor = signed_in(request)
    form = Form.posted(data, CANDIDATE_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            inventory_changes.update_candidate(conn, actor, candidate_id, _form_input(form))
    except ValidationFailed as exc:
        form.add(exc, CANDIDATE_FIELDS)
        return _candidate_page(request, actor, "", candidate_id, form, 422)
    flash(request, N_("The candidate is saved."))
    return redirect(f"/publish/inventory/{candidate_id}")


@router.post("/publish/inventory/{candidate_id}/promote")
def promote(request: Request, candidate_id: str) -> Response:
    actor = signed_in(request)
    try:
        with write(request_site(request).engine) as conn:
            dataset = inventory_changes.promote_candidate(conn, actor, candidate_id)
    except (ValidationFailed, Conflict) as exc:
        refused = exc if isinstance(exc, ValidationFailed) else ValidationFailed(
            [FieldError.of("promote", exc)])  # fmt: skip
        with read(request_site(request).engine) as conn:
            form = _candidate_form(inventory.get_candidate(conn, actor, candidate_id))
        form.add(refused, CANDIDATE_FIELDS)
        return _candidate_page(request, actor, "", candidate_id, form, 409)
    flash(request, N_("The candidate is now a draft dataset. Describe it and add its data."))
    return redirect(f"/publish/dataset/{dataset.id}")


@router.post("/publish/inventory/{candidate_id}/delete")
def delete(request: Request, candidate_id: str) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        org = inventory.organisation_of(conn, candidate_id)
        inventory_changes.delete_candidate(conn, actor, candidate_id)
    flash(request, N_("The candidate is removed from the inventory; its history is kept."))
    return redirect(f"/publish/organisation/{org.name}/inventory")


# --- What the public sees --------------------------------------------------------------------


@router.get("/organisation/{name}/inventory")
def public_page(request: Request, name: str) -> Response:
    actor = page_actor(request)
    with read(request_site(request).engine) as conn:
        found = inventory.read_inventory(conn, actor, name)
    org = found.organisation
    return render(
        request, "inventory_public.html", title=N_("Planned datasets"), inventory=found, org=org,
        org_title=_org_title(org, pick_language(request)), reasons=REASONS,
        efforts=EFFORT_NAMES, benefit_names=BENEFIT_NAMES,
    )  # fmt: skip
