"""The quality score's pages (issue 14): the publisher's report, lowest score first, over the
organisations they belong to (`/publish/quality`, linked from the dashboard), and one
organisation's report for its editors (`/organisation/{name}/quality`). A dataset's own score
and hints are on its publishing pages (`dataset_forms.py`, `_quality.html`).

An organisation's high-value datasets (`/publish/organisation/{name}/hvd`, for its members):
each one's HVD categories, which of the regulation's three terms it meets, and a link to the
form that fixes each gap; the `.csv` and `.json` twins are the EU-shaped report of the JSON
API (`torget.quality.hvd`), drafts included, as the signed-in member may read them."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import Request, Response

from torget.catalog.organisations import all_organisations, get_organisation
from torget.db.engine import read
from torget.errors import NotFound
from torget.quality.hvd import (
    HVD_LICENCES,
    HvdCheck,
    hvd_checks,
    hvd_report,
    report_csv,
    report_document,
)
from torget.quality.report import quality_report
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, signed_in
from torget.web.rendering import render
from torget.web.request_site import request_site

__all__ = ["router"]

router = page_router()
_LIMIT = 50


@router.get("/publish/quality")
def publisher_quality(request: Request) -> Response:
    actor = signed_in(request)
    site = request_site(request)
    with read(site.engine) as conn:
        orgs = all_organisations(conn)
        mine = [o for o in orgs.values() if actor.has_role(o.id, "member")]
        names = {o.name for o in mine}
        tops = [o for o in mine if o.data.parent not in names]  # a unit is in its parent's
        reports = [quality_report(conn, site.settings, actor, o) for o in tops]
    return render(
        request,
        "quality.html",
        title=N_("Quality score"),
        organisation=None,
        reports=reports,
        report_titles=[o.data.title for o in tops],
        limit=_LIMIT,
    )


@router.get("/organisation/{name}/quality")
def organisation_quality(request: Request, name: str) -> Response:
    actor = signed_in(request)
    site = request_site(request)
    with read(site.engine) as conn:
        org = get_organisation(conn, name)
        actor.require(org.id, "editor", "see this organisation's quality score")
        report = quality_report(conn, site.settings, actor, org)
    return render(
        request,
        "quality.html",
        title=N_("Quality score"),
        organisation=org,
        reports=[report],
        report_titles=[org.data.title],
        limit=_LIMIT,
    )


@dataclass(frozen=True)
class Fix:
    """One way to close a gap: `message` (a msgid with `%(subject)s`) linked to `href`."""

    term: str
    message: str
    href: str
    subject: str = ""


_ADD_API = N_("Describe an API that serves the dataset")
_UPLOAD = N_("Upload the data as a CSV file: Torget's datastore serves it through its API")
_ADD_DOWNLOAD = N_("Add a distribution with a direct download link")
_LICENCE_OF = N_("Choose CC BY 4.0 or CC0 1.0 for %(subject)s")
_LICENCE = N_("Choose CC BY 4.0 or CC0 1.0 for the dataset")


def hvd_fixes(check: HvdCheck, organisation: str) -> list[Fix]:
    """For each term the dataset misses, the forms that close the gap (`organisation`: the
    name of the dataset's own)."""
    ds = check.dataset
    fixes = []
    if "api" in check.missing:
        fixes.append(Fix("api", _ADD_API, f"/publish/dataservices/new?organisation={organisation}"))
        fixes.append(Fix("api", _UPLOAD, f"/publish/dataset/{ds.id}/upload"))
    if "bulk_download" in check.missing:
        fixes.append(
            Fix("bulk_download", _ADD_DOWNLOAD, f"/publish/dataset/{ds.id}/distributions/new")
        )
    if "licence" in check.missing:
        inherited = False
        for n, dist in enumerate(ds.distributions, 1):
            if check.licences.get(dist.id) in HVD_LICENCES:
                continue
            if dist.data.license is None:
                inherited = True
                continue
            title = dist.data.title.sv if dist.data.title else f"{dist.data.format or ''} {n}"
            href = f"/publish/distribution/{dist.id}/edit#f-license"
            fixes.append(Fix("licence", _LICENCE_OF, href, title.strip()))
        if inherited or not ds.distributions:
            fixes.append(Fix("licence", _LICENCE, f"/publish/dataset/{ds.id}/edit#f-license"))
    return fixes


@router.get("/publish/organisation/{name}/hvd")
def organisation_hvd(request: Request, name: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        org = get_organisation(conn, name)
        actor.require(org.id, "member", "see this organisation's high-value datasets")
        checks = hvd_checks(conn, actor, org.name)
        names = {o.id: o.name for o in all_organisations(conn).values()}
    return render(
        request,
        "hvd.html",
        title=N_("High-value datasets"),
        organisation=org,
        checks=checks,
        # a unit's dataset: the API is described by the unit, which may own it
        fixes={c.dataset.id: hvd_fixes(c, names[c.dataset.organisation_id]) for c in checks},
        headers={"Cache-Control": "no-store"},
    )


_TWINS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@router.get("/publish/organisation/{name}/hvd.{fmt}")
def organisation_hvd_report(request: Request, name: str, fmt: str) -> Response:
    if fmt not in _TWINS:
        raise NotFound(f"no high-value report as .{fmt}; use .csv or .json")
    actor = signed_in(request)
    site = request_site(request)
    with read(site.engine) as conn:
        org = get_organisation(conn, name)
        actor.require(org.id, "member", "see this organisation's high-value datasets")
        rows = hvd_report(conn, site.settings, actor, org.name)
    if fmt == "csv":
        body = report_csv(rows)
    else:
        body = json.dumps(report_document(org.name, rows), ensure_ascii=False, indent=1)
    disposition = f'attachment; filename="hvd-{org.name}.{fmt}"'
    return Response(
        body,
        media_type=_TWINS[fmt],
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
