"""The JSON API of national specifications: the registry, templates, "check my file", and
each distribution's conformance. Reading and checking need no account; adding a specification
is for site administrators (an uploaded schema.json as the body's `schema`, or its `url`)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from torget.accounts.permissions import ANONYMOUS, Actor
from torget.datastore import access
from torget.datastore.export import EXPORTS, stream_file
from torget.datastore.query import RowQuery
from torget.db.engine import read, write
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.specifications import add_specification, all_specifications, fetch_schema
from torget.specifications import get_specification as find_specification
from torget.specifications.check import check_file, count_check
from torget.specifications.combine import combine, combined_report
from torget.specifications.combined_table import table_id
from torget.specifications.conformance import readable_conformance
from torget.specifications.registry import require_administrator
from torget.specifications.templates import csv_template, file_name, xlsx_template
from torget.web.abuse import client_address
from torget.web.auth import current_actor
from torget.web.i18n import pick_language
from torget.web.load_notes import note_json
from torget.web.request_site import SiteDep

__all__ = ["router", "XLSX"]

router = APIRouter(prefix="/api", tags=["specifications"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILE = File(..., description="The file to check: CSV, TSV, XLSX, ODS, JSON or GeoJSON.")


class Titles(BaseModel):
    sv: str = Field(max_length=300)
    en: str = Field("", max_length=300)


class SpecificationIn(BaseModel):
    """A specification to add, or the official schema to import over a derived one."""

    name: str = Field(max_length=100, description="As in dataportal.se/specifications/<name>/…")
    version: str = Field(max_length=30)
    title: Titles
    table_schema: dict[str, Any] | None = Field(
        None, alias="schema", description="A Frictionless Table Schema (schema.json)."
    )
    url: str | None = Field(None, max_length=2000, description="Where to fetch the schema.json.")
    source: str = Field("", max_length=2000, description="Where the schema comes from.")


def _summary(request: Request, spec: Any) -> dict[str, Any]:
    base = f"/api/specifications/{spec.name}/{spec.version}"
    return {
        "name": spec.name, "version": spec.version, "iri": spec.iri,
        "title": {"sv": spec.title_sv, "en": spec.title_en}, "status": spec.status,
        "page": f"/specifications/{spec.name}/{spec.version}", "api": base,
        "templates": {"csv": f"{base}/template.csv", "xlsx": f"{base}/template.xlsx"},
        "check": f"{base}/check",
    }  # fmt: skip


@router.get("/specifications", summary="The national specifications Torget knows")
def list_specifications(request: Request, site: SiteDep) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = all_specifications(conn)
    return {"count": len(found), "items": [_summary(request, s) for s in found]}


@router.get("/specifications/{name}/{version}", summary="One specification with its schema")
def get_specification(request: Request, site: SiteDep, name: str, version: str) -> dict[str, Any]:
    with read(site.engine) as conn:
        spec = find_specification(conn, name, version)
    return {**_summary(request, spec), **spec.as_json()}


@router.post("/specifications", status_code=201, summary="Add or import a specification")
def post_specification(
    request: Request, site: SiteDep, body: SpecificationIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    schema: Any = body.table_schema
    source = body.source
    if schema is None and body.url:
        require_administrator(actor)  # nothing fetched on anybody else's behalf
        schema = fetch_schema(body.url, site.settings.allow_private_addresses)
        source = source or body.url
    if schema is None:
        missing = FieldError("schema", "give the schema or its url", code="required")
        raise ValidationFailed(errors=[missing])
    with write(site.engine) as conn:
        spec = add_specification(conn, actor, body.name, body.version,
                                 (body.title.sv, body.title.en), schema, source)  # fmt: skip
    return {**_summary(request, spec), **spec.as_json()}


@router.get("/specifications/{name}/{version}/template.{fmt}", summary="An empty file to fill in")
def template(site: SiteDep, name: str, version: str, fmt: str, lang: str = "sv") -> Response:
    with read(site.engine) as conn:
        spec = find_specification(conn, name, version)
    if fmt == "csv":
        content, media = csv_template(spec), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content, media = xlsx_template(spec, lang), XLSX
    else:
        raise NotFound("templates are .csv or .xlsx")
    disposition = f'attachment; filename="{file_name(spec, fmt)}"'
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


@router.post(
    "/specifications/{name}/{version}/check",
    summary="Check a file against a specification; nothing is published or kept",
)
def check(
    request: Request, site: SiteDep, name: str, version: str, file: UploadFile = _FILE
) -> dict[str, Any]:
    with write(site.engine) as conn:
        spec = find_specification(conn, name, version)
        count_check(conn, client_address(request))
    with tempfile.TemporaryDirectory(prefix="torget-upload-") as tmp:
        path = Path(tmp) / "upload"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        result = check_file(site.settings, spec, file.filename or "upload.csv", path)
    lang = pick_language(request)
    notes = [note_json(n.as_json(), lang) for n in result.load_warnings]
    return {**result.as_json(), "load_warnings": notes}


@router.get(
    "/specifications/{name}/{version}/combined",
    summary="The combined national table's report: its sources, rows kept and left out",
    description="`table` is its name in the datastore's query API and SQL endpoint; `rows` "
    "and `downloads` are its addresses there.",
)
def combined(site: SiteDep, name: str, version: str) -> dict[str, Any]:
    with read(site.engine) as conn:
        spec = find_specification(conn, name, version)
    found = combined_report(site.settings, spec)
    if found is None:
        raise NotFound("no combined table yet", code="combined_not_found")
    table = table_id(spec)
    base = f"{site.settings.public_base}/api/datastore/{table}"
    return {**found, "table": table, "rows_url": f"{base}/rows",
            "downloads": {fmt: f"{base}/rows.{fmt}" for fmt in EXPORTS}}  # fmt: skip


@router.post(
    "/specifications/{name}/{version}/combined",
    summary="Build the combined national table again now (site administrators)",
)
def rebuild(site: SiteDep, name: str, version: str,
            actor: Actor = Depends(current_actor)) -> dict[str, Any]:  # fmt: skip
    require_administrator(actor)
    with read(site.engine) as conn:
        spec = find_specification(conn, name, version)
    return combine(site.settings, site.engine, spec)


@router.get(
    "/specifications/{name}/{version}/combined.{fmt}",
    summary="Download the combined national table: csv, excel.csv, json, geojson, parquet, "
    "xlsx (the datastore's downloads of the table `specification:<name>:<version>`)",
)
def combined_download(site: SiteDep, name: str, version: str, fmt: str) -> Response:
    with read(site.engine) as conn:
        spec = find_specification(conn, name, version)
        table = access.find_table(conn, ANONYMOUS, site.settings.datastore_path,
                                  table_id(spec))  # fmt: skip
    if table is None:
        raise NotFound("no combined table yet", code="combined_not_found")
    path = access.download(table, RowQuery(), fmt)
    headers = {"Content-Disposition": f'attachment; filename="{spec.name}-{spec.version}.{fmt}"'}
    return StreamingResponse(stream_file(path, fmt=fmt), media_type=EXPORTS[fmt],
                             headers=headers)  # fmt: skip


@router.get("/conformance/{distribution_id}", summary="A distribution's last conformance check")
def get_conformance(
    site: SiteDep, distribution_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = readable_conformance(conn, actor, distribution_id)
    if found is None:
        raise NotFound("no conformance check for this distribution's current table",
                       code="conformance_not_found")  # fmt: skip
    return {"distribution": distribution_id, "state": found.state,
            "job": found.job_id, "report": found.report.as_json()}  # fmt: skip
