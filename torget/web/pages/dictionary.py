"""The publisher page for a table's data dictionary: what each column means, sv and en.

Editors of the dataset's organisation describe the columns of a distribution's loaded table
here; the form posts to the same `replace_descriptions` as `PUT /api/datastore/{id}/columns`,
so the two cannot disagree about who may write or what is allowed.
"""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.catalog.datasets import Dataset, Distribution, get_dataset, get_distribution
from torget.datastore.dictionary import (
    MAX_DESCRIPTION,
    ColumnDescription,
    DescribedColumn,
    describe_columns,
    descriptions,
    replace_descriptions,
)
from torget.datastore.tables import Table, current_table
from torget.db.engine import read, write
from torget.errors import NotFound, ValidationFailed
from torget.web.forms import Field, Form
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router"]

router = page_router()


def _fields(table: Table) -> list[Field]:
    return [
        Field(f"columns.{i}.description.{lang}")
        for i in range(len(table.columns))
        for lang in ("sv", "en")
    ]


def _load(request: Request, dist_id: str) -> tuple[Distribution, Dataset, Table]:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        dist = get_distribution(conn, actor, dist_id)
        dataset = get_dataset(conn, actor, dist.dataset_id)
        table = current_table(conn, request_site(request).settings.datastore_path, dist_id)
    actor.require(dataset.organisation_id, "editor", "describe the columns of this table")
    if table is None:
        raise NotFound(f"distribution {dist_id!r} has no loaded table (yet)")
    return dist, dataset, table


def _page(
    request: Request,
    form: Form,
    dist: Distribution,
    dataset: Dataset,
    columns: list[DescribedColumn],
    status: int = 200,
) -> Response:
    return render(
        request,
        "dictionary_form.html",
        title=N_("Describe the columns"),
        status=status,
        form=form,
        distribution=dist,
        dataset=dataset,
        columns=columns,
        max_length=MAX_DESCRIPTION,
    )


@router.get("/publish/distribution/{dist_id}/columns")
def dictionary_form(request: Request, dist_id: str) -> Response:
    dist, dataset, table = _load(request, dist_id)
    with read(request_site(request).engine) as conn:
        columns = describe_columns(table.columns, descriptions(conn, dist_id))
    values: dict[str, list[str]] = {}
    for i, column in enumerate(columns):
        if column.description is not None:
            values[f"columns.{i}.description.sv"] = [column.description.sv or ""]
            values[f"columns.{i}.description.en"] = [column.description.en or ""]
    return _page(request, Form(values), dist, dataset, columns)


@router.post("/publish/distribution/{dist_id}/columns")
def save_dictionary(
    request: Request, dist_id: str, data: FormData = Depends(posted_form)
) -> Response:
    dist, dataset, table = _load(request, dist_id)
    form = Form.posted(data, _fields(table))
    items = [
        ColumnDescription(
            c["name"],
            form.value(f"columns.{i}.description.sv"),
            form.value(f"columns.{i}.description.en"),
        )
        for i, c in enumerate(table.columns)
    ]
    try:
        with write(request_site(request).engine) as conn:
            replace_descriptions(conn, signed_in(request), dist_id, items, list(table.column_types))
    except ValidationFailed as exc:
        form.add(exc, _fields(table))
        columns = describe_columns(table.columns, {})
        return _page(request, form, dist, dataset, columns, 422)
    flash(request, N_("The descriptions of the columns are saved."))
    return redirect(f"/dataset/{dataset.name}?preview={dist_id}#columns-heading")
