"""JSON API for harvest sources and their runs (docs/harvest.md): an organisation's
administrators add sources and ask for runs; its members read the runs and their reports."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor, Channel
from torget.db.engine import read, write
from torget.errors import NotAuthenticated
from torget.harvest import sources
from torget.harvest.types import SOURCE_TYPES
from torget.publishing.changes import remove_harvest_source
from torget.web.auth import current_actor
from torget.web.request_site import SiteDep

router = APIRouter(prefix="/api/harvest", tags=["harvest"])


class SourceIn(BaseModel):
    organisation: str = Field(description="Short name of the organisation that owns the source.")
    type: str = Field(description=f"One of: {', '.join(SOURCE_TYPES)}.")
    url: str = Field(description="The catalogue's address (for CKAN, the site's).")
    title: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(
        default=None, description="Who gets the report when something fails or is skipped."
    )
    interval_hours: int | None = Field(
        default=None, ge=0, description="Hours between runs; 0 by hand only; default setting."
    )
    on_vanish: Literal["delete", "withdraw"] = "delete"
    publisher_organisations: bool = Field(
        default=False,
        description="Give each publisher the source names an organisation of its own, under "
        "the source's organisation (a regional aggregate's municipalities).",
    )
    load_datastore: bool = Field(
        default=False,
        description="Load the CSV, XLSX and GeoJSON files of harvested datasets into the "
        "datastore (off: the catalogue only, no downloads).",
    )


def _require_user(actor: Actor) -> None:
    if actor.user is None:
        raise NotAuthenticated("log in or send an API token to read harvest sources")


@router.get("/sources", summary="The harvest sources you may read")
def list_sources(site: SiteDep, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    _require_user(actor)
    with read(site.engine) as conn:
        found = sources.list_sources(conn, actor)
        items = [
            {
                **s.as_json(),
                "last_run": _last(conn, s.id),
                "failing": sources.failing_streak(conn, s.id),
            }
            for s in found
        ]
    return {"count": len(items), "items": items}


def _last(conn: Any, source_id: str) -> dict[str, Any] | None:
    runs = sources.runs_of(conn, source_id, 1)
    return runs[0].as_json() if runs else None


@router.post("/sources", status_code=201, summary="Add a harvest source")
def add_source(
    site: SiteDep, body: SourceIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    every = body.interval_hours
    if every is None:
        every = site.settings.harvest_interval_hours
    with write(site.engine) as conn:
        source = sources.add_source(
            conn, actor, organisation=body.organisation, type=body.type, url=body.url,
            known_types=tuple(SOURCE_TYPES), title=body.title, contact_email=body.contact_email,
            interval_hours=every, on_vanish=body.on_vanish,
            publisher_organisations=body.publisher_organisations,
            load_datastore=body.load_datastore,
        )  # fmt: skip
    return source.as_json()


@router.get("/sources/{source_id}", summary="A source with its last runs and their reports")
def show_source(
    site: SiteDep, source_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    _require_user(actor)
    with read(site.engine) as conn:
        source = sources.get_source(conn, actor, source_id)
        runs = sources.runs_of(conn, source.id)
    return {**source.as_json(), "runs": [r.as_json() for r in runs]}


@router.post(
    "/sources/{source_id}/run",
    status_code=202,
    summary="Run the source soon (the worker starts it within a minute)",
)
def run_source(
    site: SiteDep, source_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(site.engine) as conn:
        return sources.run_soon(conn, actor, source_id).as_json()


@router.delete(
    "/sources/{source_id}",
    summary="Remove a source with its runs; its datasets are deleted, or kept as local ones",
)
def remove_source(
    site: SiteDep,
    source_id: str,
    keep_datasets: bool = False,
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    _require_user(actor)
    with write(site.engine) as conn:
        count = remove_harvest_source(
            conn, actor.via(Channel.API), source_id, keep_datasets=keep_datasets
        )
    return {"id": source_id, "datasets": count, "kept": keep_datasets}
