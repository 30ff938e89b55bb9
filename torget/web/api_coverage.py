"""The JSON API of coverage (issue 16, part 6): who publishes a specification and in which
municipalities, and which specifications an organisation publishes and which it could."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from torget.accounts.permissions import Actor
from torget.db.engine import read
from torget.specifications import get_specification
from torget.specifications.coverage import specification_coverage
from torget.specifications.prospects import organisation_specifications
from torget.web.auth import current_actor
from torget.web.request_site import SiteDep

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["specifications"])


@router.get(
    "/specifications/{name}/{version}/coverage",
    summary="Who publishes the specification: each publication, and each municipality's result",
)
def specification(site: SiteDep, name: str, version: str) -> dict[str, Any]:
    with read(site.engine) as conn:
        spec = get_specification(conn, name, version)
        found = specification_coverage(conn, site.settings, spec)
    return found.as_json()


@router.get(
    "/organisations/{organisation}/specifications",
    summary="The specifications an organisation publishes, and those it could publish",
)
def organisation(site: SiteDep, organisation: str,
                 actor: Actor = Depends(current_actor)) -> dict[str, Any]:  # fmt: skip
    with read(site.engine) as conn:
        return organisation_specifications(conn, actor, organisation).as_json()
