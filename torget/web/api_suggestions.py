"""JSON API for dataset suggestions, their votes and statuses, the demand per organisation,
and the suggestions' Atom feed (`/suggestions.atom`, the same filters as the list)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor
from torget.db.engine import read, write
from torget.participation import suggestion_status as status_store
from torget.participation import suggestions as store
from torget.participation import votes as vote_store
from torget.participation.demand import organisation_demand
from torget.participation.suggestion_feed import ATOM_MEDIA_TYPE, FeedInfo, atom_feed
from torget.web.abuse import client_address
from torget.web.auth import current_actor
from torget.web.paging import Page, page_body, page_params
from torget.web.request_site import request_site

router = APIRouter(tags=["suggestions"])

Status = Literal["new", "under_review", "planned", "published", "declined"]
FEED_SIZE = 50
_LIMITS = store.LIMITS


class SuggestionBody(BaseModel):
    title: str = Field(description=f"What data is asked for (at most {_LIMITS['title']} chars).")
    description: str = Field(description=f"What it holds (at most {_LIMITS['description']}).")
    reason: str = Field(description=f"Why it matters (at most {_LIMITS['reason']} characters).")
    organisation: str = Field(description="The organisation it concerns: its name or id.")
    theme: str | None = Field(
        default=None, description="An EU data theme: its code (e.g. TRAN) or IRI."
    )


class StatusBody(BaseModel):
    status: Status
    reason: str | None = Field(
        default=None,
        description=f"Public note; required to decline (at most {_LIMITS['status_reason']}).",
    )
    dataset: str | None = Field(
        default=None, description="Required for `published`: the published dataset's id or name."
    )


def _detail(conn: sa.Connection, actor: Actor, found: store.Suggestion, base: str) -> Any:
    out = found.as_json(base)
    out["voted"] = vote_store.has_voted(conn, actor, found.id)
    out["history"] = [h.as_json() for h in status_store.suggestion_history(conn, found.id)]
    editor = status_store.can_change_status(actor, found)
    out["next_statuses"] = list(status_store.next_statuses(found.status)) if editor else []
    return out


def _query(
    organisation: str | None = Query(None, description="Name or id; its units are included."),
    theme: str | None = Query(None, description="EU data theme code or IRI."),
    status: Status | None = Query(None),
    sort: store.Sort = Query("votes", description="`votes` (most first) or `recent`."),
) -> store.SuggestionQuery:
    return store.SuggestionQuery(organisation, theme, status, sort)


@router.get("/api/suggestions", summary="List dataset suggestions (filters, sort, pages)")
def list_suggestions(
    request: Request,
    query: store.SuggestionQuery = Depends(_query),
    page: Page = Depends(page_params),
) -> dict[str, Any]:
    paged = store.SuggestionQuery(query.organisation, query.theme, query.status, query.sort,
                                  page.offset, page.size)  # fmt: skip
    with read(request_site(request).engine) as conn:
        found = store.list_suggestions(conn, paged)
    base = request_site(request).settings.public_base
    return page_body(request, page, found.total, [s.as_json(base) for s in found.items])


@router.post("/api/suggestions", status_code=201, summary="Suggest a dataset (verified accounts)")
def create_suggestion(
    request: Request, body: SuggestionBody, actor: Actor = Depends(current_actor)
) -> Any:
    data = store.SuggestionIn(body.title, body.description, body.reason, body.organisation,
                              body.theme)  # fmt: skip
    base = request_site(request).settings.public_base
    with write(request_site(request).engine) as conn:
        found = store.create_suggestion(conn, actor, data, address=client_address(request))
        return _detail(conn, actor, found, base)


@router.get("/api/suggestions/{suggestion_id}", summary="A suggestion with its history")
def get_suggestion(
    request: Request, suggestion_id: str, actor: Actor = Depends(current_actor)
) -> Any:
    base = request_site(request).settings.public_base
    with read(request_site(request).engine) as conn:
        return _detail(conn, actor, store.get_suggestion(conn, suggestion_id), base)


@router.post("/api/suggestions/{suggestion_id}/vote", summary="Vote (idempotent)")
def cast_vote(
    request: Request, suggestion_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        state = vote_store.cast_vote(conn, actor, suggestion_id, address=client_address(request))
    return state.as_json()


@router.delete("/api/suggestions/{suggestion_id}/vote", summary="Withdraw your vote (idempotent)")
def withdraw_vote(
    request: Request, suggestion_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    address = client_address(request)
    with write(request_site(request).engine) as conn:
        state = vote_store.withdraw_vote(conn, actor, suggestion_id, address=address)
    return state.as_json()


@router.post(
    "/api/suggestions/{suggestion_id}/status",
    summary="Move a suggestion to another status (editors of its organisation)",
)
def change_status(
    request: Request, suggestion_id: str, body: StatusBody, actor: Actor = Depends(current_actor)
) -> Any:
    change = status_store.StatusChange(body.status, body.reason, body.dataset)
    base = request_site(request).settings.public_base
    with write(request_site(request).engine) as conn:
        found = status_store.change_status(conn, actor, suggestion_id, change)
        return _detail(conn, actor, found, base)


@router.get(
    "/api/organisations/{name}/demand",
    summary="Open suggestions to an organisation by votes, and how long answers took",
)
def demand(request: Request, name: str) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found = organisation_demand(conn, name)
    return found.as_json(request_site(request).settings.public_base)


@router.get(
    "/suggestions.atom",
    summary="Suggestions as an Atom feed (the list's filters; newest first by default)",
    response_class=Response,
    responses={200: {"content": {ATOM_MEDIA_TYPE: {}}}},
)
def suggestions_feed(
    request: Request,
    organisation: str | None = Query(None),
    theme: str | None = Query(None),
    status: Status | None = Query(None),
    sort: store.Sort = Query("recent"),
) -> Response:
    query = store.SuggestionQuery(organisation, theme, status, sort, 0, FEED_SIZE)
    with read(request_site(request).engine) as conn:
        found = store.list_suggestions(conn, query)
    base = request_site(request).settings.public_base
    chosen = {"organisation": organisation, "theme": theme, "status": status}
    params = urlencode(sorted((k, v) for k, v in {**chosen, "sort": sort}.items() if v))
    named = ", ".join(v for v in chosen.values() if v)
    info = FeedInfo(
        title="Torget: suggestions" + (f" ({named})" if named else ""),
        self_url=f"{base}/suggestions.atom?{params}",
        page_url=f"{base}/suggestions?{params}",
    )
    body = atom_feed(info, found.items, base)
    return Response(body, media_type=ATOM_MEDIA_TYPE + "; charset=utf-8")


__all__ = ["router"]
