"""The pages of national specifications: the list, one page per specification (its columns,
its templates, and the "check my file" form, which works without JavaScript), the check's
result, and the administrators' form to add a specification or import its official schema."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData, UploadFile

from torget.db.engine import read, write
from torget.errors import FieldError, ValidationFailed
from torget.specifications import (
    Specification,
    add_specification,
    all_specifications,
    fetch_schema,
    get_specification,
)
from torget.specifications.check import check_file, count_check
from torget.specifications.combine import combined_report
from torget.specifications.coverage import coverage
from torget.specifications.registry import require_administrator
from torget.specifications.report import RULE_WORDS
from torget.web.abuse import client_address
from torget.web.forms import MESSAGES as CATALOGUE_MESSAGES
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_, Text, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import Alternate, flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router"]

router = page_router()

CHECK_FIELDS = (Field("file", N_("Your file")),)
ADD_FIELDS = (
    Field("name", N_("Name"), hint=N_("As in dataportal.se/specifications/<name>/<version>")),
    Field("version", N_("Version")),
    Field("title.sv", N_("Title in Swedish")),
    Field("title.en", N_("Title in English")),
    Field("schema", N_("Table Schema file (schema.json)")),
    Field("url", N_("Or the address of the schema.json")),
)


# The specifications' refusals in the pages' words, by code (the rest as the catalogue's).
MESSAGES = {
    **CATALOGUE_MESSAGES,
    "check_format": N_("Choose a file in one of these formats: %(formats)s."),
    "check_unreadable": N_("The file could not be read: %(reason)s"),
    "invalid_table_schema": N_("This is not a valid Table Schema: %(reason)s"),
    "specification_fetch_failed": N_("The schema could not be fetched from this address."),
    "specification_name_invalid": N_("Use lowercase letters, digits, - and _ only."),
    "specification_version_invalid": N_("Use letters, digits, dots, - and _ only."),
}


def _title(spec: Specification, lang: str) -> Text:
    return Text(spec.title(lang), "en" if lang == "en" and spec.title_en else "sv")


@router.get("/specifications")
def list_page(request: Request) -> Response:
    with read(request_site(request).engine) as conn:
        found = all_specifications(conn)
    lang = pick_language(request)
    alternates = [Alternate("application/json", "/api/specifications", "JSON")]
    return render(
        request, "specifications.html", title=N_("National specifications"),
        specifications=[(s, _title(s, lang)) for s in found], alternates=alternates,
    )  # fmt: skip


def _spec_page(request: Request, spec: Specification, form: Form, status: int = 200,
               result: object = None) -> Response:  # fmt: skip
    lang = pick_language(request)
    api = f"/api/specifications/{spec.name}/{spec.version}"
    site = request_site(request)
    with read(site.engine) as conn:
        publishers = coverage(conn, spec.iri)
    return render(
        request, "specification.html", title=_title(spec, lang), status=status,
        publishers=publishers, combined=combined_report(site.settings, spec),
        spec=spec, spec_title=_title(spec, lang), form=form, labels=labels(CHECK_FIELDS),
        result=result, rule_words=RULE_WORDS, lang=lang, api=api,
        alternates=[Alternate("application/json", api, "JSON")],
        limit=request_site(request).settings.upload_max_bytes,
    )  # fmt: skip


@router.get("/specifications/{name}/{version}")
def specification_page(request: Request, name: str, version: str) -> Response:
    with read(request_site(request).engine) as conn:
        spec = get_specification(conn, name, version)
    return _spec_page(request, spec, Form({}))


@router.post("/specifications/{name}/{version}/check")
def check_page(request: Request, name: str, version: str,
               data: FormData = Depends(posted_form)) -> Response:  # fmt: skip
    site = request_site(request)
    with write(site.engine) as conn:
        spec = get_specification(conn, name, version)
        count_check(conn, client_address(request))
    form = Form({})
    upload = data.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        form.ours("file", N_("Choose a file to check."))
        return _spec_page(request, spec, form, 422)
    try:
        with tempfile.TemporaryDirectory(prefix="torget-upload-") as tmp:
            path = Path(tmp) / "upload"
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            result = check_file(site.settings, spec, upload.filename, path)
    except ValidationFailed as exc:
        form.add(exc, CHECK_FIELDS, MESSAGES)
        return _spec_page(request, spec, form, 422)
    return _spec_page(request, spec, form, result=result)


def _add_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(request, "specification_form.html", title=N_("Add a specification"),
                  status=status, form=form, labels=labels(ADD_FIELDS))  # fmt: skip


@router.get("/publish/specifications/new")
def add_form(request: Request) -> Response:
    require_administrator(signed_in(request))
    return _add_page(request, Form({}))


@router.post("/publish/specifications/new")
def add(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    require_administrator(actor)
    site = request_site(request)
    form = Form.posted(data, ADD_FIELDS)
    upload = data.get("schema")
    url = form.value("url")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            schema, source = upload.file.read(1 << 20 + 1), upload.filename
        elif url:
            schema, source = fetch_schema(url, site.settings.allow_private_addresses), url
        else:
            missing = FieldError("schema", "give the schema or its url", code="required")
            raise ValidationFailed(errors=[missing])
        with write(site.engine) as conn:
            spec = add_specification(conn, actor, form.value("name"), form.value("version"),
                                     (form.value("title.sv"), form.value("title.en")),
                                     schema, source)  # fmt: skip
    except ValidationFailed as exc:
        form.add(exc, ADD_FIELDS, MESSAGES)
        return _add_page(request, form, 422)
    flash(request, N_("The specification was saved."))
    return redirect(f"/specifications/{spec.name}/{spec.version}")
