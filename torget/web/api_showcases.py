"""JSON API for showcases: what people built with the data, reviewed by the publishers."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor
from torget.db.engine import read, write
from torget.errors import FieldError, ValidationFailed
from torget.participation import showcases as store
from torget.web.abuse import client_address
from torget.web.auth import current_actor
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["showcases"])

Kind = Literal["app", "visualisation", "article"]


class ShowcaseBody(BaseModel):
    title: str = Field(description="At most 200 characters.")
    description: str = Field(description="At most 5000 characters.")
    url: str = Field(description="Where the work is: an http(s) link.")
    kind: Kind
    datasets: list[str] = Field(description="Ids or names of the published datasets it uses.")
    image: str | None = Field(
        default=None, description="Optional PNG, JPEG or WebP image, base64-encoded."
    )


class RejectIn(BaseModel):
    reason: str = Field(description="Why, shown to the author (at most 500 characters).")


def _image(value: str | None) -> bytes | None:
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed([FieldError("image", "the image is not valid base64")]) from None


@router.get("/showcases", summary="List showcases (approved; or `status=pending` to review)")
def list_showcases(
    request: Request,
    dataset: str | None = Query(None, description="Only those using this dataset (id)."),
    kind: Kind | None = Query(None),
    status: Literal["approved", "pending"] = Query("approved"),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    base = request_site(request).settings.public_base
    with read(request_site(request).engine) as conn:
        if status == "pending":
            found = store.reviewable_showcases(conn, actor)
        else:
            found = store.list_showcases(conn, dataset_id=dataset, kind=kind)
    return {"count": len(found), "items": [s.as_json(base) for s in found]}


@router.post("/showcases", status_code=201, summary="Submit a showcase for review")
def submit_showcase(
    request: Request, body: ShowcaseBody, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    data = store.ShowcaseIn(body.title, body.description, body.url, body.kind, body.datasets)
    image = _image(body.image)
    with write(request_site(request).engine) as conn:
        found = store.submit_showcase(
            conn, actor, request_site(request).files, data, image, address=client_address(request)
        )
    return found.as_json(request_site(request).settings.public_base)


@router.get("/showcases/{showcase_id}", summary="Read a showcase")
def get_showcase(
    request: Request, showcase_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found = store.get_showcase(conn, actor, showcase_id)
    return found.as_json(request_site(request).settings.public_base)


@router.post("/showcases/{showcase_id}/approve", summary="Approve a showcase (editors)")
def approve_showcase(
    request: Request, showcase_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        found = store.approve_showcase(conn, actor, showcase_id)
    return found.as_json(request_site(request).settings.public_base)


@router.post("/showcases/{showcase_id}/reject", summary="Reject a showcase with a reason")
def reject_showcase(
    request: Request, showcase_id: str, body: RejectIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        found = store.reject_showcase(conn, actor, showcase_id, body.reason)
    return found.as_json(request_site(request).settings.public_base)
