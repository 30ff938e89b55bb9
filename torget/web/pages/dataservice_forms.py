"""Publisher pages for data services (APIs): create, edit, publish and unpublish.

The same domain functions and publish guard as `api_dataservices`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from torget.accounts.permissions import Acting, Actor
from torget.catalog.dataservices import DataService, get_dataservice
from torget.catalog.datasets import list_datasets
from torget.catalog.model import DataServiceIn
from torget.catalog.organisations import all_organisations
from torget.catalog.visibility import validation_failed_from
from torget.db.engine import read, write
from torget.errors import Conflict, FieldError, ValidationFailed
from torget.publishing import changes
from torget.web.forms import Field, Form, labels, payload, values_from
from torget.web.i18n import N_, localize, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.pickers import format_codes, options, organisation_options
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "DATASERVICE_FIELDS"]

router = page_router()

DATASERVICE_FIELDS = (
    Field("organisation", N_("Organisation")),
    Field("title.sv", N_("Title in Swedish")),
    Field("title.en", N_("Title in English")),
    Field("description.sv", N_("Description in Swedish")),
    Field("description.en", N_("Description in English")),
    Field(
        "endpoint_urls",
        N_("Addresses of the API"),
        "lines",
        N_("The root address of the API, one per line, starting with https://"),
    ),
    Field(
        "endpoint_description",
        N_("Description of the API"),
        hint=N_("The address of its OpenAPI document or other description."),
    ),
    Field("service_type", N_("Kind of API")),
    Field("format", N_("Format of the answers")),
    Field("serves_datasets", N_("Datasets served"), "many"),
    Field("themes", N_("Themes"), "many"),
    Field("keywords.sv", N_("Keywords in Swedish"), "words", N_("Separate them with commas.")),
    Field("keywords.en", N_("Keywords in English"), "words", N_("Separate them with commas.")),
    Field("license", N_("Licence")),
    Field("access_rights", N_("Access")),
    Field("landing_page", N_("Web page about the API")),
    Field("contact_point.name", N_("Contact name")),
    Field("contact_point.email", N_("Contact e-mail")),
    Field("name", N_("Web name"), hint=N_("Part of the API's address: a–z, 0–9 and -.")),
)
_REQUIRED = ("title", "organisation", "contact_point.name", "contact_point.email")


def _form_page(
    request: Request, actor: Actor, form: Form, service: DataService | None, status: int = 200
) -> Response:
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        orgs = all_organisations(conn)
        _, datasets = list_datasets(conn, actor, limit=1000)
    editable = [d for d in datasets if actor.has_role(d.organisation_id, "editor")]
    return render(
        request,
        "dataservice_form.html",
        title=N_("Edit API") if service else N_("New API"),
        status=status,
        form=form,
        labels=labels(DATASERVICE_FIELDS),
        service=service,
        organisations=organisation_options(orgs, actor, lang),
        datasets=[(d.id, str(localize(d.data.title, lang))) for d in editable],
        themes=options("theme", lang),
        licences=options("license", lang),
        access_rights=options("access_rights", lang),
        service_types=options("service_type", lang),
        formats=format_codes(),
    )


def _record(body: dict[str, Any]) -> DataServiceIn:
    try:
        return DataServiceIn.model_validate(body)
    except ValidationError as exc:
        raise validation_failed_from(exc) from None


def _save(request: Request, actor: Acting, form: Form, current: DataService | None) -> Response:
    body = current.data.model_dump(mode="json") if current else {"state": "draft"}
    body.update(payload(form, DATASERVICE_FIELDS, required=_REQUIRED))
    try:
        record = _record(body)
        with write(request_site(request).engine) as conn:
            if current is None:
                saved = changes.create_dataservice(conn, actor, record)
            else:
                saved = changes.replace_dataservice(conn, actor, current.id, record)
    except ValidationFailed as exc:
        form.add(exc, DATASERVICE_FIELDS)
        return _form_page(request, actor, form, current, 422)
    except Conflict as exc:
        form.add(ValidationFailed([FieldError.of("name", exc)]), DATASERVICE_FIELDS)
        return _form_page(request, actor, form, current, 422)
    flash(request, N_("The API is saved."))
    return redirect(f"/publish/dataservice/{saved.id}")


@router.get("/publish/dataservices/new")
def new_dataservice(request: Request, organisation: str = "") -> Response:
    actor = signed_in(request)
    return _form_page(request, actor, Form({"organisation": [organisation]}), None)


@router.post("/publish/dataservices/new")
def create(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    return _save(request, actor, Form.posted(data, DATASERVICE_FIELDS), None)


def _overview(request: Request, actor: Actor, ref: str, form: Form, status: int = 200) -> Response:
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        service = get_dataservice(conn, actor, ref)
    title = localize(service.data.title, lang)
    assert title is not None
    return render(
        request,
        "dataservice_overview.html",
        title=title,
        status=status,
        form=form,
        labels={},
        service=service,
        can_edit=actor.has_role(service.organisation_id, "editor"),
    )


@router.get("/publish/dataservice/{ref}")
def dataservice_overview(request: Request, ref: str) -> Response:
    return _overview(request, signed_in(request), ref, Form())


@router.get("/publish/dataservice/{ref}/edit")
def edit_dataservice(request: Request, ref: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        service = get_dataservice(conn, actor, ref)
    actor.require(service.organisation_id, "editor", "change this data service")
    values = values_from(service.data.model_dump(mode="json"), DATASERVICE_FIELDS)
    return _form_page(request, actor, Form(values), service)


@router.post("/publish/dataservice/{ref}/edit")
def update(request: Request, ref: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        service = get_dataservice(conn, actor, ref)
    return _save(request, actor, Form.posted(data, DATASERVICE_FIELDS), service)


def _set_state(request: Request, ref: str, state: str, done: str) -> Response:
    actor = signed_in(request)
    try:
        with write(request_site(request).engine) as conn:
            updated = changes.patch_dataservice(conn, actor, ref, {"state": state})
    except ValidationFailed as exc:
        form = Form()
        form.add(exc, ())
        return _overview(request, actor, ref, form, 422)
    flash(request, done)
    return redirect(f"/publish/dataservice/{updated.id}")


@router.post("/publish/dataservice/{ref}/publish")
def publish(request: Request, ref: str) -> Response:
    return _set_state(request, ref, "published", N_("The API is published."))


@router.post("/publish/dataservice/{ref}/unpublish")
def unpublish(request: Request, ref: str) -> Response:
    return _set_state(request, ref, "draft", N_("The API is a draft again."))
