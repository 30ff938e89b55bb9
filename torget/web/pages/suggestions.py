"""Suggestion pages: the list `/suggestions` (filters, sort and pages in the query string, its
Atom feed and JSON linked as alternates), one suggestion's page (status, public reason,
history, votes, follow, comments and, for editors, the status form) and the vote buttons.

The form to suggest a dataset and the editors' status form post to `suggestions_forms`.
Voting is two POST forms (vote, withdraw) because an HTML form cannot send DELETE; both end
on the suggestion's page again, so the page works without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from fastapi import Request, Response

from torget.catalog.organisations import Organisation, all_organisations
from torget.catalog.vocabularies import vocabulary
from torget.db.engine import read, write
from torget.participation import votes
from torget.participation.subjects import get_subject
from torget.participation.suggestion_status import (
    answer_candidates,
    can_change_status,
    next_statuses,
    suggestion_history,
)
from torget.participation.suggestions import (
    STATUSES,
    SuggestionQuery,
    get_suggestion,
    list_suggestions,
)
from torget.publishing.inventory import candidates_of_suggestion
from torget.web.abuse import client_address
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_, Text, localize, pick_language
from torget.web.pages.comments import comments_section
from torget.web.pages.follows import follow_button
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.paging import page_number
from torget.web.pickers import options, organisation_options
from torget.web.rendering import Alternate, flash, render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor

__all__ = [
    "router",
    "ListParams",
    "STATUS_NAMES",
    "STATUS_FIELDS",
    "suggestion_page",
]

router = page_router()
PAGE_SIZE = 20
SORT_NAMES = {"votes": N_("Most votes"), "recent": N_("Newest")}
# The statuses as the pages name them (capitalised, unlike the e-mails' STATUS_LABELS, which
# sit inside sentences).
STATUS_NAMES = {
    "new": N_("New"),
    "under_review": N_("Under review"),
    "planned": N_("Planned"),
    "published": N_("Published"),
    "declined": N_("Declined"),
}
STATUS_FIELDS = (
    Field("status", N_("New status")),
    Field("status_reason", N_("Public note"), hint=N_("Shown on the page and sent to followers. "
          "Required when declining: say why.")),
    Field("dataset", N_("The published dataset that answers it")),
)  # fmt: skip


@dataclass(frozen=True)
class ListParams:
    """The list's filters, order and page, as the query string carries them. Values that name
    nothing (an unknown organisation, theme or status) are dropped rather than refused, so an
    old bookmark still shows a list."""

    organisation: str = ""  # an organisation's name
    theme: str = ""  # an EU data theme's code, e.g. TRAN
    status: str = ""
    sort: str = "votes"
    page: int = 1

    @classmethod
    def from_request(cls, request: Request, orgs: dict[str, Organisation]) -> ListParams:
        query = request.query_params
        organisation = query.get("organisation", "")
        theme = vocabulary("theme").lookup(query.get("theme", "") or "-")
        status, sort, page = query.get("status", ""), query.get("sort", ""), query.get("page", "")
        return cls(
            organisation if any(o.name == organisation for o in orgs.values()) else "",
            theme.code if theme is not None else "",
            status if status in STATUSES else "",
            sort if sort in SORT_NAMES else "votes",
            page_number(page),
        )

    def filters(self) -> list[tuple[str, str]]:
        chosen = [("organisation", self.organisation), ("theme", self.theme)]
        return [(k, v) for k, v in [*chosen, ("status", self.status)] if v]

    def url(self, path: str = "/suggestions", **changes: object) -> str:
        """This list's address, or its feed's (`path`), with some parameters changed."""
        changed = replace(self, **changes)  # type: ignore[arg-type]
        params = changed.filters()
        if changed.sort != "votes":
            params.append(("sort", changed.sort))
        if changed.page != 1:
            params.append(("page", str(changed.page)))
        return path + ("?" + urlencode(params) if params else "")


@router.get("/suggestions")
def list_page(request: Request) -> Response:
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        orgs = all_organisations(conn)
        params = ListParams.from_request(request, orgs)
        query = SuggestionQuery(
            params.organisation or None, params.theme or None, params.status or None,
            "recent" if params.sort == "recent" else "votes",
            (params.page - 1) * PAGE_SIZE, PAGE_SIZE,
        )  # fmt: skip
        found = list_suggestions(conn, query)
    feed = params.url("/suggestions.atom", sort="recent", page=1)
    alternates = (
        Alternate("application/atom+xml", feed, "Atom"),
        Alternate("application/json", params.url("/api/suggestions", page=1), "JSON API"),
    )
    return render(
        request, "suggestions.html", title=N_("Suggestions for data"), alternates=alternates,
        params=params, found=found, last_page=max(1, -(-found.total // PAGE_SIZE)),
        organisations=organisation_options(orgs, None, lang), themes=options("theme", lang, True),
        statuses=STATUS_NAMES, sorts=SORT_NAMES, feed=feed,
    )  # fmt: skip


def suggestion_page(
    request: Request, suggestion_id: str, form: Form | None = None, status: int = 200
) -> Response:
    """One suggestion's page; `form` is the editors' status form when it came back wrong."""
    actor, lang = page_actor(request), pick_language(request)
    with read(request_site(request).engine) as conn:
        suggestion = get_suggestion(conn, suggestion_id)
        editor = can_change_status(actor, suggestion)
        history = suggestion_history(conn, suggestion.id)
        voted = votes.has_voted(conn, actor, suggestion.id)
        subject = get_subject(conn, actor, "suggestion", suggestion.id, ("suggestion",))
        follow = follow_button(conn, actor, subject)
        comments = comments_section(conn, actor, subject)
        candidates = answer_candidates(conn, suggestion) if editor else []
        planned = candidates_of_suggestion(conn, actor, suggestion.id)
    return render(
        request, "suggestion.html", title=Text(suggestion.title, lang), status=status,
        suggestion=suggestion, history=history, voted=voted, follow_button=follow,
        comments_section=comments, editor=editor, statuses=STATUS_NAMES,
        next_statuses=next_statuses(suggestion.status) if editor else (),
        candidates_options=[(d.id, str(localize(d.title, lang))) for d in candidates],
        form=form or Form(), labels=labels(STATUS_FIELDS), planned=planned,
    )  # fmt: skip


@router.get("/suggestions/{suggestion_id}")
def show(request: Request, suggestion_id: str) -> Response:
    return suggestion_page(request, suggestion_id)


def _vote(request: Request, suggestion_id: str, on: bool) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        change = votes.cast_vote if on else votes.withdraw_vote
        state = change(conn, actor, suggestion_id, address=client_address(request))
    flash(request, N_("Thank you for your vote.") if on else N_("Your vote is withdrawn."))
    return redirect(f"/suggestions/{state.suggestion_id}#votes")


@router.post("/suggestions/{suggestion_id}/vote")
def vote(request: Request, suggestion_id: str) -> Response:
    return _vote(request, suggestion_id, on=True)


@router.post("/suggestions/{suggestion_id}/vote/withdraw")
def withdraw(request: Request, suggestion_id: str) -> Response:
    return _vote(request, suggestion_id, on=False)
