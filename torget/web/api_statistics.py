"""The use statistics as JSON: a dataset's, an organisation's and the whole catalogue's.

`from` and `to` (ISO dates, both included) choose the days; by default the last 30. Each day
gives people's and bots' page views, downloads, API calls and datastore queries; a dataset's
answer adds each distribution's totals, an organisation's and the catalogue's the most used
datasets. `POST /api/distributions/{id}/downloaded` is the ping (`<a ping>`) a browser sends as it
follows a dataset page's link to a file kept elsewhere: one download of that distribution.
Only published datasets are counted, and nothing about who asked is kept, so the
statistics are open like the catalogue (a dataset's, to whoever may read the dataset).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from torget.accounts.permissions import Actor
from torget.usage.statistics import as_json
from torget.web.auth import current_actor
from torget.web.request_site import SiteDep
from torget.web.usage import catalogue_use, count_use, dataset_use, organisation_use

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["statistics"])

FROM = Query(None, alias="from", description="The first day (YYYY-MM-DD); default 30 days ago.")
TO = Query(None, alias="to", description="The last day (YYYY-MM-DD); default today (UTC).")
DESCRIPTION = (
    "Per day: `people` and `bots` (told apart by their user agent), each with `page_views`, "
    "`downloads`, `api_calls` and `datastore_queries`. `period` is `day`, or `month` for "
    "days older than `usage_daily_days`, summed on the month's first day."
)


@router.get(
    "/datasets/{dataset}/statistics",
    summary="A dataset's use per day, and each distribution's totals",
    description=DESCRIPTION,
)
def dataset_statistics(
    site: SiteDep,
    dataset: str,
    start: str | None = FROM,
    end: str | None = TO,
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    found, stats = dataset_use(site, actor, dataset, start, end)
    return {"dataset": {"id": found.id, "name": found.name}, **as_json(stats)}


@router.get(
    "/organisations/{organisation}/statistics",
    summary="The use of an organisation's datasets per day, and its most used datasets",
    description=DESCRIPTION,
)
def organisation_statistics(
    site: SiteDep, organisation: str, start: str | None = FROM, end: str | None = TO
) -> dict[str, Any]:
    org, stats = organisation_use(site, organisation, start, end)
    return {"organisation": {"id": org.id, "name": org.name}, **as_json(stats)}


@router.get(
    "/statistics",
    summary="The whole catalogue's use per day, and its most used datasets",
    description=DESCRIPTION,
)
def catalogue_statistics(
    site: SiteDep, start: str | None = FROM, end: str | None = TO
) -> dict[str, Any]:
    return as_json(catalogue_use(site, start, end))


@router.post("/distributions/{distribution}/downloaded", status_code=204, include_in_schema=False)
def downloaded(request: Request, distribution: str) -> Response:
    """A dataset page's download link to another site was followed (the link's `ping`)."""
    count_use(request, "download", distribution_id=distribution[:36])
    return Response(status_code=204)
