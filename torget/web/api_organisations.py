"""JSON API for organisations and their members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from torget.accounts.permissions import Acting
from torget.catalog import organisations as store
from torget.catalog.model import OrganisationIn, Role
from torget.db.engine import read, write
from torget.publishing import changes
from torget.web.auth import current_actor
from torget.web.paging import Page, page_body, page_params
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["organisations"])


class MemberIn(BaseModel):
    user: str = Field(description="User name.")
    role: Role


@router.get("/organisations", summary="List organisations")
def list_organisations(request: Request, page: Page = Depends(page_params)) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        total, found = store.list_organisations(conn, offset=page.offset, limit=page.size)
    return page_body(request, page, total, [o.as_json() for o in found])


@router.post("/organisations", status_code=201, summary="Create an organisation")
def create_organisation(
    request: Request, body: OrganisationIn, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        return changes.create_organisation(conn, actor, body).as_json()


@router.get("/organisations/{organisation}", summary="Read an organisation")
def get_organisation(request: Request, organisation: str) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        return store.get_organisation(conn, organisation).as_json()


@router.put("/organisations/{organisation}", summary="Replace an organisation's details")
def update_organisation(
    request: Request,
    organisation: str,
    body: OrganisationIn,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        return changes.update_organisation(conn, actor, organisation, body).as_json()


@router.delete("/organisations/{organisation}", status_code=204, summary="Delete an organisation")
def delete_organisation(
    request: Request, organisation: str, actor: Acting = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        changes.delete_organisation(conn, actor, organisation)
    return Response(status_code=204)


@router.get("/organisations/{organisation}/members", summary="List members")
def list_members(
    request: Request, organisation: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        members = store.list_members(conn, actor, organisation)
    return {"count": len(members), "items": [m.as_json() for m in members]}


@router.post("/organisations/{organisation}/members", summary="Add a member or change a role")
def set_member(
    request: Request, organisation: str, body: MemberIn, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        return changes.set_member(conn, actor, organisation, body.user, body.role).as_json()


@router.delete(
    "/organisations/{organisation}/members/{user}", status_code=204, summary="Remove a member"
)
def remove_member(
    request: Request, organisation: str, user: str, actor: Acting = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        changes.remove_member(conn, actor, organisation, user)
    return Response(status_code=204)
