"""JSON API for a dataset's publishing checklist (issue 13 B): read it, and settle its items:
classification, a licence's justification, a second person's approval, the sign-off of
personal data found in a distribution, and an organisation's four-eyes rule. Every refusal
carries its code; the rules are in `torget.publishing`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from torget.accounts.permissions import Acting, Actor
from torget.catalog import datasets as store
from torget.db.engine import read, write
from torget.publishing import guard, settlements
from torget.publishing.checklist import checklist
from torget.web.auth import current_actor
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["publishing"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClassificationBody(_Body):
    confidentiality: int = Field(description="0 (open), 1 or 2; only 0 may be published.")
    integrity: int = Field(description="0, 1 or 2.")
    availability: int = Field(description="0, 1 or 2.")
    reason: str = Field(description="Why these levels, in a sentence or two.", max_length=4000)


class JustificationBody(_Body):
    justification: str = Field(max_length=4000)


class FourEyesBody(_Body):
    four_eyes: bool


def _checklist(conn: Any, actor: Actor, ref: str) -> dict[str, Any]:
    dataset = store.get_dataset(conn, actor, ref)
    actor.require(dataset.organisation_id, "member", "read this dataset's checklist")
    return checklist(conn, dataset, actor).as_json()


@router.get("/datasets/{dataset}/checklist", summary="A dataset's publishing checklist")
def get_checklist(
    request: Request, dataset: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        return _checklist(conn, actor, dataset)


@router.put("/datasets/{dataset}/classification", summary="Classify a dataset")
def put_classification(
    request: Request, dataset: str, body: ClassificationBody, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        settlements.classify(conn, actor, dataset, **body.model_dump())
        return _checklist(conn, actor, dataset)


@router.put("/datasets/{dataset}/licence-justification", summary="Justify another licence")
def put_licence_justification(
    request: Request, dataset: str, body: JustificationBody, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        settlements.justify_licence(conn, actor, dataset, body.justification)
        return _checklist(conn, actor, dataset)


@router.post("/datasets/{dataset}/approval", summary="Approve a publication (four eyes)")
def post_approval(
    request: Request, dataset: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        settlements.approve(conn, actor, dataset)
        return _checklist(conn, actor, dataset)


@router.post(
    "/distributions/{distribution}/personal-data-signoff",
    summary="Sign off the personal data found in a distribution (organisation admins)",
)
def post_signoff(
    request: Request,
    distribution: str,
    body: JustificationBody,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        guard.sign_off(conn, actor, distribution, body.justification)
        dataset_id = store.get_distribution(conn, actor, distribution).dataset_id
        return _checklist(conn, actor, dataset_id)


@router.put("/organisations/{organisation}/publishing", summary="An organisation's four-eyes rule")
def put_publishing_settings(
    request: Request, organisation: str, body: FourEyesBody, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        return {"four_eyes": settlements.set_four_eyes(conn, actor, organisation, body.four_eyes)}
