"""JSON API for datasets and their distributions: reads from `torget.catalog.datasets`, every
change through `torget.publishing.changes`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, File, Query, Request, Response, UploadFile

from torget.accounts.permissions import Acting
from torget.catalog import datasets as store
from torget.catalog.model import DatasetIn, DatasetState, DistributionIn
from torget.db.engine import read, write
from torget.publishing import changes
from torget.publishing.settlements import ClassificationIn
from torget.publishing.uploads import Upload, put_distribution_file
from torget.web.answers_kept import record_answer
from torget.web.api_checklist import ClassificationBody
from torget.web.api_freshness import datasets_json
from torget.web.auth import current_actor
from torget.web.paging import Page, page_body, page_params
from torget.web.request_site import SiteDep, request_site
from torget.web.usage import count_use

router = APIRouter(prefix="/api", tags=["datasets"])

Patch = Body(description="The fields to change; the rest stay as they are.")


def _base(request: Request) -> str:
    return str(request_site(request).settings.public_base)


@router.get("/datasets", summary="List datasets")
def list_datasets(
    request: Request,
    page: Page = Depends(page_params),
    organisation: str | None = Query(None, description="Short name of an organisation."),
    state: DatasetState | None = None,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        total, found = store.list_datasets(
            conn, actor, offset=page.offset, limit=page.size, organisation=organisation, state=state
        )
        items = datasets_json(conn, found, _base(request))  # with due dates (issue 20)
    return page_body(request, page, total, items)


class DatasetCreate(DatasetIn):
    """A dataset, with its classification when it is to be published at once (issue 13 B)."""

    classification: ClassificationBody | None = None


@router.post("/datasets", status_code=201, summary="Create a dataset")
def create_dataset(
    request: Request, body: DatasetCreate, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    data = DatasetIn.model_validate(body.model_dump(exclude={"classification"}, exclude_unset=True))
    given = (
        None
        if body.classification is None
        else ClassificationIn(**body.classification.model_dump())
    )
    with write(request_site(request).engine) as conn:
        dataset = changes.create_dataset(conn, actor, data, given)
    return dataset.as_json(_base(request))


@router.get(
    "/datasets/{dataset}",
    summary="Read a dataset (by id or name)",
    response_model=None,
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def get_dataset(
    request: Request, dataset: str, actor: Acting = Depends(current_actor)
) -> Response:
    # With its due date (issue 20); kept for anonymous callers and then answered on the
    # event loop (answers_kept, issue 21).
    found = await record_answer(request_site(request), actor, dataset, "json")
    count_use(request, "api", dataset_id=found.dataset_ids[0])  # the use statistics
    return found.response()


@router.put("/datasets/{dataset}", summary="Replace a dataset's metadata")
def update_dataset(
    request: Request, dataset: str, body: DatasetIn, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        updated = changes.replace_dataset(conn, actor, dataset, body)
    return updated.as_json(_base(request))


@router.patch("/datasets/{dataset}", summary="Change some fields of a dataset")
def patch_dataset(
    request: Request,
    dataset: str,
    body: dict[str, Any] = Patch,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        updated = changes.patch_dataset(conn, actor, dataset, body)
    return updated.as_json(_base(request))


@router.delete("/datasets/{dataset}", status_code=204, summary="Delete a dataset")
def delete_dataset(
    request: Request, dataset: str, actor: Acting = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        changes.delete_dataset(conn, actor, dataset)
    return Response(status_code=204)


@router.get("/datasets/{dataset}/distributions", summary="List a dataset's distributions")
def list_distributions(
    request: Request, dataset: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found = store.get_dataset(conn, actor, dataset).distributions
    items = [d.as_json(_base(request)) for d in found]
    return {"count": len(items), "items": items}


@router.post("/datasets/{dataset}/distributions", status_code=201, summary="Add a distribution")
def add_distribution(
    request: Request, dataset: str, body: DistributionIn, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        dist = changes.add_distribution(conn, actor, dataset, body)
    return dist.as_json(_base(request))


@router.get("/distributions/{distribution}", summary="Read a distribution")
def get_distribution(
    request: Request, distribution: str, actor: Acting = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        return store.get_distribution(conn, actor, distribution).as_json(_base(request))


@router.put("/distributions/{distribution}", summary="Replace a distribution")
def update_distribution(
    request: Request,
    distribution: str,
    body: DistributionIn,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        dist = changes.replace_distribution(conn, actor, distribution, body)
    return dist.as_json(_base(request))


@router.patch("/distributions/{distribution}", summary="Change some fields of a distribution")
def patch_distribution(
    request: Request,
    distribution: str,
    body: dict[str, Any] = Patch,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        dist = changes.patch_distribution(conn, actor, distribution, body)
    return dist.as_json(_base(request))


@router.delete("/distributions/{distribution}", status_code=204, summary="Delete a distribution")
def delete_distribution(
    request: Request, distribution: str, actor: Acting = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        changes.delete_distribution(conn, actor, distribution)
    return Response(status_code=204)


_FILE = File(
    ...,
    description="The file, as multipart/form-data (e.g. `curl -F file=@data.csv`); at most "
    "`upload_max_bytes` (413 with the code `file_too_large` beyond).",
)


@router.post(
    "/distributions/{distribution}/file",
    summary="Upload a distribution's file",
    description="The file becomes the distribution's download URL (`/files/…`), with its byte "
    "size, SHA-1 checksum and, from the file name's extension, format. Editors of the "
    "dataset's organisation only. The file is then loaded into the datastore and scanned for "
    "personal data like every upload; a dataset waiting only for that scan is published when "
    "it passes.",
)
def upload_distribution_file(
    site: SiteDep,
    distribution: str,
    file: UploadFile = _FILE,
    actor: Acting = Depends(current_actor),
) -> dict[str, Any]:
    upload = Upload(filename=file.filename or "data", stream=file.file)
    dist = put_distribution_file(
        site.engine, site.settings, site.files, actor, distribution, upload
    )
    return dist.as_json(site.settings.public_base)
