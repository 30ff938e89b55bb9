"""The use statistics' pages: a dataset's, an organisation's and the whole catalogue's.

Each page has a form for the days (`from`, `to`; the last 30 by default), the totals, a bar
chart of people's use per day drawn on the server as SVG (`web/chart.py`) with the same
numbers in a table beside it (page views, downloads, API calls, datastore queries, and what
bots asked), then each distribution's totals (a dataset) or the most used datasets (an
organisation, the catalogue). Each has a CSV twin (`….csv`, the days) and the JSON API's
(`/api/…/statistics`). The dataset page's short summary is `recent_use`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import Query, Request, Response

from torget.catalog.datasets import Dataset
from torget.memo import Memo
from torget.settings import Settings
from torget.usage import Counts, Scope, Statistics, statistics
from torget.usage.retention import oldest_daily_day
from torget.usage.statistics import DEFAULT_DAYS
from torget.usage.store import usage_state
from torget.web.chart import BarChart, bar_chart
from torget.web.i18n import N_, Text, localize, pick_language
from torget.web.pages.routing import page_router
from torget.web.rendering import Alternate, format_number, render
from torget.web.request_site import SiteDep
from torget.web.sessions import page_actor
from torget.web.usage import catalogue_use, csv_response, dataset_use, organisation_use

__all__ = ["router", "recent_use"]

router = page_router()

FROM = Query(None, alias="from")
TO = Query(None, alias="to")


@dataclass(frozen=True)
class DistributionUse:
    title: str
    counts: Counts


# The summary moves only when a batch of counts is written (every `usage_flush_seconds` or
# `usage_flush_events`, by any process; `usage_state` changes then) or the day does: kept per
# dataset, token and day, it is read once per batch instead of twice per view (issue 21).
_RECENT: Memo[Counts] = Memo(1024)


def recent_use(conn: sa.Connection, dataset_id: str, settings: Settings) -> Counts:
    """People's and bots' use of a dataset in the last `DEFAULT_DAYS` days (the dataset
    page's summary). Call it before `conn` has read anything: the token is read first, so
    counts written meanwhile are filed under the next one."""
    today = dt.datetime.now(dt.UTC).date()
    key = (settings, dataset_id, usage_state(settings), today)

    def read() -> Counts:
        start = today - dt.timedelta(days=DEFAULT_DAYS - 1)
        daily_from = oldest_daily_day(settings, today)
        return statistics(conn, Scope(dataset_id=dataset_id), start, today, daily_from).totals

    return _RECENT.get(key, read)


def _chart(found: Statistics, lang: str) -> BarChart:
    return bar_chart(
        [
            (
                d.day.isoformat() if d.period == "day" else d.day.strftime("%Y-%m"),
                float(d.counts.by_people),
                format_number(d.counts.by_people, lang),
            )
            for d in found.days
        ]
    )


def _query(request: Request) -> str:
    given = [(k, v) for k, v in request.query_params.items() if k in ("from", "to") and v]
    return "?" + urlencode(given) if given else ""


def _page(
    request: Request, found: Statistics, heading: str | Text, path: str, **context: Any
) -> Response:
    lang = pick_language(request)
    query = _query(request)
    return render(
        request,
        "statistics.html",
        title=heading,
        alternates=[
            Alternate("text/csv", f"{path}.csv{query}", "CSV"),
            Alternate("application/json", f"{context.pop('api')}{query}", "JSON API"),
        ],
        stats=found,
        chart=_chart(found, lang),
        path=path,
        query=query,
        **context,
    )


def _distributions(dataset: Dataset, found: Statistics, lang: str) -> list[DistributionUse]:
    """The dataset's own use first (its page, its record), then each distribution's."""
    rows = [DistributionUse("", found.distributions.get("", Counts()))]
    for d in dataset.distributions:
        title = localize(d.data.title, lang) or d.data.format or d.id
        rows.append(DistributionUse(str(title), found.distributions.get(d.id, Counts())))
    return rows


@router.get("/dataset/{ref}/statistics")
def dataset_statistics_page(
    request: Request, site: SiteDep, ref: str, start: str | None = FROM, end: str | None = TO
) -> Response:
    dataset, found = dataset_use(site, page_actor(request), ref, start, end)
    lang = pick_language(request)
    title = localize(dataset.data.title, lang)
    assert title is not None
    return _page(
        request, found, title, f"/dataset/{dataset.name}/statistics",
        api=f"/api/datasets/{dataset.id}/statistics", dataset=dataset,
        distributions=_distributions(dataset, found, lang), organisation=None,
    )  # fmt: skip


@router.get("/dataset/{ref}/statistics.csv")
def dataset_statistics_csv(
    request: Request, site: SiteDep, ref: str, start: str | None = FROM, end: str | None = TO
) -> Response:
    dataset, found = dataset_use(site, page_actor(request), ref, start, end)
    return csv_response(found, f"statistics-{dataset.name}")


@router.get("/organisation/{name}/statistics")
def organisation_statistics_page(
    request: Request, site: SiteDep, name: str, start: str | None = FROM, end: str | None = TO
) -> Response:
    org, found = organisation_use(site, name, start, end)
    title = localize(org.data.title, pick_language(request))
    assert title is not None
    return _page(
        request, found, title, f"/organisation/{org.name}/statistics",
        api=f"/api/organisations/{org.id}/statistics", dataset=None, distributions=[],
        organisation=org,
    )  # fmt: skip


@router.get("/organisation/{name}/statistics.csv")
def organisation_statistics_csv(
    site: SiteDep, name: str, start: str | None = FROM, end: str | None = TO
) -> Response:
    org, found = organisation_use(site, name, start, end)
    return csv_response(found, f"statistics-{org.name}")


@router.get("/statistics")
def catalogue_statistics_page(
    request: Request, site: SiteDep, start: str | None = FROM, end: str | None = TO
) -> Response:
    found = catalogue_use(site, start, end)
    return _page(
        request, found, N_("Use of the catalogue"), "/statistics", api="/api/statistics",
        dataset=None, distributions=[], organisation=None,
    )  # fmt: skip


@router.get("/statistics.csv")
def catalogue_statistics_csv(
    site: SiteDep, start: str | None = FROM, end: str | None = TO
) -> Response:
    return csv_response(catalogue_use(site, start, end), "statistics")
