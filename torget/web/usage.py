"""The web's one door to the use statistics: count a request for a dataset or distribution.

Counting is an increment in the site's in-memory buffer (`torget.usage.UsageCounter`); the
user agent goes with it only until the flush tells bots apart. What counts, route by route:
page views (the dataset page), downloads (`/files/…`, the datastore's `rows.<format>`,
CKAN's `/datastore/dump/…`, the ping of a dataset page's link to a file elsewhere), API
calls (a dataset's record: `/api/datasets/…`, the `/dataset/….json|rdf|ttl|jsonld` twins,
CKAN's `package_show` and `resource_show`) and
datastore queries (rows, distinct values, aggregates, the SQL endpoint, CKAN's
`datastore_search` and `datastore_search_sql`). Only a successful answer counts.

The statistics' readers (`dataset_use`, `organisation_use`, `catalogue_use`) are shared by the
JSON API (`api_statistics`) and the pages (`pages/statistics`). The whole catalogue's figures,
the same for every reader, are kept until the counts or the catalogue (the datasets' names and
titles) change: on the stamps of both (`torget.stamps`), which every process renews.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from fastapi import Request, Response

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset, get_dataset
from torget.catalog.organisations import Organisation, get_organisation
from torget.db.engine import read
from torget.dcat.feed_cache import catalogue_state
from torget.memo import Memo
from torget.site import Site
from torget.usage import Kind, Scope, Statistics, statistics
from torget.usage.retention import oldest_daily_day
from torget.usage.statistics import csv_rows, period
from torget.usage.store import usage_state
from torget.web.request_site import request_site

__all__ = [
    "count_use",
    "count_sql",
    "count_ckan",
    "dataset_use",
    "organisation_use",
    "catalogue_use",
    "csv_response",
]

# A datastore table in SQL is a distribution id in double quotes, with a sheet after a slash.
_TABLE = re.compile(
    r'"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'
)


def count_use(
    request: Request, kind: Kind, *, dataset_id: str = "", distribution_id: str = ""
) -> None:
    """Count this request as one use of `kind` of a dataset or a distribution."""
    user_agent = request.headers.get("user-agent", "")
    request_site(request).usage.count(
        kind, user_agent, dataset_id=dataset_id, distribution_id=distribution_id
    )


def count_sql(request: Request, sql: str) -> None:
    """One query of each table an SQL statement that was answered names. The ids are read
    from the text, not parsed again: the statement passed the parser already, and a quoted
    id that is no distribution is dropped at the flush."""
    for distribution_id in {m.lower() for m in _TABLE.findall(sql)}:
        count_use(request, "query", distribution_id=distribution_id)


def count_ckan(request: Request, action: str, params: dict[str, Any], result: Any) -> None:
    """A CKAN read action's use, from its answer: a package or resource record is an API
    call, a DataStore search or SQL statement a query."""
    if not isinstance(result, dict):
        return
    if action == "package_show":
        count_use(request, "api", dataset_id=str(result.get("id", "")))
    elif action == "resource_show":
        count_use(request, "api", distribution_id=str(result.get("id", "")))
    elif action == "datastore_search":
        count_use(request, "query", distribution_id=str(result.get("resource_id", "")))
    elif action == "datastore_search_sql":
        count_sql(request, str(result.get("sql", "")))


def _days(site: Site, start: str | None, end: str | None) -> tuple[dt.date, dt.date, dt.date]:
    today = dt.datetime.now(dt.UTC).date()
    first, last = period(start, end, today)
    return first, last, oldest_daily_day(site.settings, today)


def dataset_use(
    site: Site, actor: Actor, ref: str, start: str | None, end: str | None
) -> tuple[Dataset, Statistics]:
    """A dataset the actor may read (NotFound otherwise) and its use from `start` to `end`."""
    first, last, daily_from = _days(site, start, end)
    with read(site.engine) as conn:
        dataset = get_dataset(conn, actor, ref)
        found = statistics(conn, Scope(dataset_id=dataset.id), first, last, daily_from)
    return dataset, found


def organisation_use(
    site: Site, ref: str, start: str | None, end: str | None
) -> tuple[Organisation, Statistics]:
    """An organisation (by name or id) and the use of its datasets."""
    first, last, daily_from = _days(site, start, end)
    with read(site.engine) as conn:
        org = get_organisation(conn, ref)
        found = statistics(conn, Scope(organisation_id=org.id), first, last, daily_from)
    return org, found


# A few periods (the default last 30 days above all) per state of the counts and catalogue.
_CATALOGUE_USE: Memo[Statistics] = Memo(16)


def catalogue_use(site: Site, start: str | None, end: str | None) -> Statistics:
    """The use of the whole catalogue (kept: callers must not change it)."""
    first, last, daily_from = _days(site, start, end)
    settings = site.settings
    # the stamps before the figures, so that figures are never older than their key
    key = (settings, first, last, daily_from, catalogue_state(settings), usage_state(settings))

    def figures() -> Statistics:
        with read(site.engine) as conn:
            return statistics(conn, Scope(), first, last, daily_from)

    return _CATALOGUE_USE.get(key, figures)


def csv_response(found: Statistics, name: str) -> Response:
    """The days as a CSV download named `<name>-<from>-<to>.csv`."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(found))
    filename = f"{name}-{found.start.isoformat()}-{found.end.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
