"""The datastore's query API: a loaded table's columns, rows, distinct values, aggregates,
downloads in open formats, a read-only SQL endpoint and the table's data dictionary (column
descriptions in Swedish and English). Thin calls into `torget.datastore`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from torget.accounts.permissions import Actor
from torget.datastore import access
from torget.datastore import export as exporting
from torget.datastore import query as querying
from torget.datastore.dictionary import (
    ColumnDescription,
    describe_columns,
    descriptions,
    replace_descriptions,
)
from torget.datastore.jobs import Job, latest_job
from torget.datastore.tables import Table
from torget.db.engine import read, write
from torget.web.auth import current_actor
from torget.web.i18n import pick_language
from torget.web.load_notes import failure_json, report_json
from torget.web.request_site import request_site
from torget.web.usage import count_sql, count_use

router = APIRouter(prefix="/api/datastore", tags=["datastore"])

FILTERS = (
    "Filters are further query parameters: `col=v`, `col__in=a,b`, `col__gte`, `col__lte`, "
    "`col__gt`, `col__lt`, `col__isnull=true`."
)


TABLE = Query(
    None, alias="table", description="A further spreadsheet sheet: `sheet_2`, … (default `data`)."
)


def _table(request: Request, actor: Actor, distribution_id: str, name: str | None = None) -> Table:
    root = request_site(request).settings.datastore_path
    with read(request_site(request).engine) as conn:
        return access.open_table(conn, actor, root, distribution_id, name)


def _query(request: Request, table: Table) -> querying.RowQuery:
    limit = request_site(request).settings.max_page_size
    return querying.parse_row_query(request.query_params.multi_items(), table, limit)


@router.get("/sql", summary="Run one read-only SELECT over datastore tables")
def sql_get(
    request: Request,
    sql: str = Query(description='One SELECT; tables are distribution ids: "3f2c…".'),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    return _sql(request, sql, actor)


@router.post("/sql", summary="Run one read-only SELECT (the SQL in a JSON body)")
def sql_post(
    request: Request,
    sql: str = Body(embed=True, description="One SELECT statement."),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    return _sql(request, sql, actor)


def _sql(request: Request, sql: str, actor: Actor) -> dict[str, Any]:
    site = request_site(request)
    found = access.run_select(site.engine, actor, site.settings.datastore_path, sql, site.sql)
    count_sql(request, sql)
    return found


def _columns(table: Table, described: dict[str, ColumnDescription]) -> list[dict[str, Any]]:
    """Name and type of each column, and its `description` when it has one (the key is left
    out otherwise, so clients written before the data dictionary see what they saw)."""
    return [
        {k: v for k, v in c.as_json().items() if k != "description" or v is not None}
        for c in describe_columns(table.columns, described)
    ]


def _job_json(job: Job, lang: str) -> dict[str, Any]:
    """The last load, its report's notes and its failure in the language asked for (`?lang=`,
    `Accept-Language`; Swedish otherwise) beside their `code` and `params`; `error` keeps
    the failure's English message for clients written before failures had codes."""
    return {**job.as_json(), "report": report_json(job.report, lang),
            "failure": failure_json(job.failure, lang)}  # fmt: skip


@router.get("/{distribution_id}", summary="A loaded table: columns, row count, last load")
def describe(
    request: Request, distribution_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    root = request_site(request).settings.datastore_path
    with read(request_site(request).engine) as conn:
        table = access.find_table(conn, actor, root, distribution_id)
        job = latest_job(conn, distribution_id)
        described = descriptions(conn, distribution_id)
    base = f"{request_site(request).settings.public_base}/api/datastore/{distribution_id}"
    further: list[dict[str, Any]] = []
    if table is not None:
        further = access.sheets(table)
        for sheet in further:
            sheet["rows_url"] = f"{base}/rows?{urlencode({'table': sheet['table']})}"
    return {
        "distribution_id": distribution_id,
        "loaded": table is not None,
        "columns": _columns(table, described) if table else [],
        "row_count": table.row_count if table else 0,
        "loaded_at": table.loaded_at.isoformat() if table else None,
        "job": _job_json(job, pick_language(request)) if job else None,
        "rows": f"{base}/rows",
        "sheets": further,
        "downloads": {fmt: f"{base}/rows.{fmt}" for fmt in exporting.EXPORTS},
        "dictionary": f"{base}/columns",
    }


@router.get(
    "/{distribution_id}/rows",
    summary="Rows, filtered, sorted and paged",
    description=FILTERS,
    response_model=None,
    responses={200: {"description": "`total`, `total_estimated`, `rows`, `next`, `limit`."}},
)
def rows(
    request: Request,
    distribution_id: str,
    q: str | None = Query(None, description="Free text over the text columns."),
    sort: str | None = Query(None, description="Columns, `-col` descending: `-antal,namn`."),
    fields: str | None = Query(None, description="Columns to return: `namn,antal`."),
    limit: int | None = Query(None, description="Rows per page (at most max_page_size)."),
    offset: int | None = Query(None, description="Rows to skip (prefer `after`)."),
    after: str | None = Query(None, description="Cursor from a `next` link."),
    table_name: str | None = TABLE,
    actor: Actor = Depends(current_actor),
) -> JSONResponse:
    table = _table(request, actor, distribution_id, table_name)
    query = _query(request, table)
    page = access.fetch_page(
        table, query, request_site(request).settings.datastore_exact_count_limit
    )
    following = None
    if page.cursor:
        params = [
            (k, v) for k, v in request.query_params.multi_items() if k not in ("after", "offset")
        ]
        following = f"{request.url.path}?{urlencode([*params, ('after', page.cursor)])}"
    count_use(request, "query", distribution_id=distribution_id)
    # The rows are JSON-ready (`query._jsonable`): FastAPI's generic encoder would take 2 ms
    # of a 100-row page, more than fetching it (bench/datastore.py).
    return JSONResponse(
        {"limit": page.limit, "total": page.total, "total_estimated": page.estimated,
         "rows": page.rows, "next": following}
    )  # fmt: skip


@router.get(
    "/{distribution_id}/rows.{fmt}",
    summary="Download rows: csv, excel.csv (`;`, decimal comma, BOM), json, geojson, parquet, xlsx",
    description=FILTERS + " `limit=n` downloads only the first n rows (default: all).",
)
def download(
    request: Request,
    distribution_id: str,
    fmt: str,
    table_name: str | None = TABLE,
    actor: Actor = Depends(current_actor),
) -> StreamingResponse:
    table = _table(request, actor, distribution_id, table_name)
    query = _query(request, table)
    most = query.limit if "limit" in request.query_params else None
    path = access.download(table, query, fmt, most)
    with read(request_site(request).engine) as conn:
        name = access.download_name(conn, table, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    count_use(request, "download", distribution_id=distribution_id)
    return StreamingResponse(
        exporting.stream_file(path, fmt=fmt), media_type=exporting.EXPORTS[fmt], headers=headers
    )


@router.get(
    "/{distribution_id}/distinct/{column}",
    summary="Distinct values with counts",
    description=FILTERS,
)
def distinct(
    request: Request,
    distribution_id: str,
    column: str,
    table_name: str | None = TABLE,
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    table = _table(request, actor, distribution_id, table_name)
    query = _query(request, table)
    values = access.distinct_values(table, column, query, query.limit)
    count_use(request, "query", distribution_id=distribution_id)
    return {"column": column, "values": values}


@router.get(
    "/{distribution_id}/aggregate",
    summary="Grouped counts, sums, averages, min, max",
    description=FILTERS,
)
def aggregate(
    request: Request,
    distribution_id: str,
    group_by: str | None = Query(None, description="Columns to group by: `kommun,år`."),
    count: str | None = Query(None, description="`*` to count rows."),
    sum: str | None = Query(None, description="Columns to sum."),  # noqa: A002
    avg: str | None = Query(None, description="Columns to average."),
    min: str | None = Query(None, description="Columns to take the minimum of."),  # noqa: A002
    max: str | None = Query(None, description="Columns to take the maximum of."),  # noqa: A002
    table_name: str | None = TABLE,
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    table = _table(request, actor, distribution_id, table_name)
    skip = {"group_by", "count", "table", *querying.AGGREGATES}
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in skip]
    limit = request_site(request).settings.max_page_size
    query = querying.parse_row_query(pairs, table, limit)
    measures = [("count", "*")] if count else []
    for fn, given in (("sum", sum), ("avg", avg), ("min", min), ("max", max)):
        measures += [(fn, c) for c in (given or "").split(",") if c]
    groups = [g for g in (group_by or "").split(",") if g]
    found = access.aggregate(table, groups, measures, query, query.limit)
    count_use(request, "query", distribution_id=distribution_id)
    return {"group_by": groups, "rows": found}


# --- The data dictionary ---------------------------------------------------------------------


class ColumnText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sv: str | None = Field(None, description="What the column means, in Swedish.")
    en: str | None = Field(None, description="What the column means, in English.")


class ColumnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="A column of the loaded table.")
    description: ColumnText | None = None


class DictionaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: list[ColumnIn] = Field(
        description="The described columns; any column left out has no description after."
    )


def _dictionary(request: Request, distribution_id: str, actor: Actor) -> dict[str, Any]:
    table = _table(request, actor, distribution_id)
    with read(request_site(request).engine) as conn:
        described = describe_columns(table.columns, descriptions(conn, distribution_id))
    return {"distribution_id": distribution_id, "columns": [c.as_json() for c in described]}


@router.get("/{distribution_id}/columns", summary="The table's columns, types and descriptions")
def columns(
    request: Request, distribution_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    return _dictionary(request, distribution_id, actor)


@router.put(
    "/{distribution_id}/columns",
    summary="Replace the data dictionary (editors of the dataset's organisation)",
)
def replace_columns(
    request: Request,
    distribution_id: str,
    body: DictionaryIn,
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    table = _table(request, actor, distribution_id)
    items = [
        ColumnDescription(c.name, c.description.sv, c.description.en)
        if c.description
        else ColumnDescription(c.name)
        for c in body.columns
    ]
    with write(request_site(request).engine) as conn:
        replace_descriptions(conn, actor, distribution_id, items, list(table.column_types))
    return _dictionary(request, distribution_id, actor)
