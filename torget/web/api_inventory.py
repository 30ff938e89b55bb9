"""JSON API of an organisation's inventory (issue 13 A): candidates, their priority and
history, spreadsheet import and export, the public setting, and a candidate made a draft.

Thin over `torget.publishing.inventory*`: each handler parses, calls one domain function and
returns its JSON. A refusal is the domain's, with its code (`validation_failed` with each
field's code for a bad candidate or spreadsheet row, `inventory_not_public` as a 404).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from torget.accounts.permissions import Acting, Actor
from torget.db.engine import read, write
from torget.publishing import inventory, inventory_changes, inventory_files
from torget.publishing.inventory_fields import CandidateIn
from torget.site import Site
from torget.web.auth import current_actor
from torget.web.request_site import SiteDep

__all__ = ["router", "CandidateBody", "MEDIA_TYPES"]

router = APIRouter(prefix="/api", tags=["inventory"])
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Titles(BaseModel):
    sv: str = Field(description="The Swedish title (required).")
    en: str | None = None


class Contact(BaseModel):
    name: str | None = None
    email: str | None = None


class CandidateBody(BaseModel):
    title: Titles
    department: str | None = Field(default=None, description="The department owning the data.")
    description: str | None = None
    benefits: list[str] = Field(
        default_factory=list,
        description="Benefit areas: governmental, social, environmental, economic.",
    )
    effort: str | None = Field(default=None, description="small, medium or large.")
    hvd_category: str | None = Field(
        default=None, description="An EU high-value category: IRI, code or name."
    )
    contact: Contact | None = None
    suggestions: list[str] | None = Field(
        default=None, description="Linked suggestion ids; left out: the links stay as they are."
    )

    def as_input(self) -> CandidateIn:
        contact = self.contact or Contact()
        return CandidateIn(
            self.title.sv, self.title.en or "", self.department or "", self.description or "",
            self.benefits, self.effort or "", self.hvd_category or "", contact.name or "",
            contact.email or "", self.suggestions,
        )  # fmt: skip


class SettingsBody(BaseModel):
    public: bool = Field(description="Whether anyone may read the inventory (contacts excepted).")


class PromoteBody(BaseModel):
    name: str | None = Field(default=None, description="The dataset's web name; made if left out.")


@router.get("/organisations/{organisation}/inventory", summary="An organisation's inventory")
def list_candidates(
    site: SiteDep, organisation: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = inventory.read_inventory(conn, actor, organisation)
    return found.as_json(site.settings.public_base)


@router.get(
    "/organisations/{organisation}/inventory.{fmt}",
    summary="The inventory as a spreadsheet (csv or xlsx; members)",
    response_class=Response,
)
def export_candidates(
    site: SiteDep, organisation: str, fmt: Literal["csv", "xlsx"],
    actor: Actor = Depends(current_actor),
) -> Response:  # fmt: skip
    with read(site.engine) as conn:
        content = inventory_files.export_inventory(conn, actor, organisation, fmt)
    disposition = f'attachment; filename="inventory-{organisation}.{fmt}"'
    return Response(content, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.post("/organisations/{organisation}/inventory", status_code=201, summary="Add a candidate")
def create_candidate(
    site: SiteDep, organisation: str, body: CandidateBody, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(site.engine) as conn:
        made = inventory_changes.create_candidate(conn, actor, organisation, body.as_input())
    return made.as_json(site.settings.public_base)


def _import(site: Site, actor: Actor, organisation: str, content: bytes) -> dict[str, Any]:
    with write(site.engine) as conn:
        report = inventory_files.import_inventory(conn, actor, organisation, content)
    return report.as_json()


@router.post(
    "/organisations/{organisation}/inventory/import",
    summary="Import a CSV or XLSX spreadsheet (the request body), all or nothing",
)
async def import_candidates(
    request: Request, site: SiteDep, organisation: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    content = await request.body()
    return await run_in_threadpool(_import, site, actor, organisation, content)


@router.put(
    "/organisations/{organisation}/inventory/settings",
    summary="Make the inventory public or not (administrators)",
)
def change_settings(
    site: SiteDep, organisation: str, body: SettingsBody, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(site.engine) as conn:
        public = inventory_changes.set_public(conn, actor, organisation, body.public)
    return {"organisation": organisation, "public": public}


@router.get("/inventory/{candidate_id}", summary="A candidate")
def get_candidate(
    site: SiteDep, candidate_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = inventory.get_candidate(conn, actor, candidate_id)
        full = actor.has_role(found.organisation_id, "member")
    return found.as_json(site.settings.public_base, public=not full)


@router.get("/inventory/{candidate_id}/history", summary="A candidate's history (members)")
def candidate_history(
    site: SiteDep, candidate_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = inventory.candidate_history(conn, actor, candidate_id)
    return {"count": len(found), "items": [h.as_json() for h in found]}


@router.put("/inventory/{candidate_id}", summary="Replace a candidate's fields")
def replace_candidate(
    site: SiteDep, candidate_id: str, body: CandidateBody, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(site.engine) as conn:
        found = inventory_changes.update_candidate(conn, actor, candidate_id, body.as_input())
    return found.as_json(site.settings.public_base)


@router.delete("/inventory/{candidate_id}", status_code=204, summary="Remove a candidate")
def delete_candidate(
    site: SiteDep, candidate_id: str, actor: Actor = Depends(current_actor)
) -> Response:
    with write(site.engine) as conn:
        inventory_changes.delete_candidate(conn, actor, candidate_id)
    return Response(status_code=204)


@router.post(
    "/inventory/{candidate_id}/promote",
    status_code=201,
    summary="Make the candidate a draft dataset (its history is kept)",
)
def promote_candidate(
    site: SiteDep, candidate_id: str, body: PromoteBody | None = None,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:  # fmt: skip
    with write(site.engine) as conn:
        dataset = inventory_changes.promote_candidate(
            conn, actor, candidate_id, body.name if body else None
        )
    return dataset.as_json(site.settings.public_base)
