"""JSON API for the audit log (`torget.publishing.audit`): an organisation's log (its admins),
as JSON pages or one CSV file, and a dataset's history field by field (its editors).

Pages are keyset pages, newest first: `next` asks for the entries before the page's last one,
so a page stays the same while new entries are written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from torget.accounts.permissions import Actor
from torget.db.engine import read
from torget.publishing import audit
from torget.web.auth import current_actor
from torget.web.request_site import request_site

__all__ = ["router", "csv_response"]

router = APIRouter(prefix="/api", tags=["audit"])

Before = Query(None, ge=1, description="Entries older than this entry's id (the next page).")
Limit = Query(100, ge=1, le=1000, description="At most this many entries.")


def _page(request: Request, entries: list[audit.Entry], limit: int) -> dict[str, Any]:
    more = len(entries) == limit
    url = request.url.include_query_params(before=entries[-1].id) if more else None
    return {"entries": [e.as_json() for e in entries], "next": None if url is None else str(url)}


def csv_response(entries: list[audit.Entry], filename: str) -> StreamingResponse:
    """The entries as a CSV download (UTF-8 with a byte-order mark, as Excel reads it)."""

    def body() -> Iterator[str]:
        yield "\ufeff"
        yield from audit.as_csv(entries)

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/organisations/{organisation}/audit", summary="An organisation's audit log")
def organisation_audit(
    request: Request,
    organisation: str,
    before: int | None = Before,
    limit: int = Limit,
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    """Who changed what in the organisation and its units, when and through which path
    (`pages`, `api`, `ckan`, `cli`, `harvest`, `worker`), newest first; its admins only."""
    with read(request_site(request).engine) as conn:
        found = audit.organisation_log(conn, actor, organisation, before=before, limit=limit)
    return _page(request, found, limit)


@router.get("/organisations/{organisation}/audit.csv", summary="An organisation's audit log as CSV")
def organisation_audit_csv(
    request: Request, organisation: str, actor: Actor = Depends(current_actor)
) -> StreamingResponse:
    with read(request_site(request).engine) as conn:
        found = audit.organisation_log(conn, actor, organisation, limit=None)
    return csv_response(found, f"audit-{organisation}.csv")


@router.get("/datasets/{dataset}/history", summary="A dataset's changes, field by field")
def dataset_history(
    request: Request,
    dataset: str,
    before: int | None = Before,
    limit: int = Limit,
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    """Each change of the dataset (its metadata, distributions, classification, sign-offs)
    with the fields it changed, before and after; its organisation's editors only."""
    with read(request_site(request).engine) as conn:
        found = audit.dataset_log(conn, actor, dataset, before=before, limit=limit)
    return _page(request, found, limit)
