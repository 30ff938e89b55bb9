"""Publisher pages for datasets: create, edit, publish, unpublish and delete.

Each action calls the same use-case functions as the JSON API and CKAN
(`torget.publishing.changes`), so a dataset being published meets the same rules in the same
transaction: a refusal rolls the change back and its findings are shown on the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset, get_dataset
from torget.catalog.model import DatasetIn
from torget.catalog.organisations import all_organisations
from torget.catalog.visibility import validation_failed_from
from torget.datastore import load_feedback
from torget.datastore.load_letters import distribution_of
from torget.db.engine import read, write
from torget.errors import Conflict, FieldError, ValidationFailed
from torget.publishing import changes
from torget.publishing.freshness import freshness_of
from torget.publishing.links import link_checks_of
from torget.quality.report import dataset_quality
from torget.web.forms import Field, Form, labels, payload, values_from
from torget.web.i18n import N_, localize, pick_language
from torget.web.pages.dataset_preview import datastore_states
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.pickers import (
    HVD_LEGISLATION,
    hvd_options,
    language_options,
    options,
    organisation_options,
)
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "DATASET_FIELDS"]

router = page_router()

DATASET_FIELDS = (
    Field("organisation", N_("Organisation")),
    Field("title.sv", N_("Title in Swedish")),
    Field("title.en", N_("Title in English")),
    Field(
        "description.sv",
        N_("Description in Swedish"),
        hint=N_("What the data contains, how it was collected, and what it can be used for."),
    ),
    Field("description.en", N_("Description in English")),
    Field(
        "name",
        N_("Web name"),
        hint=N_(
            "Part of the dataset's address: a–z, 0–9 and -. Made from the Swedish title "
            "when left empty."
        ),
    ),  # fmt: skip
    Field("keywords.sv", N_("Keywords in Swedish"), "words", N_("Separate them with commas.")),
    Field("keywords.en", N_("Keywords in English"), "words", N_("Separate them with commas.")),
    Field("themes", N_("Themes"), "many"),
    Field("access_rights", N_("Access")),
    Field(
        "license", N_("Licence"), hint=N_("Applies to the files that give no licence of their own.")
    ),
    Field("frequency", N_("Updated how often")),
    Field("language", N_("Language of the data"), "many"),
    Field("temporal.start", N_("Period from")),
    Field("temporal.end", N_("Period to")),
    Field("issued", N_("First published")),
    Field("modified", N_("Last changed")),
    Field(
        "spatial",
        N_("Places"),
        "lines",
        N_("The web address of a place, one per line, e.g. https://sws.geonames.org/2661886/"),
    ),
    Field("landing_page", N_("Web page about the data")),
    Field("contact_point.name", N_("Contact name")),
    Field("contact_point.email", N_("Contact e-mail")),
    Field("contact_point.telephone", N_("Contact telephone")),
    Field("version", N_("Version")),
    Field("applicable_legislation", N_("High-value dataset"), "many"),
    Field("hvd_categories", N_("High-value categories"), "many"),
)

_REQUIRED = ("title", "description", "organisation", "contact_point.name", "contact_point.email")


def _form_page(
    request: Request, actor: Actor, form: Form, dataset: Dataset | None, status: int = 200
) -> Response:
    lang = pick_language(request)
    site = request_site(request)
    with read(site.engine) as conn:
        orgs = all_organisations(conn)
        quality = dataset_quality(conn, site.settings, dataset) if dataset else None
    return render(
        request,
        "dataset_form.html",
        title=N_("Edit dataset") if dataset else N_("New dataset"),
        status=status,
        form=form,
        labels=labels(DATASET_FIELDS),
        dataset=dataset,
        organisations=organisation_options(orgs, actor, lang),
        themes=options("theme", lang),
        access_rights=options("access_rights", lang),
        licences=options("license", lang),
        frequencies=options("frequency", lang),
        languages=language_options(lang, form.values.get("language", [])),
        hvd_categories=hvd_options(lang, form.values.get("hvd_categories", [])),
        hvd=HVD_LEGISLATION,
        quality=quality,
    )


def _record(body: dict[str, Any]) -> DatasetIn:
    try:
        return DatasetIn.model_validate(body)
    except ValidationError as exc:
        raise validation_failed_from(exc) from None


@router.get("/publish/datasets/new")
def new_dataset(request: Request, organisation: str = "") -> Response:
    actor = signed_in(request)
    return _form_page(request, actor, Form({"organisation": [organisation]}), None)


@router.post("/publish/datasets/new")
def create(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, DATASET_FIELDS)
    body = payload(form, DATASET_FIELDS, required=_REQUIRED)
    try:
        record = _record({**body, "state": "draft"})
        with write(request_site(request).engine) as conn:
            created = changes.create_dataset(conn, actor, record)
    except ValidationFailed as exc:
        form.add(exc, DATASET_FIELDS)
        return _form_page(request, actor, form, None, 422)
    except Conflict as exc:
        form.add(ValidationFailed([_name_clash(exc)]), DATASET_FIELDS)
        return _form_page(request, actor, form, None, 422)
    flash(request, N_("The dataset is saved as a draft. Add its data, then publish it."))
    return redirect(f"/publish/dataset/{created.id}")


def _name_clash(exc: Conflict) -> FieldError:
    return FieldError.of("name", exc)


@router.get("/publish/dataset/{ref}")
def dataset_overview(request: Request, ref: str) -> Response:
    actor = signed_in(request)
    return _overview(request, actor, ref, Form())


def _overview(request: Request, actor: Actor, ref: str, form: Form, status: int = 200) -> Response:
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
        orgs = all_organisations(conn)
        loads = datastore_states(conn, actor, request_site(request).settings, dataset.distributions)
        freshness = freshness_of(conn, [dataset.id])[dataset.id]  # issue 20: due date, links
        links = link_checks_of(conn, [d.id for d in dataset.distributions])
        quality = dataset_quality(conn, request_site(request).settings, dataset)
    title = localize(dataset.data.title, lang)
    assert title is not None
    return render(
        request,
        "dataset_overview.html",
        title=title,
        status=status,
        form=form,
        labels={},
        dataset=dataset,
        organisation=orgs[dataset.organisation_id],
        can_edit=actor.has_role(dataset.organisation_id, "editor"),
        loads=loads,
        freshness=freshness,
        link_checks=links,
        quality=quality,
    )


@router.get("/publish/dataset/{ref}/edit")
def edit_dataset(request: Request, ref: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
    actor.require(dataset.organisation_id, "editor", "change this dataset")
    current = dataset.data.model_dump(mode="json", exclude={"distributions"})
    return _form_page(request, actor, Form(values_from(current, DATASET_FIELDS)), dataset)


@router.post("/publish/dataset/{ref}/edit")
def update(request: Request, ref: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, DATASET_FIELDS)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
    body = dataset.data.model_dump(mode="json", exclude={"distributions"})
    body.update(payload(form, DATASET_FIELDS, required=_REQUIRED))
    try:
        record = _record(body)
        with write(request_site(request).engine) as conn:
            updated = changes.replace_dataset(conn, actor, dataset.id, record)
    except ValidationFailed as exc:
        form.add(exc, DATASET_FIELDS)
        return _form_page(request, actor, form, dataset, 422)
    except Conflict as exc:
        form.add(ValidationFailed([_name_clash(exc)]), DATASET_FIELDS)
        return _form_page(request, actor, form, dataset, 422)
    flash(request, N_("Your changes are saved."))
    return redirect(f"/publish/dataset/{updated.id}")


def _set_state(request: Request, ref: str, state: str, done: str) -> Response:
    actor = signed_in(request)
    try:
        with write(request_site(request).engine) as conn:
            updated = changes.patch_dataset(conn, actor, ref, {"state": state})
    except ValidationFailed as exc:
        form = Form()
        form.add(exc, ())
        return _overview(request, actor, ref, form, 422)
    flash(request, done)
    return redirect(f"/publish/dataset/{updated.id}")


@router.post("/publish/dataset/{ref}/publish")
def publish(request: Request, ref: str) -> Response:
    return _set_state(
        request, ref, "published", N_("The dataset is published. Anyone can now find and use it.")
    )


@router.post("/publish/dataset/{ref}/unpublish")
def unpublish(request: Request, ref: str) -> Response:
    return _set_state(
        request, ref, "draft", N_("The dataset is a draft again. Only your organisation sees it.")
    )


@router.post("/publish/distribution/{distribution_id}/load")
def load_again(request: Request, distribution_id: str) -> Response:
    """Queue a new load of the file; back on the dataset's publishing page."""
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        load_feedback.load_again(conn, actor, distribution_id)  # NotFound when there is none
        found = distribution_of(conn, distribution_id)
    assert found is not None
    flash(request, N_("The file will be loaded again. Its state is shown below."))
    return redirect(f"/publish/dataset/{found['dataset_id']}#loads")


@router.post("/publish/distribution/{distribution_id}/types")
def choose_types(
    request: Request, distribution_id: str, data: FormData = Depends(posted_form)
) -> Response:
    """Keep the column types chosen in the load's table and load the file again."""
    actor = signed_in(request)
    choices = {k.removeprefix("type:"): str(v) for k, v in data.items() if k.startswith("type:")}
    with write(request_site(request).engine) as conn:
        load_feedback.choose_types(conn, actor, distribution_id, choices)
        found = distribution_of(conn, distribution_id)
    assert found is not None
    flash(request, N_("The types are saved and the file will be loaded again with them."))
    return redirect(f"/publish/dataset/{found['dataset_id']}#loads")


@router.post("/publish/dataset/{ref}/delete")
def delete(request: Request, ref: str) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        changes.delete_dataset(conn, actor, ref)
    flash(request, N_("The dataset is deleted."))
    return redirect("/publish")
