"""Organisation pages: the list of publishers, and one organisation with its datasets."""

from __future__ import annotations

from fastapi import Request, Response

from torget.catalog.dataservices import list_dataservices
from torget.catalog.datasets import list_datasets
from torget.catalog.organisations import all_organisations, get_organisation
from torget.db.engine import read
from torget.specifications.prospects import organisation_specifications
from torget.web.feeds import datasets_feed
from torget.web.i18n import N_, localize, pick_language
from torget.web.pages.routing import page_router
from torget.web.paging import page_number
from torget.web.rendering import Alternate, render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor

__all__ = ["router"]

router = page_router()
PAGE_SIZE = 20


@router.get("/organisations")
def organisations_page(request: Request) -> Response:
    with read(request_site(request).engine) as conn:
        orgs = all_organisations(conn)
    return render(
        request,
        "organisations.html",
        title=N_("Organisations"),
        alternates=[Alternate("application/json", "/api/organisations", "JSON API")],
        tops=[o for o in orgs.values() if o.data.parent is None],
        children={
            o.name: [c for c in orgs.values() if c.data.parent == o.name] for o in orgs.values()
        },
    )


@router.get("/organisation/{name}")
def organisation_page(request: Request, name: str, page: str = "1") -> Response:
    actor = page_actor(request)
    lang = pick_language(request)
    number = page_number(page)
    with read(request_site(request).engine) as conn:
        org = get_organisation(conn, name)
        orgs = all_organisations(conn)
        total, found = list_datasets(
            conn, actor, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE, organisation=org.name
        )
        _, services = list_dataservices(conn, actor, limit=1000)
        specifications = organisation_specifications(conn, actor, org.name)
    title = localize(org.data.title, lang)
    assert title is not None
    return render(
        request,
        "organisation.html",
        title=title,
        alternates=[
            Alternate(
                "application/rdf+xml",
                f"/organisation/{org.name}/datasets/dcat",
                f"{title} (DCAT-AP-SE)",
            ),
            Alternate("application/json", f"/api/organisations/{org.name}", f"{title} (JSON)"),
            Alternate(
                "application/json",
                f"/api/datasets?organisation={org.name}",
                f"{title}: datasets (JSON)",
            ),
            datasets_feed(lang, organisation=[org.name]),
        ],  # fmt: skip
        org=org,
        parent=next((o for o in orgs.values() if o.name == org.data.parent), None),
        children=[o for o in orgs.values() if o.data.parent == org.name],
        datasets=found,
        total=total,
        page=number,
        last_page=max(1, -(-total // PAGE_SIZE)),
        services=[s for s in services if s.organisation_id == org.id],
        can_manage=actor.has_role(org.id, "admin"),
        specifications=specifications,
    )
