"""The versions of a distribution's table in the JSON API (issue 20): each load with what
changed against the one before, the key loads are compared by, a kept version's rows as CSV,
the scheduled refresh's last outcome (editors), and an organisation's retention period.
Thin calls into `torget.datastore.version_store` and `refresh`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from torget.accounts.permissions import Actor
from torget.catalog.organisations import get_organisation
from torget.datastore import access, version_store
from torget.datastore import export as exporting
from torget.datastore import query as querying
from torget.datastore import refresh as refreshing
from torget.db.engine import read, write
from torget.web.auth import current_actor
from torget.web.request_site import SiteDep

router = APIRouter(tags=["datastore"])


class DiffKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: list[str] = Field(
        description="The columns that identify a row across loads; [] compares by whole row."
    )


class Retention(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(description="Days a superseded version of a table stays downloadable.")


@router.get(
    "/api/datastore/{distribution_id}/versions",
    summary="The table's loads, the newest first, with rows added, removed and changed",
)
def versions(
    site: SiteDep, distribution_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    root = site.settings.datastore_path
    with read(site.engine) as conn:
        found = version_store.history(conn, actor, root, distribution_id)
        key = version_store.chosen_key(conn, distribution_id)
        status = refreshing.status_for(conn, actor, distribution_id)
    base = f"{site.settings.public_base}/api/datastore/{distribution_id}/versions"
    return {
        "key": key,
        "refresh": status.as_json() if status else None,
        "versions": [
            {**v.as_json(), "download": f"{base}/{v.job_id}.csv" if v.file else None} for v in found
        ],
    }


@router.get(
    "/api/datastore/{distribution_id}/versions/{job_id}.csv",
    summary="A kept version of the table, as CSV",
)
def version_csv(
    site: SiteDep, distribution_id: str, job_id: str, actor: Actor = Depends(current_actor)
) -> StreamingResponse:
    root = site.settings.datastore_path
    with read(site.engine) as conn:
        table = version_store.version_table(conn, actor, root, distribution_id, job_id)
        name = access.download_name(conn, table, "csv").removesuffix(".csv")
    path = access.download(table, querying.RowQuery(), "csv")
    stamp = table.loaded_at.strftime("%Y%m%dT%H%M%S")
    headers = {"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'}
    return StreamingResponse(
        exporting.stream_file(path, fmt="csv"), media_type=exporting.EXPORTS["csv"], headers=headers
    )


@router.put(
    "/api/datastore/{distribution_id}/diff-key",
    summary="Compare the table's loads by these columns (editors)",
)
def put_diff_key(
    site: SiteDep, distribution_id: str, body: DiffKey, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(site.engine) as conn:
        version_store.set_key(
            conn, actor, site.settings.datastore_path, distribution_id, body.columns
        )
    return {"key": body.columns}


@router.get(
    "/api/organisations/{name}/version-retention",
    summary="Days a superseded version of the organisation's tables stays downloadable",
)
def get_retention(site: SiteDep, name: str) -> dict[str, Any]:
    with read(site.engine) as conn:
        org = get_organisation(conn, name)
        return {"days": version_store.retention_days(conn, org.id)}


@router.put(
    "/api/organisations/{name}/version-retention",
    summary="Set the days superseded versions are kept (the organisation's administrators)",
)
def put_retention(
    site: SiteDep, name: str, body: Retention, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(site.engine) as conn:
        org = get_organisation(conn, name)
        version_store.set_retention(conn, actor, org.id, body.days)
    return {"days": body.days}
