"""Demand for publishers: what the public asks an organisation for, and how fast it answers.

For one organisation (its own suggestions; each unit has its own figures, as each has its own
dashboard section): the open suggestions (new, under review, planned) ranked by votes, then
oldest first, each with the time since it was made; and the answered ones (those with an
`answered_at`) with how long the first answer took, newest answer first, and the median of
those times. Suggestions are public, so demand is too (the dashboard shows it to members; the
API to anyone).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.catalog.organisations import get_organisation
from torget.clock import as_utc, now
from torget.db.schema import suggestions
from torget.participation.suggestions import OPEN_STATUSES

__all__ = ["Asked", "OpenDemand", "AnsweredDemand", "Demand", "organisation_demand"]


@dataclass(frozen=True)
class Asked:
    """A suggestion as the demand lists show it."""

    id: str
    title: str
    status: str  # the current one (an answered suggestion may have been reopened since)
    votes: int
    created_at: dt.datetime

    @property
    def path(self) -> str:
        return f"/suggestions/{self.id}"


@dataclass(frozen=True)
class OpenDemand(Asked):
    age: dt.timedelta  # since the suggestion was made


@dataclass(frozen=True)
class AnsweredDemand(Asked):
    answered_at: dt.datetime
    took: dt.timedelta  # from the suggestion to its first answer


@dataclass(frozen=True)
class Demand:
    organisation_id: str
    organisation_name: str
    open: list[OpenDemand]
    answered: list[AnsweredDemand]
    median_answer_time: dt.timedelta | None  # None until something is answered

    def as_json(self, base: str) -> dict[str, Any]:
        def seconds(value: dt.timedelta) -> int:
            return int(value.total_seconds())

        median = self.median_answer_time
        return {
            "organisation": {"id": self.organisation_id, "name": self.organisation_name},
            "open": [
                {"id": o.id, "title": o.title, "status": o.status, "votes": o.votes,
                 "created_at": o.created_at.isoformat(), "age_seconds": seconds(o.age),
                 "page_url": base + o.path}
                for o in self.open
            ],
            "answered": [
                {"id": a.id, "title": a.title, "status": a.status, "votes": a.votes,
                 "created_at": a.created_at.isoformat(),
                 "answered_at": a.answered_at.isoformat(), "took_seconds": seconds(a.took),
                 "page_url": base + a.path}
                for a in self.answered
            ],
            "median_answer_seconds": seconds(median) if median is not None else None,
        }  # fmt: skip


def organisation_demand(
    conn: sa.Connection, organisation: str, *, at: dt.datetime | None = None
) -> Demand:
    """The demand on one organisation (name or id), as of `at` (now by default)."""
    org = get_organisation(conn, organisation)
    at = at or now()
    s = suggestions.c
    rows = conn.execute(
        sa.select(s.id, s.title, s.status, s.vote_count, s.created_at, s.answered_at)
        .where(s.organisation_id == org.id)
        .order_by(s.vote_count.desc(), s.created_at, s.id)
    ).all()
    still_open = [
        OpenDemand(r.id, r.title, r.status, r.vote_count, as_utc(r.created_at),
                   at - as_utc(r.created_at))
        for r in rows if r.status in OPEN_STATUSES
    ]  # fmt: skip
    answered = sorted(
        (
            AnsweredDemand(r.id, r.title, r.status, r.vote_count, as_utc(r.created_at),
                           as_utc(r.answered_at), as_utc(r.answered_at) - as_utc(r.created_at))
            for r in rows if r.answered_at is not None
        ),
        key=lambda a: (a.answered_at, a.id),
        reverse=True,
    )  # fmt: skip
    median = None
    if answered:
        median = dt.timedelta(seconds=statistics.median(a.took.total_seconds() for a in answered))
    return Demand(org.id, org.name, still_open, answered, median)
