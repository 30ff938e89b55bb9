"""An organisation's inventory: the datasets it means to publish, before they are drafts.

Step A of the publishing routine (identify and prioritise; issue 13). Each candidate has a
title, the department that owns the data, a description, its societal benefit, the public's
demand (suggestions linked to it and their votes), an estimated effort, a high-value category
and a contact (`inventory_fields`), and a priority that shows its reasons
(`inventory_priority`). This module reads it; `inventory_changes` changes it (a candidate
becomes a draft dataset in one step there, and keeps the dataset's id), and every change is
written to `inventory_history` in the same transaction; the history outlives the candidate.

Editors of an organisation (roles inherited down the tree) manage its inventory; its members
read it. The public reads it only when an administrator has made it public (off by default),
and then without the contact: a person's name and address are for the organisation's own
use. Spreadsheet import and export are in `inventory_files`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.organisations import Organisation, get_organisation
from torget.clock import as_utc
from torget.db.schema import (
    datasets,
    inventory_candidate_suggestions,
    inventory_candidates,
    inventory_history,
    inventory_settings,
    suggestions,
    users,
)
from torget.errors import NotFound
from torget.publishing.inventory_fields import CandidateIn
from torget.publishing.inventory_priority import Priority, priority

__all__ = [
    "LinkedSuggestion",
    "Candidate",
    "Inventory",
    "HistoryEntry",
    "read_inventory",
    "candidates_of",
    "organisation_of",
    "get_candidate",
    "candidate_history",
    "is_public",
    "candidates_of_suggestion",
]

c = inventory_candidates.c


@dataclass(frozen=True)
class LinkedSuggestion:
    id: str
    title: str
    status: str
    votes: int

    @property
    def path(self) -> str:
        return f"/suggestions/{self.id}"


@dataclass(frozen=True)
class Candidate:
    id: str
    organisation_id: str
    organisation_name: str
    title_sv: str
    title_en: str | None
    department: str | None
    description: str | None
    benefits: tuple[str, ...]
    effort: str | None
    hvd_category: str | None
    contact_name: str | None
    contact_email: str | None
    dataset_id: str | None  # the draft (or dataset) it became
    dataset_name: str | None
    promoted_at: dt.datetime | None
    suggestions: tuple[LinkedSuggestion, ...]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def votes(self) -> int:
        return sum(s.votes for s in self.suggestions)

    @property
    def priority(self) -> Priority:
        return priority(
            hvd_category=self.hvd_category,
            suggestions=len(self.suggestions),
            votes=self.votes,
            benefits=self.benefits,
            effort=self.effort,
        )

    def as_input(self) -> CandidateIn:
        """The candidate as it would be typed: what an import row changes starts from."""
        return CandidateIn(
            self.title_sv,
            self.title_en or "",
            self.department or "",
            self.description or "",
            list(self.benefits),
            self.effort or "",
            self.hvd_category or "",
            self.contact_name or "",
            self.contact_email or "",
            [s.id for s in self.suggestions],
        )

    def as_json(self, base: str, *, public: bool = False) -> dict[str, Any]:
        """The API's form; `public` leaves the contact out (the public inventory)."""
        out: dict[str, Any] = {
            "id": self.id,
            "organisation": self.organisation_name,
            "title": {"sv": self.title_sv, "en": self.title_en},
            "department": self.department,
            "description": self.description,
            "benefits": list(self.benefits),
            "effort": self.effort,
            "hvd_category": self.hvd_category,
            "suggestions": [
                {
                    "id": s.id,
                    "title": s.title,
                    "status": s.status,
                    "votes": s.votes,
                    "url": base + s.path,
                }
                for s in self.suggestions
            ],
            "votes": self.votes,
            "priority": self.priority.as_json(),
            "dataset": (
                {
                    "id": self.dataset_id,
                    "name": self.dataset_name,
                    "url": f"{base}/dataset/{self.dataset_name}",
                }
                if self.dataset_id and self.dataset_name
                else None
            ),
            "promoted_at": self.promoted_at.isoformat() if self.promoted_at else None,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }
        if not public:
            out["contact"] = {"name": self.contact_name, "email": self.contact_email}
        return out


@dataclass(frozen=True)
class Inventory:
    organisation: Organisation
    public: bool  # the organisation has made it public
    full: bool  # the reader is a member: contacts and history included
    candidates: list[Candidate]  # highest priority first

    def as_json(self, base: str) -> dict[str, Any]:
        return {
            "organisation": self.organisation.name,
            "public": self.public,
            "count": len(self.candidates),
            "items": [x.as_json(base, public=not self.full) for x in self.candidates],
        }


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    candidate_id: str
    actor_name: str | None  # None for the command line or an erased account
    action: str
    changes: dict[str, list[Any]]  # field → [before, after]
    dataset_id: str | None
    created_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "candidate": self.candidate_id,
            "actor": self.actor_name,
            "action": self.action,
            "changes": self.changes,
            "dataset": self.dataset_id,
            "created_at": self.created_at.isoformat(),
        }


# --- Reading ---------------------------------------------------------------------------------


def is_public(conn: sa.Connection, organisation_id: str) -> bool:
    found = conn.execute(
        sa.select(inventory_settings.c.public).where(
            inventory_settings.c.organisation_id == organisation_id
        )
    ).scalar_one_or_none()
    return bool(found)


def _readable(conn: sa.Connection, actor: Actor, org: Organisation) -> tuple[bool, bool]:
    """(public, full) for a reader of `org`'s inventory; nobody else learns it exists."""
    public, full = is_public(conn, org.id), actor.has_role(org.id, "member")
    if not (public or full):
        raise NotFound(
            f"{org.name} has no public inventory",
            code="inventory_not_public",
            params={"organisation": org.name},
        )
    return public, full


def _links(conn: sa.Connection, where: sa.ColumnElement[bool]) -> dict[str, list[LinkedSuggestion]]:
    """The suggestions linked to the candidates `where` selects (joined, not listed by id, so
    an inventory of any size is one query)."""
    link, s = inventory_candidate_suggestions.c, suggestions.c
    rows = conn.execute(
        sa.select(link.candidate_id, s.id, s.title, s.status, s.vote_count)
        .join(suggestions, s.id == link.suggestion_id)
        .join(inventory_candidates, c.id == link.candidate_id)
        .where(where)
        .order_by(s.vote_count.desc(), s.id)
    )
    found: dict[str, list[LinkedSuggestion]] = {}
    for r in rows:
        found.setdefault(r.candidate_id, []).append(
            LinkedSuggestion(r.id, r.title, r.status, int(r.vote_count))
        )
    return found


def candidates_of(
    conn: sa.Connection, org: Organisation, where: sa.ColumnElement[bool]
) -> list[Candidate]:
    mine = sa.and_(c.organisation_id == org.id, where)
    rows = conn.execute(
        sa.select(inventory_candidates, datasets.c.name.label("dataset_name"))
        .outerjoin(datasets, datasets.c.id == c.dataset_id)
        .where(mine)
    ).all()
    links = _links(conn, mine)
    found = [_candidate(r, org, links.get(r.id, [])) for r in rows]
    return sorted(found, key=lambda x: (-x.priority.score, x.title_sv.casefold(), x.id))


def _candidate(row: sa.Row[Any], org: Organisation, linked: list[LinkedSuggestion]) -> Candidate:
    m = row._mapping
    promoted = m["promoted_at"]
    return Candidate(
        m["id"],
        org.id,
        org.name,
        m["title_sv"],
        m["title_en"],
        m["department"],
        m["description"],
        tuple(json.loads(m["benefits"])),
        m["effort"],
        m["hvd_category"],
        m["contact_name"],
        m["contact_email"],
        m["dataset_id"],
        m["dataset_name"],
        as_utc(promoted) if promoted else None,
        tuple(linked),
        as_utc(m["created_at"]),
        as_utc(m["updated_at"]),
    )


def read_inventory(conn: sa.Connection, actor: Actor, organisation: str) -> Inventory:
    """An organisation's candidates, highest priority first (members; anyone when public)."""
    org = get_organisation(conn, organisation)
    public, full = _readable(conn, actor, org)
    return Inventory(org, public, full, candidates_of(conn, org, sa.true()))


def organisation_of(conn: sa.Connection, candidate_id: str, *, lock: bool = False) -> Organisation:
    query = sa.select(c.organisation_id).where(c.id == candidate_id)
    org_id = conn.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if org_id is None:
        raise NotFound(
            f"no inventory candidate {candidate_id!r}",
            code="unknown_candidate",
            params={"value": candidate_id},
        )
    return get_organisation(conn, org_id)


def get_candidate(conn: sa.Connection, actor: Actor, candidate_id: str) -> Candidate:
    org = organisation_of(conn, candidate_id)
    _readable(conn, actor, org)
    return candidates_of(conn, org, c.id == candidate_id)[0]


def candidate_history(conn: sa.Connection, actor: Actor, candidate_id: str) -> list[HistoryEntry]:
    """What happened to a candidate, oldest first, also once it is removed (members of its
    organisation)."""
    h = inventory_history.c
    org_id = conn.execute(
        sa.select(h.organisation_id).where(h.candidate_id == candidate_id).limit(1)
    ).scalar_one_or_none()
    if org_id is None:
        org_id = organisation_of(conn, candidate_id).id
    actor.require(org_id, "member", "read the inventory's history")
    h = inventory_history.c
    rows = conn.execute(
        sa.select(
            inventory_history, sa.func.coalesce(users.c.fullname, users.c.name).label("actor_name")
        )
        .outerjoin(users, users.c.id == h.actor_id)
        .where(h.candidate_id == candidate_id)
        .order_by(h.created_at, h.id)
    )
    return [
        HistoryEntry(
            r.id,
            r.candidate_id,
            r.actor_name,
            r.action,
            json.loads(r.changes),
            r.dataset_id,
            as_utc(r.created_at),
        )
        for r in rows
    ]


def candidates_of_suggestion(
    conn: sa.Connection, actor: Actor, suggestion_id: str
) -> list[tuple[Organisation, Candidate]]:
    """The candidates a suggestion is linked to that `actor` may see (public inventories,
    and those of the reader's own organisations)."""
    link = inventory_candidate_suggestions.c
    rows = conn.execute(
        sa.select(c.id, c.organisation_id)
        .join(inventory_candidate_suggestions, link.candidate_id == c.id)
        .where(link.suggestion_id == suggestion_id)
    ).all()
    found = []
    for row in rows:
        org = get_organisation(conn, row.organisation_id)
        if actor.has_role(org.id, "member") or is_public(conn, org.id):
            found += [(org, x) for x in candidates_of(conn, org, c.id == row.id)]
    return found
