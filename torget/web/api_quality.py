"""JSON API of quality (issue 14): a dataset's MQA score with its hints, an organisation's and
the whole catalogue's report, and the high-value datasets' report (JSON or CSV). Each report
covers what the caller may read; the scoring is `torget.quality`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from torget.accounts.permissions import Acting
from torget.catalog import datasets as store
from torget.catalog.organisations import get_organisation
from torget.db.engine import read
from torget.quality.hvd import hvd_report, report_csv, report_document
from torget.quality.report import dataset_quality, quality_report
from torget.web.auth import current_actor
from torget.web.request_site import SiteDep

router = APIRouter(prefix="/api", tags=["quality"])

_LIMIT = Query(100, ge=0, le=100_000, description="How many datasets to list, worst first.")


@router.get("/datasets/{dataset}/quality", summary="A dataset's quality score and hints")
def get_dataset_quality(
    site: SiteDep, dataset: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = store.get_dataset(conn, actor, dataset)
        return dataset_quality(conn, site.settings, found).as_json()


@router.get("/organisations/{organisation}/quality", summary="An organisation's quality score")
def get_organisation_quality(
    site: SiteDep, organisation: str, limit: int = _LIMIT, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        org = get_organisation(conn, organisation)
        return quality_report(conn, site.settings, actor, org).as_json(limit=limit)


@router.get("/quality", summary="The whole catalogue's quality score")
def get_catalogue_quality(
    site: SiteDep, limit: int = _LIMIT, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        return quality_report(conn, site.settings, actor).as_json(limit=limit)


@router.get("/organisations/{organisation}/hvd", summary="High-value datasets: JSON report")
def get_hvd_report(
    site: SiteDep, organisation: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        rows = hvd_report(conn, site.settings, actor, organisation)
    return report_document(organisation, rows)


@router.get("/organisations/{organisation}/hvd.csv", summary="High-value datasets: CSV report")
def get_hvd_csv(
    site: SiteDep, organisation: str, actor: Acting = Depends(current_actor)
) -> Response:
    with read(site.engine) as conn:
        rows = hvd_report(conn, site.settings, actor, organisation)
    name = f"hvd-{organisation}.csv"
    return Response(
        report_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
