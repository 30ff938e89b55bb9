"""Machine-readable representations: the DCAT catalogue and each record's twins.

`/datasets/dcat` is where Sveriges dataportal looks by default (NOTES.md §6): RDF/XML unless
the client asks for Turtle or JSON-LD. Each dataset and data service is at one URL with
`.json`, `.rdf`, `.ttl` and `.jsonld` twins; a browser (which prefers `text/html`) gets the
record's page there instead, and any other client without a preference gets JSON.

The whole catalogue is served from the file `torget.dcat.feed_cache` keeps for the current
state of the catalogue, with its ETag and Last-Modified, so a harvester's conditional fetch is
a 304 read from one small file and a full one a file read. An organisation's catalogue is
streamed batch by batch, holding a database connection only while a batch is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from torget.accounts.permissions import Actor
from torget.catalog.dataservices import get_dataservice
from torget.db.engine import read
from torget.dcat import feed_cache
from torget.dcat.feed import dataservice_document, iter_catalogue
from torget.errors import NotFound
from torget.web.answers_kept import record_answer
from torget.web.auth import current_actor
from torget.web.caching import cache_control, http_date, is_fresh
from torget.web.negotiation import (
    FORMATS,
    accepts_gzip,
    format_param,
    negotiate,
    split_extension,
)
from torget.web.page_threads import in_page_thread
from torget.web.pages.dataservice import dataservice_page
from torget.web.pages.dataset import dataset_page
from torget.web.request_site import request_site
from torget.web.usage import count_use

router = APIRouter(tags=["DCAT"])

_RDF = ("rdf", "ttl", "jsonld")
_ALL = ("json", "rdf", "ttl", "jsonld")
_RECORD = (*_ALL, "html")
_CORS = {"Access-Control-Allow-Origin": "*"}


# 1 MiB a chunk: each goes through a thread and the middleware, which at 256 kB cost half of
# the feed's server CPU at 10,000 datasets (a 46 MB body); 64 readers hold 64 MiB at most.
_READ = 1 << 20


def _media(fmt: str) -> str:
    return FORMATS[fmt] + ("; charset=utf-8" if fmt != "jsonld" else "")


async def _catalogue(request: Request, fmt: str, organisation: str | None = None) -> Response:
    site = request_site(request)
    if organisation is None:
        return await _whole_catalogue(request, fmt)
    # Reads the organisation and the catalogue's dates now (an unknown one is a 404 before
    # any byte), then each batch of datasets when the body gets to it.
    settings = site.settings
    body = await run_in_threadpool(iter_catalogue, site.engine, settings, fmt, organisation)
    return StreamingResponse(body, media_type=_media(fmt), headers={**_CORS, "Vary": "Accept"})


async def _whole_catalogue(request: Request, fmt: str) -> Response:
    """On the event loop: a conditional fetch reads the stamp (a few bytes) and answers 304
    without a thread; only opening (or building) the feed goes to one. A client that accepts
    gzip gets the feed's gzip copy (`feed_cache`): 2.6 MB of 46 MB at 10,000 datasets."""
    site = request_site(request)
    gzipped = accepts_gzip(request.headers.get("accept-encoding", ""))
    version = feed_cache.current(site.settings, fmt, gzipped)
    headers = {
        **_CORS,
        "Vary": "Accept, Accept-Encoding",
        "ETag": version.etag,
        "Last-Modified": http_date(version.modified),
        "Cache-Control": cache_control(request.headers, site.settings.http_cache_max_age),
    }
    if is_fresh(request.headers, version.etag, version.modified):
        return Response(status_code=304, headers=headers)
    # After a change, the newest feed built while the next is built (feed_cache.open_feed),
    # with its own validators: the client may hold it already.
    handle, built = await run_in_threadpool(
        feed_cache.open_feed, site.engine, site.settings, fmt, True, gzipped
    )
    headers["ETag"] = built.etag
    headers["Last-Modified"] = http_date(built.modified)
    if built.behind and is_fresh(request.headers, built.etag, built.modified):
        handle.close()
        return Response(status_code=304, headers=headers)
    if built.gzipped:
        headers["Content-Encoding"] = "gzip"
    headers["Content-Length"] = str(os.fstat(handle.fileno()).st_size)
    return StreamingResponse(_chunks(handle), media_type=_media(fmt), headers=headers)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    """The open file's bytes: it stays readable even if a change removes it meanwhile."""
    with handle:
        while chunk := handle.read(_READ):
            yield chunk


def _pick(request: Request, fmt: str | None, default: str, allowed: tuple[str, ...]) -> str:
    return format_param(fmt, allowed) or negotiate(
        request.headers.get("accept", ""), allowed, default
    )


@router.get(
    "/datasets/dcat",
    summary="The public catalogue in DCAT-AP-SE 3.0.1 (RDF/XML; Turtle or JSON-LD on request)",
)
async def datasets_dcat(request: Request, format: str | None = Query(None)) -> Response:
    return await _catalogue(request, _pick(request, format, "rdf", _RDF))


@router.get("/catalog", summary="The catalogue, content-negotiated")
async def catalog(request: Request, format: str | None = Query(None)) -> Response:
    return await _catalogue(request, _pick(request, format, "rdf", _RDF))


@router.get("/catalog.{ext}", summary="The catalogue as .rdf, .ttl or .jsonld")
async def catalog_file(request: Request, ext: str) -> Response:
    if ext not in _RDF:
        raise NotFound(f"no catalogue format {ext!r}; try .rdf, .ttl or .jsonld")
    return await _catalogue(request, ext)


@router.get(
    "/organisation/{organisation}/datasets/dcat",
    summary="One organisation's catalogue (with its units), for its own harvest source",
)
async def organisation_dcat(
    request: Request, organisation: str, format: str | None = Query(None)
) -> Response:
    return await _catalogue(request, _pick(request, format, "rdf", _RDF), organisation)


def _document(body: bytes | dict[str, object], fmt: str) -> Response:
    if isinstance(body, dict):
        return JSONResponse(body, headers={**_CORS, "Vary": "Accept"})
    media = FORMATS[fmt] + ("; charset=utf-8" if fmt != "jsonld" else "")
    return Response(body, media_type=media, headers={**_CORS, "Vary": "Accept"})


@router.get(
    "/dataset/{ref}", summary="A dataset: JSON, RDF by extension or Accept, HTML for browsers"
)
async def dataset(
    request: Request,
    ref: str,
    format: str | None = Query(None),
    actor: Actor = Depends(current_actor),
) -> Response:
    ref, ext = split_extension(ref, _ALL)
    fmt = ext or _pick(request, format, "json", _RECORD)
    if fmt == "html":  # a few pages at a time per process (web/page_threads.py)
        return await in_page_thread(lambda: dataset_page(request, ref))
    return await _record(request, actor, ref, fmt)


async def _record(request: Request, actor: Actor, ref: str, fmt: str) -> Response:
    # JSON as the JSON API has it, with its due date (issue 20); kept for anonymous callers
    # and then answered on the event loop (answers_kept, issue 21)
    found = await record_answer(request_site(request), actor, ref, fmt)
    count_use(request, "api", dataset_id=found.dataset_ids[0])  # the use statistics
    return found.response({**_CORS, "Vary": "Accept"})


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
