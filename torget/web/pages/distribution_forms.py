"""Publisher pages for distributions: add a link to data, edit, delete, and upload a file.

Like the JSON API, a change to a distribution re-checks its dataset with the publish guard
when the dataset is published. An uploaded file goes to the file store (`torget.files`) and
becomes a distribution whose download URL is the file's address on this site, with its size
and SHA-1 checksum from the store. The upload pages have a router of their own whose first
check is the caller's editor role, so the form of anyone else is never read; the file's size
is checked before it is stored.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from torget.catalog.datasets import Dataset, Distribution, get_dataset, get_distribution
from torget.catalog.model import DistributionIn
from torget.catalog.stored_files import upload_key
from torget.catalog.visibility import validation_failed_from
from torget.catalog.vocabularies import file_types
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.files.urls import file_url
from torget.ids import new_id
from torget.publishing import changes
from torget.web.forms import Field, Form, labels, payload, values_from
from torget.web.i18n import N_, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.pickers import format_codes, options
from torget.web.rendering import flash, format_size, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "DISTRIBUTION_FIELDS", "UPLOAD_FIELDS"]

_pages = page_router()

DISTRIBUTION_FIELDS = (
    Field("title.sv", N_("Title in Swedish")),
    Field("title.en", N_("Title in English")),
    Field(
        "download_url",
        N_("Download link"),
        hint=N_("The file's full address, starting with https://"),
    ),
    Field(
        "access_url",
        N_("Access address"),
        hint=N_(
            "Where the data can be reached when there is no direct download link, such as "
            "an API or a web page."
        ),
    ),  # fmt: skip
    Field(
        "format",
        N_("Format"),
        hint=N_("A code such as CSV, JSON, GEOJSON or XLSX, or a media type such as text/csv."),
    ),
    Field("license", N_("Licence")),
    Field("byte_size", N_("Size in bytes"), "int"),
    Field("description.sv", N_("Description in Swedish")),
    Field("description.en", N_("Description in English")),
    Field("availability", N_("Availability")),
    Field("status", N_("Status")),
    Field("modified", N_("Last changed")),
)
UPLOAD_FIELDS = (
    Field("file", N_("File")),
    Field("title.sv", N_("Title in Swedish")),
    Field("title.en", N_("Title in English")),
    Field("format", N_("Format"), hint=N_("Leave empty to tell it from the file's name.")),
    Field("license", N_("Licence")),
)


def _form_page(
    request: Request,
    form: Form,
    dataset: Dataset,
    distribution: Distribution | None,
    status: int = 200,
) -> Response:
    lang = pick_language(request)
    return render(
        request,
        "distribution_form.html",
        title=N_("Edit the link to data") if distribution else N_("Add a link to data"),
        status=status,
        form=form,
        labels=labels(DISTRIBUTION_FIELDS),
        dataset=dataset,
        distribution=distribution,
        licences=options("license", lang),
        availabilities=options("availability", lang),
        statuses=options("distribution_status", lang),
        formats=format_codes(),
    )


def _record(body: dict[str, Any]) -> DistributionIn:
    try:
        return DistributionIn.model_validate(body)
    except ValidationError as exc:
        raise validation_failed_from(exc) from None


@_pages.get("/publish/dataset/{ref}/distributions/new")
def new_distribution(request: Request, ref: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
    actor.require(dataset.organisation_id, "editor", "add distributions to this dataset")
    return _form_page(request, Form(), dataset, None)


@_pages.post("/publish/dataset/{ref}/distributions/new")
def create(request: Request, ref: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, DISTRIBUTION_FIELDS)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
    try:
        record = _record(payload(form, DISTRIBUTION_FIELDS, required=("format",)))
        with write(request_site(request).engine) as conn:
            changes.add_distribution(conn, actor, dataset.id, record)
    except ValidationFailed as exc:
        form.add(exc, DISTRIBUTION_FIELDS)
        return _form_page(request, form, dataset, None, 422)
    flash(request, N_("The link to data is saved."))
    return redirect(f"/publish/dataset/{dataset.id}")


@_pages.get("/publish/distribution/{dist_id}/edit")
def edit_distribution(request: Request, dist_id: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        dist = get_distribution(conn, actor, dist_id)
        dataset = get_dataset(conn, actor, dist.dataset_id)
    actor.require(dataset.organisation_id, "editor", "change this distribution")
    values = values_from(dist.data.model_dump(mode="json"), DISTRIBUTION_FIELDS)
    return _form_page(request, Form(values), dataset, dist)


@_pages.post("/publish/distribution/{dist_id}/edit")
def update(request: Request, dist_id: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, DISTRIBUTION_FIELDS)
    with read(request_site(request).engine) as conn:
        dist = get_distribution(conn, actor, dist_id)
        dataset = get_dataset(conn, actor, dist.dataset_id)
    body = dist.data.model_dump(mode="json")
    body.update(payload(form, DISTRIBUTION_FIELDS, required=("format",)))
    try:
        record = _record(body)
        with write(request_site(request).engine) as conn:
            changes.replace_distribution(conn, actor, dist_id, record)
    except ValidationFailed as exc:
        form.add(exc, DISTRIBUTION_FIELDS)
        return _form_page(request, form, dataset, dist, 422)
    flash(request, N_("Your changes are saved."))
    return redirect(f"/publish/dataset/{dataset.id}")


@_pages.post("/publish/distribution/{dist_id}/delete")
def delete(request: Request, dist_id: str) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        dataset_id = get_distribution(conn, actor, dist_id).dataset_id
        changes.delete_distribution(conn, actor, dist_id)
    flash(request, N_("The file or link is deleted."))
    return redirect(f"/publish/dataset/{dataset_id}")


# --- Uploads ---------------------------------------------------------------------------------


_TOO_LARGE = N_("The file is too large: the largest file you can upload is %(limit)s.")


def _may_upload(request: Request, ref: str) -> None:
    """Before the form is read: only an editor of the dataset's organisation has an upload
    read at all (others get the log-in page, or 403, before a byte of the file)."""
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
    actor.require(dataset.organisation_id, "editor", "add distributions to this dataset")


_uploads = page_router(_may_upload)


def _upload_page(request: Request, form: Form, dataset: Dataset, status: int = 200) -> Response:
    lang = pick_language(request)
    limit = request_site(request).settings.upload_max_bytes
    return render(
        request,
        "upload.html",
        title=N_("Upload a file"),
        status=status,
        form=form,
        labels=labels(UPLOAD_FIELDS),
        dataset=dataset,
        licences=options("license", lang),
        formats=format_codes(),
        limit=format_size(limit, lang),
    )


def _safe_filename(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return stem.strip(".-")[:120] or "data"


@_uploads.get("/publish/dataset/{ref}/upload")
def upload_page(request: Request, ref: str) -> Response:
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, signed_in(request), ref)
    return _upload_page(request, Form(), dataset)


@_uploads.post("/publish/dataset/{ref}/upload")
def upload(request: Request, ref: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    settings = request_site(request).settings
    lang = pick_language(request)
    form = Form.posted(data, UPLOAD_FIELDS)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
    store = request_site(request).files
    upload = data.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        form.ours("file", N_("Choose a file to upload."))
    elif upload.size is not None and upload.size > settings.upload_max_bytes:
        form.ours("file", _TOO_LARGE, limit=format_size(settings.upload_max_bytes, lang))
    if form.problems:
        return _upload_page(request, form, dataset, 413 if form.errors("file") and upload else 422)
    assert store is not None and isinstance(upload, UploadFile) and upload.filename
    filename = _safe_filename(upload.filename)
    given = form.value("format")
    found = file_types().lookup(given or filename.rsplit(".", 1)[-1])
    content_type = found.media_type if found and found.media_type else "application/octet-stream"
    key = upload_key(dataset.id, new_id(), filename)
    stored = store.put(key, upload.file, content_type)
    if stored.size > settings.upload_max_bytes:  # a file that did not tell its size ahead
        store.delete(key)
        form.ours("file", _TOO_LARGE, limit=format_size(settings.upload_max_bytes, lang))
        return _upload_page(request, form, dataset, 413)
    body = payload(form, UPLOAD_FIELDS[1:])
    body.update(
        format=given or (found.code if found else filename.rsplit(".", 1)[-1]),
        download_url=file_url(settings, key),
        byte_size=stored.size,
        checksum_sha1=stored.sha1,
        media_type=content_type if found else None,
    )
    try:
        record = _record(body)
        with write(request_site(request).engine) as conn:
            changes.add_distribution(conn, actor, dataset.id, record)
    except ValidationFailed as exc:
        store.delete(key)
        form.add(exc, UPLOAD_FIELDS)
        return _upload_page(request, form, dataset, 422)
    except BaseException:  # no file is left behind that no distribution links to
        store.delete(key)
        raise
    flash(request, N_("The file is uploaded and added to the dataset."))
    return redirect(f"/publish/dataset/{dataset.id}")


router = APIRouter()
router.include_router(_pages)
router.include_router(_uploads)  # its own router: the permission check runs before the form
