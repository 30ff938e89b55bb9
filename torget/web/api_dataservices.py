"""JSON API for data services: thin calls into `torget.catalog.dataservices`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request, Response

from torget.accounts.permissions import Acting
from torget.catalog import dataservices as store
from torget.catalog.model import DataServiceIn
from torget.db.engine import read, write
from torget.publishing import changes
from torget.web.auth import current_actor
from torget.web.paging import Page, page_body, page_params
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["data services"])


def _base(request: Request) -> str:
    return str(request_site(request).settings.public_base)


@router.get("/dataservices", summary="List data services")
def list_dataservices(
    request: Request, page: Page = Depends(page_params), actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        total, found = store.list_dataservices(conn, actor, offset=page.offset, limit=page.size)
    return page_body(request, page, total, [s.as_json(_base(request)) for s in found])


@router.post("/dataservices", status_code=201, summary="Create a data service")
def create_dataservice(
    request: Request, body: DataServiceIn, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        service = changes.create_dataservice(conn, actor, body)
    return service.as_json(_base(request))


@router.get("/dataservices/{service}", summary="Read a data service (by id or name)")
def get_dataservice(
    request: Request, service: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        return store.get_dataservice(conn, actor, service).as_json(_base(request))


@router.put("/dataservices/{service}", summary="Replace a data service")
def update_dataservice(
    request: Request, service: str, body: DataServiceIn, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        updated = changes.replace_dataservice(conn, actor, service, body)
    return updated.as_json(_base(request))


@router.patch("/dataservices/{service}", summary="Change some fields of a data service")
def patch_dataservice(
    request: Request,
    service: str,
    body: dict[str, Any] = Body(description="The fields to change."),
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        updated = changes.patch_dataservice(conn, actor, service, body)
    return updated.as_json(_base(request))


@router.delete("/dataservices/{service}", status_code=204, summary="Delete a data service")
def delete_dataservice(
    request: Request, service: str, actor: Acting = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        changes.delete_dataservice(conn, actor, service)
    return Response(status_code=204)
