"""A dataset's page: all its metadata in plain words, its files with their datastore loads,
a preview of the loaded data (table, map, chart, column dictionary: `dataset_preview`), and
how to use it from code.

Served at `/dataset/{id or name}` when the client prefers HTML (see `dcat_routes`), beside the
`.json`, `.rdf`, `.ttl` and `.jsonld` twins that the page links with `<link rel="alternate">`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from fastapi import Request, Response

from torget.accounts.permissions import Actor
from torget.catalog.dataservices import DataService, services_serving
from torget.catalog.datasets import Dataset, Distribution, get_dataset
from torget.catalog.organisations import (
    Organisation,
    all_organisations,
    contact_point_of,
    publisher_of,
)
from torget.catalog.vocabularies import file_types
from torget.db.engine import read
from torget.harvest.origins import Provenance, provenance_of
from torget.publishing.freshness import Freshness, freshness_of
from torget.specifications.conformance import Conformance, conformance_of
from torget.web.i18n import localize, pick_language
from torget.web.licences import LicenceInfo, explain_licence
from torget.web.pages.dataset_kept import (
    SLOTS,
    TOKEN_SLOT,
    DatasetPage,
    fill,
    keeps,
    kept_page,
    volatile_state,
)
from torget.web.pages.dataset_participation import dataset_participation
from torget.web.pages.dataset_preview import (
    DataPreview,
    DatastoreState,
    data_preview,
    datastore_states,
)
from torget.web.pages.load_changes import LoadChanges, load_changes
from torget.web.pages.preview import OPERATORS, PreviewState, parse_state
from torget.web.pages.statistics import recent_use
from torget.web.pages.table_chart import FUNCTIONS
from torget.web.pages.table_map import tile_origin
from torget.web.rendering import SECURITY_HEADERS, Alternate, html_response, page_html
from torget.web.request_site import request_site
from torget.web.sessions import page_actor
from torget.web.usage import count_use

__all__ = ["dataset_page", "record_alternates", "DistributionView"]

MACHINE_FORMATS = (
    ("json", "application/json", "JSON"),
    ("rdf", "application/rdf+xml", "RDF/XML"),
    ("ttl", "text/turtle", "Turtle"),
    ("jsonld", "application/ld+json", "JSON-LD"),
)


@dataclass(frozen=True)
class DistributionView:
    """A distribution with what its page shows worked out: format, licence, link."""

    distribution: Distribution
    format: str
    licence: LicenceInfo
    url: str | None
    is_download: bool
    datastore: DatastoreState
    file_name: str = ""  # what a distribution without a title is called: its file's name


def record_alternates(path: str, what: str) -> list[Alternate]:
    return [
        Alternate(media, f"{path}.{ext}", f"{what} ({name})")
        for ext, media, name in MACHINE_FORMATS
    ]


def _distribution_view(
    dataset: Dataset, dist: Distribution, lang: str, datastore: DatastoreState
) -> DistributionView:
    found = file_types().lookup(dist.data.format)
    name = found.code.replace("_", " ") if found is not None else dist.data.format
    licence = explain_licence(dist.data.license or dataset.data.license, lang)
    url = dist.data.download_url or dist.data.access_url
    file_name = unquote(urlsplit(url or "").path.rsplit("/", 1)[-1]) if url else ""
    return DistributionView(dist, name, licence, url, dist.data.download_url is not None,
                            datastore, file_name if "." in file_name else "")  # fmt: skip


def _csp(tile_url: str) -> dict[str, str]:
    """The page's policy, letting the map's tiles in from their (configured) origin."""
    origin = tile_origin(tile_url)
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    if origin is None:
        return {}
    return {"Content-Security-Policy": policy.replace("img-src 'self'", f"img-src 'self' {origin}")}


def dataset_page(request: Request, ref: str) -> Response:
    request.state.page = True
    actor = page_actor(request)
    site = request_site(request)
    state = parse_state(request.query_params)
    if keeps(request, actor):  # the same for every anonymous reader: kept (dataset_kept)
        page = kept_page(request, lambda: _page(request, actor, ref, state))
    else:
        page = _page(request, actor, ref, state)
    dataset = page.dataset
    published = dataset.state == "published"
    with read(site.engine) as conn:
        use = recent_use(conn, dataset.id, site.settings) if published else None  # issue 14
        participation = dataset_participation(conn, actor, dataset)
    # Sorting, filtering and paging the preview reload the page; they are not new views.
    if published and not state.pairs():
        count_use(request, "view", dataset_id=dataset.id)  # written behind (torget.usage)
    body = fill(request, page, use, participation)
    return html_response(request, body, status=page.status, headers=page.headers)


@dataclass(frozen=True)
class _Read:
    """What the page shows of the catalogue and the datastore, read in one transaction."""

    dataset: Dataset
    volatile: tuple[object, ...]
    orgs: dict[str, Organisation]
    services: list[DataService]
    loads: dict[str, DatastoreState]
    preview: DataPreview | None
    provenance: Provenance | None
    conformance: dict[str, Conformance | None]
    freshness: Freshness
    changes: dict[str, LoadChanges]


def _read(request: Request, actor: Actor, ref: str, state: PreviewState) -> _Read:
    settings, lang = request_site(request).settings, pick_language(request)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
        volatile = volatile_state(conn, dataset.id)  # before what it stands for (dataset_kept)
        dists = dataset.distributions
        loads = datastore_states(conn, actor, settings, dists)
        path = f"/dataset/{dataset.name}"
        return _Read(
            dataset,
            volatile,
            all_organisations(conn),
            services_serving(conn, actor, dataset.id),
            loads,
            data_preview(conn, settings, dists, loads, state, path, lang),
            provenance_of(conn, dataset.id),  # issue 15: a harvested dataset
            {d.id: conformance_of(conn, d.id) for d in dists},  # issue 16
            freshness_of(conn, [dataset.id])[dataset.id],  # issue 20: the due date
            load_changes(conn, actor, settings, dists),  # issue 20
        )


def _page(request: Request, actor: Actor, ref: str, state: PreviewState) -> DatasetPage:
    """The page with its slots (dataset_kept.SLOTS) for what is filled in for each reader."""
    lang = pick_language(request)
    settings = request_site(request).settings
    found = _read(request, actor, ref, state)
    dataset, preview, orgs = found.dataset, found.preview, found.orgs
    path = f"/dataset/{dataset.name}"
    views = [_distribution_view(dataset, d, lang, found.loads[d.id]) for d in dataset.distributions]
    licences = {v.licence for v in views} or {explain_licence(dataset.data.license, lang)}
    title = localize(dataset.data.title, lang)
    assert title is not None
    status = 422 if preview and (preview.problems or preview.chart_problems) else 200
    headers = _csp(settings.map_tile_url) if preview and preview.map else None
    body = page_html(
        request,
        "dataset.html",
        title=title,
        alternates=record_alternates(path, str(title)),
        csrf=TOKEN_SLOT,
        slots=SLOTS,
        dataset=dataset,
        ds=dataset.data,
        organisation=orgs[dataset.organisation_id],
        publisher=publisher_of(orgs, dataset.organisation_id),
        contact=dataset.data.contact_point or contact_point_of(orgs, dataset.organisation_id),
        distributions=views,
        provenance=found.provenance,
        conformance=found.conformance,
        freshness=found.freshness,
        licences=sorted(licences, key=lambda info: info.name),
        services=found.services,
        path=path,
        url=settings.public_base + path,
        machine_formats=MACHINE_FORMATS,
        can_edit=actor.has_role(dataset.organisation_id, "editor"),
        data=preview,
        operators=OPERATORS,
        functions=FUNCTIONS,
        own_files=f"{settings.public_base}/files/",  # counted by /files/, the rest by a ping
        load_changes=found.changes,
    )
    fresh = found.freshness
    until = fresh.due_at if fresh.scheduled and not fresh.overdue else None
    return DatasetPage(dataset, body, status, headers, found.volatile, until)
