"""A data service's page: what the API serves, where it is, and its terms.

Served at `/dataservice/{id or name}` when the client prefers HTML (see `dcat_routes`), beside
its machine-readable twins.
"""

from __future__ import annotations

from fastapi import Request, Response

from torget.catalog.dataservices import get_dataservice
from torget.catalog.datasets import Dataset, get_dataset
from torget.catalog.organisations import all_organisations, contact_point_of
from torget.db.engine import read
from torget.errors import NotFound
from torget.web.i18n import localize, pick_language
from torget.web.licences import explain_licence
from torget.web.pages.dataset import MACHINE_FORMATS, record_alternates
from torget.web.rendering import render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor

__all__ = ["dataservice_page"]


def dataservice_page(request: Request, ref: str) -> Response:
    request.state.page = True
    actor = page_actor(request)
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        service = get_dataservice(conn, actor, ref)
        orgs = all_organisations(conn)
        served: list[Dataset] = []
        for dataset_id in service.data.serves_datasets:
            try:
                served.append(get_dataset(conn, actor, dataset_id))
            except NotFound:
                continue  # a draft the reader may not see
    path = f"/dataservice/{service.data.name}"
    title = localize(service.data.title, lang)
    assert title is not None
    return render(
        request,
        "dataservice.html",
        title=title,
        alternates=record_alternates(path, str(title)),
        service=service,
        s=service.data,
        organisation=orgs[service.organisation_id],
        contact=service.data.contact_point or contact_point_of(orgs, service.organisation_id),
        licence=explain_licence(service.data.license, lang),
        served=served,
        path=path,
        machine_formats=MACHINE_FORMATS,
        can_edit=actor.has_role(service.organisation_id, "editor"),
    )
