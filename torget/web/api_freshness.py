"""JSON API for due dates (issue 20): a dataset's update status, an organisation's overdue
datasets, and the fields every dataset in the API carries (`due_date`, `overdue`,
`last_data_change`). The rules are in `torget.publishing.freshness`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request

from torget.accounts.permissions import Actor
from torget.catalog import datasets as store
from torget.catalog.datasets import Dataset
from torget.clock import now
from torget.db.engine import read
from torget.publishing.freshness import Freshness, freshness_of, overdue_of
from torget.web.auth import current_actor
from torget.web.request_site import request_site

__all__ = ["router", "datasets_json", "datasets_json_until", "freshness_fields"]

router = APIRouter(prefix="/api", tags=["freshness"])
_LIMIT = 1000


def freshness_fields(status: Freshness) -> dict[str, Any]:
    """What a dataset's JSON says of its update status."""
    return {
        "due_date": status.due_at.isoformat() if status.due_at else None,
        "overdue": status.overdue,
        "last_data_change": status.last_change.isoformat(),
    }


def datasets_json(conn: sa.Connection, found: list[Dataset], base: str) -> list[dict[str, Any]]:
    """Datasets as the API shows them, each with its update status."""
    return datasets_json_until(conn, found, base)[0]


def datasets_json_until(
    conn: sa.Connection, found: list[Dataset], base: str
) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """`datasets_json`, and until when it is right: the first of their due dates still to
    come, when one of them turns overdue (None: none of them will)."""
    moment = now()
    status = freshness_of(conn, [d.id for d in found], moment)
    coming = [due for s in status.values() if (due := s.due_at) is not None and due > moment]
    return [d.as_json(base) | freshness_fields(status[d.id]) for d in found], min(
        coming, default=None
    )


@router.get("/datasets/{dataset}/freshness", summary="A dataset's update frequency and due date")
def get_freshness(
    request: Request, dataset: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found = store.get_dataset(conn, actor, dataset)
        return freshness_of(conn, [found.id])[found.id].as_json()


@router.get("/organisations/{organisation}/overdue", summary="An organisation's overdue datasets")
def overdue_datasets(
    request: Request, organisation: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    base = request_site(request).settings.public_base
    with read(request_site(request).engine) as conn:
        _, found = store.list_datasets(
            conn, actor, organisation=organisation, state="published", limit=_LIMIT
        )
        status = freshness_of(conn, [d.id for d in found])
        items = [
            {"id": d.id, "name": d.name, "title": d.data.title.model_dump()}
            | freshness_fields(status[d.id])
            | {"url": f"{base}/dataset/{d.name}"}
            for d in overdue_of(found, status)
        ]
    return {"count": len(items), "items": items}
