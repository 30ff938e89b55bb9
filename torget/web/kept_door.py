"""Kept answers given at the door, before routing (issue 21: p99 ≤ 250 ms at 64 connections).

A kept record or search answer known right by its stamps (`answers_kept.kept`) costs a
dictionary look-up and three small file reads. Yet through the router it cost three times as
much: FastAPI matching the route, solving its dependencies and validating the parameters (a
search's fifteen, their defaults deep-copied each time: 36 % of a kept search's CPU on
PostgreSQL), then the endpoint. So this middleware, the innermost (every other middleware
still labels, counts and guards the answer as before), looks for the kept answer of

- `GET /api/datasets/{ref}` and `GET /dataset/{ref}.{json,rdf,ttl,jsonld}` without a query:
  `("record", ref, fmt)`, the key `answers_kept.record_answer` keeps them under, with the
  headers their routes add and their use counted as the routes count it;
- `GET /api/search?…`: `("search", url)` under the use counts' token, as `api_search.search`
  keeps it;

for an anonymous caller (no `Authorization` header) and gives it when there is one, with
its ETag hashed once (`Answer.etag`, as `HttpCaching` hashes it) and a 304 when the caller
has it. Anything
else, and a miss, goes on to the router, which builds, keeps and answers it. A key is only
ever filled by its own route, after that route accepted the request (a bad parameter is a
422 and keeps nothing), so an answer given here is the one the route would give.
"""

from __future__ import annotations

from collections.abc import Hashable

from starlette.datastructures import URL, Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from torget.site import Site
from torget.usage.store import usage_state
from torget.web.answers_kept import RECORDS, SEARCHES, Answer, kept
from torget.web.caching import cache_control, is_fresh
from torget.web.usage import count_use

__all__ = ["KeptAnswers"]

_TWINS = ("json", "rdf", "ttl", "jsonld")
_TWIN_HEADERS = {"Access-Control-Allow-Origin": "*", "Vary": "Accept"}  # as dcat_routes'


def _segment(path: str, prefix: str) -> str | None:
    """The one path segment after `prefix`, or None."""
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :]
    return rest if rest and "/" not in rest else None


def _record_key(path: str) -> tuple[tuple[Hashable, ...], dict[str, str] | None] | None:
    """The kept key of a record's address, and the headers its route adds."""
    ref = _segment(path, "/api/datasets/")
    if ref is not None:
        return ("record", ref, "json"), None
    named = _segment(path, "/dataset/")
    if named is None:
        return None
    ref, dot, ext = named.rpartition(".")
    if not dot or not ref or ext not in _TWINS:
        return None
    return ("record", ref, ext), _TWIN_HEADERS


def _response(scope: Scope, answer: Answer, extra: dict[str, str] | None) -> Response:
    """The answer, with its ETag hashed once (`HttpCaching` then leaves it be, and labels
    it); a 304 when the caller has it, as `HttpCaching` would answer."""
    headers = {**(extra or {}), "etag": answer.etag}
    asked = Headers(scope=scope)
    if not is_fresh(asked, answer.etag):
        return answer.response(headers)
    max_age = scope["app"].state.site.settings.http_cache_max_age
    headers["cache-control"] = cache_control(asked, max_age)
    return Response(status_code=304, headers=headers)


class KeptAnswers:
    """The kept answers of records and searches for anonymous callers, before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            found = self._kept(scope)
            if found is not None:
                answer, headers, counted = found
                if counted:
                    count_use(Request(scope), "api", dataset_id=answer.dataset_ids[0])
                await _response(scope, answer, headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _kept(self, scope: Scope) -> tuple[Answer, dict[str, str] | None, bool] | None:
        if any(name == b"authorization" for name, _ in scope["headers"]):
            return None  # a signed-in caller's answer is built for them
        site: Site = scope["app"].state.site
        path: str = scope["path"]
        if path == "/api/search":
            key = ("search", str(URL(scope=scope)))  # as `str(request.url)` in the route
            found = kept(site, key, usage_state(site.settings), SEARCHES)
            return None if found is None else (found, None, False)
        if scope["query_string"]:
            return None
        record = _record_key(path)
        if record is None:
            return None
        found = kept(site, record[0], None, RECORDS)
        return None if found is None else (found, record[1], True)
