"""Suggestions: the public asks for a dataset; the organisation concerned answers.

Any verified account suggests a dataset: a title, a description, why it matters, an optional
theme from the EU data-theme vocabulary (DCAT-AP `dcat:theme`, stored as its IRI) and the
organisation it concerns. Over-long fields are refused naming the field and its limit;
suggesting is rate-limited per account and per address (`suggestions_per_day`). Text is kept
as written (line breaks as LF): the pages escape it, the API returns it as JSON strings. The
title is one line and no text may hold a control character (`torget.text`), because the
title goes into e-mail subjects and every text into the Atom feed.

Lists rank by votes (`vote_count`, kept in step with `votes` by `votes.py`) or by recency,
filtered by organisation (with its units, as roles are inherited down the tree), theme and
status, a page at a time. Status changes, their rules and the history are in
`suggestion_status.py`; the e-mails they cause in `suggestion_letters.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.model import DatasetIn, LangText, OrganisationIn
from torget.catalog.organisations import (
    all_organisations,
    get_organisation,
    no_organisation,
    units_of,
)
from torget.catalog.vocabularies import vocabulary
from torget.clock import as_utc, now
from torget.db.schema import datasets, organisations, suggestion_history, suggestions, users
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.events import SuggestionCreated, publish
from torget.ids import is_uuid, new_id
from torget.participation.letters import N_
from torget.ratelimit import Limit, hit
from torget.site_lookup import settings_of
from torget.text import checked_text

__all__ = [
    "STATUSES",
    "OPEN_STATUSES",
    "ANSWERED_STATUSES",
    "STATUS_LABELS",
    "LIMITS",
    "Sort",
    "SuggestionIn",
    "LinkedDataset",
    "Suggestion",
    "SuggestionQuery",
    "SuggestionList",
    "create_suggestion",
    "get_suggestion",
    "list_suggestions",
    "check_text",
    "find_dataset",
]

STATUSES = ("new", "under_review", "planned", "published", "declined")
OPEN_STATUSES = ("new", "under_review", "planned")  # may be voted on; the demand lists them
ANSWERED_STATUSES = ("planned", "published", "declined")  # the first of these sets answered_at
STATUS_LABELS = {
    "new": N_("new"),
    "under_review": N_("under review"),
    "planned": N_("planned"),
    "published": N_("published"),
    "declined": N_("declined"),
}
LIMITS = {"title": 200, "description": 5000, "reason": 2000, "status_reason": 1000}
ONE_LINE = ("title",)  # the other texts may span lines

Sort = Literal["votes", "recent"]


@dataclass
class SuggestionIn:
    title: str
    description: str
    reason: str  # why it matters
    organisation: str  # the organisation's name or id
    theme: str | None = None  # an EU data theme: IRI or code (e.g. "TRAN")


@dataclass(frozen=True)
class LinkedDataset:
    """The published dataset that answers a suggestion."""

    id: str
    name: str
    title: LangText

    @property
    def path(self) -> str:
        return f"/dataset/{self.name}"


@dataclass(frozen=True)
class Suggestion:
    id: str
    organisation_id: str
    organisation_name: str
    organisation_title: LangText
    author_id: str | None  # None once the author's account is erased
    author_name: str | None  # the display name, never the e-mail address
    title: str
    description: str
    reason: str
    theme: str | None  # EU data theme IRI
    status: str
    status_reason: str | None  # public: why declined, what is planned
    dataset: LinkedDataset | None
    vote_count: int
    answered_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def path(self) -> str:
        return f"/suggestions/{self.id}"

    @property
    def is_open(self) -> bool:
        """Open suggestions take votes; published and declined ones do not."""
        return self.status in OPEN_STATUSES

    def as_json(self, base: str) -> dict[str, Any]:
        theme = vocabulary("theme").lookup(self.theme) if self.theme else None
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "reason": self.reason,
            "theme": self.theme,
            "theme_label": {"sv": theme.label_sv, "en": theme.label_en} if theme else None,
            "organisation": {
                "id": self.organisation_id,
                "name": self.organisation_name,
                "title": self.organisation_title.model_dump(mode="json"),
            },
            "author": self.author_name,
            "status": self.status,
            "status_reason": self.status_reason,
            "votes": self.vote_count,
            "dataset": (
                {
                    "id": self.dataset.id,
                    "name": self.dataset.name,
                    "title": self.dataset.title.model_dump(mode="json"),
                    "url": base + self.dataset.path,
                }
                if self.dataset
                else None
            ),  # fmt: skip
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "page_url": base + self.path,
            "api_url": f"{base}/api/suggestions/{self.id}",
        }


@dataclass(frozen=True)
class SuggestionQuery:
    organisation: str | None = None  # name or id; its units are included
    theme: str | None = None  # IRI or code
    status: str | None = None
    sort: Sort = "votes"
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class SuggestionList:
    total: int
    items: list[Suggestion]


# --- Reading ---------------------------------------------------------------------------------


def _select() -> sa.Select[Any]:
    author = sa.func.coalesce(users.c.fullname, users.c.name).label("author_name")
    return (
        sa.select(
            suggestions, author,
            organisations.c.name.label("organisation_name"),
            organisations.c.data.label("organisation_data"),
            datasets.c.name.label("dataset_name"), datasets.c.data.label("dataset_data"),
        )
        .join(organisations, organisations.c.id == suggestions.c.organisation_id)
        .outerjoin(users, users.c.id == suggestions.c.author_id)
        .outerjoin(datasets, datasets.c.id == suggestions.c.dataset_id)
    )  # fmt: skip


def _from_row(row: sa.Row[Any]) -> Suggestion:
    m = row._mapping
    org_title = OrganisationIn.model_validate_json(m["organisation_data"]).title
    linked = None
    if m["dataset_id"] is not None and m["dataset_name"] is not None:
        title = DatasetIn.model_validate_json(m["dataset_data"]).title
        linked = LinkedDataset(m["dataset_id"], m["dataset_name"], title)
    answered = m["answered_at"]
    return Suggestion(
        m["id"], m["organisation_id"], m["organisation_name"], org_title, m["author_id"],
        m["author_name"], m["title"], m["description"], m["reason"], m["theme"], m["status"],
        m["status_reason"], linked, int(m["vote_count"]),
        as_utc(answered) if answered is not None else None,
        as_utc(m["created_at"]), as_utc(m["updated_at"]),
    )  # fmt: skip


def get_suggestion(conn: sa.Connection, suggestion_id: str) -> Suggestion:
    """A suggestion by id; every suggestion is public."""
    row = conn.execute(_select().where(suggestions.c.id == suggestion_id)).first()
    if row is None:
        raise NotFound(f"no suggestion {suggestion_id!r}")
    return _from_row(row)


def _theme_iri(field: str, value: str) -> str:
    concept = vocabulary("theme").lookup(value)
    if concept is None:
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    "not an EU data theme",
                    allowed=vocabulary("theme").codes(),
                    code="not_a_theme",
                    params={"value": value},
                )
            ]
        )
    return concept.iri


def _organisation_id(conn: sa.Connection, field: str, ref: str) -> str:
    try:
        return get_organisation(conn, ref.strip()).id
    except NotFound:
        raise no_organisation(field, ref) from None


def _filters(conn: sa.Connection, query: SuggestionQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if query.organisation:
        org_id = _organisation_id(conn, "organisation", query.organisation)
        where.append(suggestions.c.organisation_id.in_(units_of(all_organisations(conn), org_id)))
    if query.theme:
        where.append(suggestions.c.theme == _theme_iri("theme", query.theme))
    if query.status:
        if query.status not in STATUSES:
            raise ValidationFailed(
                [
                    FieldError(
                        "status", "unknown status", allowed=list(STATUSES), code="unknown_status"
                    )
                ]
            )
        where.append(suggestions.c.status == query.status)
    return where


def list_suggestions(conn: sa.Connection, query: SuggestionQuery) -> SuggestionList:
    """One page of suggestions, most votes (then newest) first or newest first."""
    where = _filters(conn, query)
    total = conn.execute(
        sa.select(sa.func.count()).select_from(suggestions).where(sa.true(), *where)
    ).scalar_one()
    order = [suggestions.c.created_at.desc(), suggestions.c.id.desc()]
    if query.sort == "votes":
        order.insert(0, suggestions.c.vote_count.desc())
    rows = conn.execute(
        _select().where(sa.true(), *where).order_by(*order).offset(query.offset).limit(query.limit)
    )
    return SuggestionList(int(total), [_from_row(r) for r in rows])


# --- Writing ---------------------------------------------------------------------------------


def check_text(errors: list[FieldError], field: str, value: str, required: bool = True) -> str:
    """The trimmed text of a suggestion's field, within its limit (`torget.text.checked_text`)."""
    return checked_text(
        errors, field, value, LIMITS[field], lines=field not in ONE_LINE, required=required
    )


def find_dataset(conn: sa.Connection, ref: str) -> LinkedDataset | None:
    """The published dataset with this id or name, if there is one."""
    key = datasets.c.id if is_uuid(ref) else datasets.c.name
    row = conn.execute(
        sa.select(datasets.c.id, datasets.c.name, datasets.c.data).where(
            (key == ref.strip()) & (datasets.c.state == "published")
        )
    ).first()
    if row is None:
        return None
    return LinkedDataset(row.id, row.name, DatasetIn.model_validate_json(row.data).title)


def _refusals(check: Callable[[], str]) -> tuple[str | None, list[FieldError]]:
    try:
        return check(), []
    except ValidationFailed as refused:
        return None, refused.errors


def _checked(conn: sa.Connection, data: SuggestionIn) -> tuple[dict[str, Any], str]:
    """The row's values and the organisation's id; every problem at once."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "title": check_text(errors, "title", data.title),
        "description": check_text(errors, "description", data.description),
        "reason": check_text(errors, "reason", data.reason),
        "theme": None,
    }
    if (data.theme or "").strip():
        values["theme"], refused = _refusals(lambda: _theme_iri("theme", data.theme or ""))
        errors += refused
    org_id, refused = _refusals(lambda: _organisation_id(conn, "organisation", data.organisation))
    errors += refused
    if errors or org_id is None:
        raise ValidationFailed(errors)
    return values, org_id


def create_suggestion(
    conn: sa.Connection, actor: Actor, data: SuggestionIn, *, address: str
) -> Suggestion:
    """Suggest a dataset (verified accounts; rate-limited per account and per `address`)."""
    actor.require_verified("suggest datasets")
    assert actor.user is not None
    values, org_id = _checked(conn, data)
    limit = Limit("suggestion", settings_of(conn).suggestions_per_day, 24 * 3600)
    hit(conn, limit, f"user:{actor.user.id}")
    hit(conn, limit, f"ip:{address}")
    suggestion_id, stamp = new_id(), now()
    conn.execute(
        suggestions.insert().values(
            id=suggestion_id, organisation_id=org_id, author_id=actor.user.id, status="new",
            vote_count=0, created_at=stamp, updated_at=stamp, **values,
        )
    )  # fmt: skip
    conn.execute(
        suggestion_history.insert().values(
            id=new_id(), suggestion_id=suggestion_id, actor_id=actor.user.id, from_status=None,
            to_status="new", created_at=stamp,
        )
    )  # fmt: skip
    publish(conn, SuggestionCreated(suggestion_id))
    return get_suggestion(conn, suggestion_id)
