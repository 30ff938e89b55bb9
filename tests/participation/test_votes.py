"""Votes: one per account, idempotent both ways, none on declined or published suggestions,
rate-limited, and exact under concurrency: 100 accounts each voting twice at once give 100,
on SQLite and on PostgreSQL (the `database_url` fixture runs each test on both when
TORGET_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from tests.conftest import World
from tests.participation.helpers import published_dataset
from tests.participation.suggestion_helpers import (
    VOTES_PER_HOUR,
    add_token_user,
    made,
    move,
    suggestion_settings,  # noqa: F401  (the settings of this module)
    vote,
)
from torget.accounts.permissions import actor_for
from torget.accounts.users import User, create_user, get_user
from torget.db.engine import read, write
from torget.db.schema import votes
from torget.participation.suggestions import get_suggestion
from torget.participation.votes import VoteState, cast_vote, withdraw_vote

VOTERS = 100


def _state(world: World, user: str, sid: str, *, withdraw: bool = False) -> tuple[bool, int, bool]:
    response = vote(world, user, sid, withdraw=withdraw)
    assert response.status_code == 200, response.text
    got = response.json()
    return got["voted"], got["votes"], got["changed"]


def test_one_vote_per_account_withdrawable_and_idempotent(world: World) -> None:
    sid = made(world)["id"]
    assert world.client.post(f"/api/suggestions/{sid}/vote").status_code == 401
    add_token_user(world, "unverified", verified=False)
    assert vote(world, "unverified", sid).status_code == 403

    assert _state(world, "outsider", sid) == (True, 1, True)
    assert _state(world, "outsider", sid) == (True, 1, False)
    assert _state(world, "editor", sid) == (True, 2, True)
    assert world.client.get(f"/api/suggestions/{sid}", headers=world.auth("editor")).json()["voted"]
    assert _state(world, "editor", sid, withdraw=True) == (False, 1, True)
    assert _state(world, "editor", sid, withdraw=True) == (False, 1, False)
    read_back = world.client.get(f"/api/suggestions/{sid}", headers=world.auth("editor")).json()
    assert (read_back["votes"], read_back["voted"]) == (1, False)
    assert vote(world, "outsider", "no-such-id").status_code == 404


def test_no_votes_on_declined_or_published_suggestions(world: World, engine: sa.Engine) -> None:
    dataset = published_dataset(engine)
    declined, published = made(world)["id"], made(world, title="Laddplatser")["id"]
    assert _state(world, "outsider", published) == (True, 1, True)
    assert move(world, "editor", declined, "declined", reason="Finns redan.").status_code == 200
    assert move(world, "editor", published, "published", dataset=dataset.name).status_code == 200
    for sid, status in ((declined, "declined"), (published, "published")):
        refused = vote(world, "editor", sid)
        assert refused.status_code == 409
        assert refused.json()["message"] == f"the suggestion is {status}; votes are closed"
        assert vote(world, "outsider", sid, withdraw=True).status_code == 409
    assert world.client.get(f"/api/suggestions/{published}").json()["votes"] == 1
    # Reopened, a declined suggestion takes votes again.
    assert move(world, "editor", declined, "under_review").status_code == 200
    assert _state(world, "editor", declined) == (True, 1, True)


def test_voting_is_rate_limited(world: World) -> None:
    sids = [made(world, title=f"Förslag {n}")["id"] for n in range(2)]
    sent = 0
    while sent < VOTES_PER_HOUR:  # votes and withdrawals count alike
        vote(world, "outsider", sids[0], withdraw=sent % 2 == 1)
        sent += 1
    refused = vote(world, "outsider", sids[1])
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert world.client.get(f"/api/suggestions/{sids[1]}").json()["votes"] == 0


def _voters(engine: sa.Engine) -> list[User]:
    with write(engine) as conn:
        return [
            create_user(conn, f"voter{n}", f"voter{n}@example.se", "secret-password")
            for n in range(VOTERS)
        ]


def test_concurrent_votes_count_exactly(world: World, engine: sa.Engine) -> None:
    """Each of 100 accounts sends its vote twice, all 200 at once (a barrier releases them
    together), each in its own transaction on its own connection, from its own address."""
    sid = made(world)["id"]
    voters = _voters(engine)
    start = threading.Barrier(2 * VOTERS)

    def send(action: Callable[..., VoteState], net: int) -> Callable[[int], VoteState]:
        def one(n: int) -> VoteState:
            user = voters[n % VOTERS]
            start.wait()
            with write(engine) as conn:
                actor = actor_for(conn, get_user(conn, user.id))
                return action(conn, actor, sid, address=f"10.{net}.{n % VOTERS}.1")

        return one

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2 * VOTERS) as pool:
        results = list(pool.map(send(cast_vote, 0), range(2 * VOTERS)))
    took = time.perf_counter() - began
    print(f"\n{2 * VOTERS} concurrent votes on {engine.dialect.name}: {took:.2f} s")

    assert sum(r.changed for r in results) == VOTERS  # exactly one of each pair counted
    assert sorted(r.votes for r in results if r.changed) == list(range(1, VOTERS + 1))
    with read(engine) as conn:
        assert get_suggestion(conn, sid).vote_count == VOTERS
        counted = sa.select(sa.func.count()).where(votes.c.suggestion_id == sid)
        assert conn.execute(counted).scalar_one() == VOTERS

    start.reset()
    with ThreadPoolExecutor(max_workers=2 * VOTERS) as pool:
        withdrawn = list(pool.map(send(withdraw_vote, 1), range(2 * VOTERS)))
    assert sum(r.changed for r in withdrawn) == VOTERS
    with read(engine) as conn:
        assert get_suggestion(conn, sid).vote_count == 0
