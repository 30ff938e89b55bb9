"""Votes: one per account per suggestion, withdrawable, counted exactly.

A vote is a row in `votes` (unique on suggestion and account) plus one step of the
suggestion's `vote_count`, in one transaction. The insert is `ON CONFLICT DO NOTHING
RETURNING id`: only a row that was really inserted moves the count (psycopg reports a rowcount
of -1 for such an insert, so RETURNING is what tells), and the count moves by an UPDATE
`vote_count = vote_count + 1`, never by reading and writing back a number. Withdrawal is a
`DELETE ... RETURNING` and `- 1` the same way. So a vote sent twice, or by a hundred accounts
at once, counts exactly once each on both SQLite (writers queue on `BEGIN IMMEDIATE`) and
PostgreSQL (the UPDATE takes the suggestion's row lock).

Only open suggestions (new, under review, planned) take votes or their withdrawal; a
published or declined one keeps the count it was answered with (`Conflict`, 409). The UPDATE
re-checks the status, so a vote racing a status change is refused rather than counted after
it. Voting and withdrawing are idempotent and rate-limited per account and per address
(`votes_per_hour`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.accounts.permissions import Actor
from torget.clock import now
from torget.db.schema import suggestions, votes
from torget.errors import Conflict
from torget.events import VoteCast, VoteWithdrawn, publish
from torget.ids import new_id
from torget.participation.suggestions import OPEN_STATUSES, get_suggestion
from torget.ratelimit import Limit, hit
from torget.site_lookup import settings_of

__all__ = ["VoteState", "cast_vote", "withdraw_vote", "has_voted", "voter_ids"]


@dataclass(frozen=True)
class VoteState:
    """The caller's vote on a suggestion after a request, and the suggestion's count."""

    suggestion_id: str
    voted: bool
    votes: int
    changed: bool  # False when the request repeated the current state

    def as_json(self) -> dict[str, Any]:
        return {"suggestion_id": self.suggestion_id, "voted": self.voted, "votes": self.votes,
                "changed": self.changed}  # fmt: skip


def _refuse_closed(status: str) -> None:
    if status not in OPEN_STATUSES:
        raise Conflict(f"the suggestion is {status}; votes are closed")


def _step(conn: sa.Connection, suggestion_id: str, delta: int) -> int:
    """Move the count by `delta` if the suggestion is still open; its new count."""
    moved = conn.execute(
        suggestions.update()
        .where((suggestions.c.id == suggestion_id) & suggestions.c.status.in_(OPEN_STATUSES))
        .values(vote_count=suggestions.c.vote_count + delta)
        .returning(suggestions.c.vote_count)
    ).first()
    if moved is None:  # closed meanwhile: refusing rolls back the vote row too
        _refuse_closed(get_suggestion(conn, suggestion_id).status)
        raise Conflict("votes are closed")
    return int(moved.vote_count)


def _count(conn: sa.Connection, suggestion_id: str) -> int:
    return int(
        conn.execute(
            sa.select(suggestions.c.vote_count).where(suggestions.c.id == suggestion_id)
        ).scalar_one()
    )


def _limit(conn: sa.Connection, user_id: str, address: str) -> None:
    limit = Limit("vote", settings_of(conn).votes_per_hour, 3600)
    hit(conn, limit, f"user:{user_id}")
    hit(conn, limit, f"ip:{address}")


def cast_vote(conn: sa.Connection, actor: Actor, suggestion_id: str, *, address: str) -> VoteState:
    """Vote for an open suggestion (verified accounts; voting twice is voting once)."""
    actor.require_verified("vote")
    assert actor.user is not None
    found = get_suggestion(conn, suggestion_id)
    _refuse_closed(found.status)
    _limit(conn, actor.user.id, address)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    inserted = conn.execute(
        dialect.insert(votes)
        .values(id=new_id(), suggestion_id=found.id, user_id=actor.user.id, created_at=now())
        .on_conflict_do_nothing()
        .returning(votes.c.id)
    ).first()
    if inserted is None:
        return VoteState(found.id, True, _count(conn, found.id), False)
    count = _step(conn, found.id, +1)
    publish(conn, VoteCast(found.id, actor.user.id))
    return VoteState(found.id, True, count, True)


def withdraw_vote(
    conn: sa.Connection, actor: Actor, suggestion_id: str, *, address: str
) -> VoteState:
    """Take back one's own vote (idempotent: withdrawing no vote changes nothing)."""
    actor.require_verified("withdraw a vote")
    assert actor.user is not None
    found = get_suggestion(conn, suggestion_id)
    _refuse_closed(found.status)
    _limit(conn, actor.user.id, address)
    deleted = conn.execute(
        votes.delete()
        .where((votes.c.suggestion_id == found.id) & (votes.c.user_id == actor.user.id))
        .returning(votes.c.id)
    ).first()
    if deleted is None:
        return VoteState(found.id, False, _count(conn, found.id), False)
    count = _step(conn, found.id, -1)
    publish(conn, VoteWithdrawn(found.id, actor.user.id))
    return VoteState(found.id, False, count, True)


def has_voted(conn: sa.Connection, actor: Actor, suggestion_id: str) -> bool:
    if actor.user is None:
        return False
    found = conn.execute(
        sa.select(votes.c.id).where(
            (votes.c.suggestion_id == suggestion_id) & (votes.c.user_id == actor.user.id)
        )
    )
    return found.first() is not None


def voter_ids(conn: sa.Connection, suggestion_id: str) -> list[str]:
    """The accounts that vote for a suggestion (erased accounts' votes have none)."""
    rows = conn.execute(
        sa.select(votes.c.user_id).where(
            (votes.c.suggestion_id == suggestion_id) & votes.c.user_id.is_not(None)
        )
    )
    return [r.user_id for r in rows]
