"""Machine-readable representations: the DCAT catalogue and each record's twins.

`/datasets/dcat` is where Sveriges dataportal looks by default (NOTES.md §6): RDF/XML unless
the client asks for Turtle or JSON-LD. Each dataset and data service is at one URL with
`.json`, `.rdf`, `.ttl` and `.jsonld` twins; a browser (which prefers `text/html`) gets the
record's page there instead, and any other client without a preference gets JSON.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from torget.accounts.permissions import Actor
from torget.catalog.dataservices import get_dataservice
from torget.catalog.datasets import get_dataset
from torget.db.engine import read
from torget.dcat.feed import dataservice_document, dataset_document, iter_catalogue
from torget.errors import NotFound
from torget.web.auth import current_actor
from torget.web.negotiation import FORMATS, format_param, negotiate, split_extension
from torget.web.pages.dataservice import dataservice_page
from torget.web.pages.dataset import dataset_page
from torget.web.request_site import request_site

router = APIRouter(tags=["DCAT"])

_RDF = ("rdf", "ttl", "jsonld")
_ALL = ("json", "rdf", "ttl", "jsonld")
_RECORD = (*_ALL, "html")
_CORS = {"Access-Control-Allow-Origin": "*"}


def _catalogue(request: Request, fmt: str, organisation: str | None = None) -> StreamingResponse:
    engine = request_site(request).engine
    settings = request_site(request).settings
    with read(engine) as conn:  # fail early (unknown organisation) with a proper status
        iter_catalogue(conn, settings, fmt, organisation)

    def body() -> Iterator[bytes]:
        with read(engine) as conn:
            yield from iter_catalogue(conn, settings, fmt, organisation)

    media = FORMATS[fmt] + ("; charset=utf-8" if fmt != "jsonld" else "")
    return StreamingResponse(body(), media_type=media, headers={**_CORS, "Vary": "Accept"})


def _pick(request: Request, fmt: str | None, default: str, allowed: tuple[str, ...]) -> str:
    return format_param(fmt, allowed) or negotiate(
        request.headers.get("accept", ""), allowed, default
    )


@router.get(
    "/datasets/dcat",
    summary="The public catalogue in DCAT-AP-SE 3.0.1 (RDF/XML; Turtle or JSON-LD on request)",
)
def datasets_dcat(request: Request, format: str | None = Query(None)) -> Response:
    return _catalogue(request, _pick(request, format, "rdf", _RDF))


@router.get("/catalog", summary="The catalogue, content-negotiated")
def catalog(request: Request, format: str | None = Query(None)) -> Response:
    return _catalogue(request, _pick(request, format, "rdf", _RDF))


@router.get("/catalog.{ext}", summary="The catalogue as .rdf, .ttl or .jsonld")
def catalog_file(request: Request, ext: str) -> Response:
    if ext not in _RDF:
        raise NotFound(f"no catalogue format {ext!r}; try .rdf, .ttl or .jsonld")
    return _catalogue(request, ext)


@router.get(
    "/organisation/{organisation}/datasets/dcat",
    summary="One organisation's catalogue (with its units), for its own harvest source",
)
def organisation_dcat(
    request: Request, organisation: str, format: str | None = Query(None)
) -> Response:
    return _catalogue(request, _pick(request, format, "rdf", _RDF), organisation)


def _document(body: bytes | dict[str, object], fmt: str) -> Response:
    if isinstance(body, dict):
        return JSONResponse(body, headers={**_CORS, "Vary": "Accept"})
    media = FORMATS[fmt] + ("; charset=utf-8" if fmt != "jsonld" else "")
    return Response(body, media_type=media, headers={**_CORS, "Vary": "Accept"})


@router.get(
    "/dataset/{ref}", summary="A dataset: JSON, RDF by extension or Accept, HTML for browsers"
)
def dataset(
    request: Request,
    ref: str,
    format: str | None = Query(None),
    actor: Actor = Depends(current_actor),
) -> Response:
    ref, ext = split_extension(ref, _ALL)
    fmt = ext or _pick(request, format, "json", _RECORD)
    if fmt == "html":
        return dataset_page(request, ref)
    settings = request_site(request).settings
    with read(request_site(request).engine) as conn:
        found = get_dataset(conn, actor, ref)
        if fmt == "json":
            return _document(found.as_json(settings.public_base), fmt)
        return _document(dataset_document(conn, settings, found, fmt), fmt)


@router.get(
    "/dataservice/{ref}",
    summary="A data service: JSON, RDF by extension or Accept, HTML for browsers",
)
def dataservice(
    request: Request,
    ref: str,
    format: str | None = Query(None),
    actor: Actor = Depends(current_actor),
) -> Response:
    ref, ext = split_extension(ref, _ALL)
    fmt = ext or _pick(request, format, "json", _RECORD)
    if fmt == "html":
        return dataservice_page(request, ref)
    settings = request_site(request).settings
    with read(request_site(request).engine) as conn:
        found = get_dataservice(conn, actor, ref)
        if fmt == "json":
            return _document(found.as_json(settings.public_base), fmt)
        return _document(dataservice_document(conn, settings, found, fmt), fmt)
