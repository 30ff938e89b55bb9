"""CKAN's Action API transport: `/api/action/{name}` and `/api/3/action/{name}`.

Read actions answer GET (query parameters) and POST; write actions only POST, with a JSON body
or a multipart form (a file in `upload`), and only with a token: an anonymous write is refused
before its body is read. The token comes in `Authorization` (raw, as CKAN
and ckanapi send it, or `Bearer <token>`) or `X-CKAN-API-Key`; a wrong one is a 403, as in
CKAN. Every answer is CKAN's envelope `{"help", "success", "result" | "error"}`; the actions
themselves are in `torget.ckan`. Nothing here redirects: ckanapi posts without following.
"""

from __future__ import annotations

import json
import mimetypes
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from torget.accounts.permissions import ANONYMOUS, Acting, Channel
from torget.ckan import ACTIONS, BadRequest, Call, Upload, error_response
from torget.ckan.datastore import find_table, search_query
from torget.datastore import access
from torget.datastore import export as exporting
from torget.errors import NotAuthenticated, NotFound
from torget.web.auth import actor_for_token
from torget.web.request_site import request_site
from torget.web.usage import count_ckan, count_use

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
# CKAN's parameters nest a few levels (a package's resources, their extras); far more is an
# attack on the parsers, refused as a bad request.
MAX_DEPTH = 32


def _secret(request: Request) -> str | None:
    header = request.headers.get("authorization", "").strip()
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip()
    return header or request.headers.get("x-ckan-api-key", "").strip() or None


def _actor(request: Request) -> Acting:
    secret = _secret(request)
    actor = ANONYMOUS if secret is None else actor_for_token(request, secret)
    return actor.via(Channel.CKAN)


def _query_params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        if key in params:
            previous = params[key]
            params[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[key] = value
    return params


async def _form(request: Request) -> tuple[dict[str, Any], Upload | None]:
    """The form's fields and its file; the form is closed when the response is sent."""
    params: dict[str, Any] = {}
    upload = None
    form = await request.form()
    request.state.form = form
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            name = value.filename or "file"
            kind = value.content_type or mimetypes.guess_type(name)[0]
            upload = Upload(name, value.file, kind or "application/octet-stream")
        else:
            params[key] = value
    return params, upload


async def _body(request: Request) -> tuple[dict[str, Any], Upload | None]:
    kind = request.headers.get("content-type", "")
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return await _form(request)
    raw = await request.body()
    if not raw.strip():
        return {}, None
    try:
        parsed = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"JSON Error: {exc}") from None
    except RecursionError:  # Python's own JSON parser recurses once per level
        raise BadRequest(f"JSON Error: nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(parsed, dict):
        raise BadRequest("JSON Error: the request body must be a JSON object")
    if _depth(parsed) > MAX_DEPTH:
        raise BadRequest(f"JSON Error: nested deeper than {MAX_DEPTH} levels")
    return parsed, None


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value`, walked without recursion (a parameter
    nested a thousand levels must not exhaust the stack of whatever reads it next)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                todo.extend(
                    (v, level + 1) for v in (item.values() if isinstance(item, dict) else item)
                )
    return deepest


def _envelope(request: Request, name: str, status: int, body: dict[str, Any]) -> JSONResponse:
    base = request_site(request).settings.public_base
    return JSONResponse(
        {"help": f"{base}/api/3/action/help_show?name={name}", **body}, status_code=status
    )


async def _answer(request: Request, name: str) -> JSONResponse:
    action = ACTIONS.get(name)
    if action is None:
        raise BadRequest(f"Action name not known: {name}")
    if request.method == "GET" and not action.read_only:
        raise BadRequest(f"Please use POST method for {name}")
    # Who calls is known from the headers alone, so an anonymous write (an upload above all)
    # is refused before its body is read; `BodyLimit` bounds the body of everyone else's.
    actor = await run_in_threadpool(_actor, request)
    if actor.user is None and not action.read_only:
        raise NotAuthenticated(f"send an API token to call {name}")
    if request.method == "GET":
        params, upload = _query_params(request), None
    else:
        params, upload = await _body(request)
    site = request_site(request)
    call = Call(site.engine, site.settings, site.files, actor, upload, site.sql)
    result = await run_in_threadpool(action.run, call, params)
    count_ckan(request, name, params, result)  # the use statistics (torget.usage)
    return _envelope(request, name, 200, {"success": True, "result": result})


async def _action(request: Request, name: str) -> JSONResponse:
    try:
        return await _answer(request, name)
    except Exception as exc:  # error_response re-raises what is not CKAN's to answer
        status, error = error_response(exc)
        if isinstance(error, str):
            return JSONResponse(error, status_code=status)
        return _envelope(request, name, status, {"success": False, "error": error})
    finally:
        form = getattr(request.state, "form", None)
        if form is not None:
            await form.close()


@router.api_route("/api/action/{name}", methods=["GET", "POST"])
async def action(request: Request, name: str) -> JSONResponse:
    return await _action(request, name)


@router.api_route("/api/3/action/{name}", methods=["GET", "POST"])
async def action_v3(request: Request, name: str) -> JSONResponse:
    return await _action(request, name)


_DUMPS = ("csv", "json")


def _dump_file(request: Request, resource_id: str) -> tuple[str, Any]:
    params = _query_params(request)
    fmt = str(params.pop("format", "csv") or "csv").lower()
    if fmt not in _DUMPS:
        raise NotFound(f"no dump format {fmt!r}; available: {', '.join(_DUMPS)}")
    site = request_site(request)
    call = Call(site.engine, site.settings, site.files, _actor(request), sql=site.sql)
    table = find_table(call, resource_id)
    return fmt, access.download(table, search_query(call, params, table), fmt)


@router.get("/datastore/dump/{resource_id}")
async def datastore_dump(request: Request, resource_id: str) -> Any:
    """A resource's DataStore table as a file (`?format=csv|json`, with `q`, `filters`,
    `fields` and `sort` as in `datastore_search`), streamed."""
    try:
        fmt, path = await run_in_threadpool(_dump_file, request, resource_id)
    except Exception as exc:  # error_response re-raises what is not CKAN's to answer
        status, error = error_response(exc)
        return JSONResponse({"success": False, "error": error}, status_code=status)
    headers = {"Content-Disposition": f'attachment; filename="{resource_id}.{fmt}"'}
    count_use(request, "download", distribution_id=resource_id)
    return StreamingResponse(
        exporting.stream_file(path), media_type=exporting.EXPORTS[fmt], headers=headers
    )
