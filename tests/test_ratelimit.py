"""Rate limits: the limit-th action passes, the next is refused with the time left; a check
refuses a spent key without counting."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from torget.db.engine import read, write
from torget.errors import RateLimited
from torget.ratelimit import Limit, check, hit


def test_actions_past_the_limit_are_refused_per_key(engine: sa.Engine) -> None:
    limit = Limit("vote", count=3, seconds=3600)
    for _ in range(3):
        with write(engine) as conn:
            hit(conn, limit, "user:anna")
    with pytest.raises(RateLimited) as refused, write(engine) as conn:
        hit(conn, limit, "user:anna")
    assert refused.value.action == "vote"
    assert 1 <= refused.value.retry_after <= 3600
    with write(engine) as conn:  # someone else, or another action, is counted apart
        hit(conn, limit, "user:bo")
        hit(conn, Limit("comment", 1, 60), "user:anna")


def test_check_refuses_a_spent_key_without_counting(engine: sa.Engine) -> None:
    limit = Limit("log-in", count=2, seconds=3600)
    for _ in range(5):  # checks alone never use the limit up
        with read(engine) as conn:
            check(conn, limit, "ip:10.0.0.1")
    for _ in range(2):
        with write(engine) as conn:
            hit(conn, limit, "ip:10.0.0.1")
    with pytest.raises(RateLimited) as refused, read(engine) as conn:
        check(conn, limit, "ip:10.0.0.1")
    assert 1 <= refused.value.retry_after <= 3600
    with read(engine) as conn:
        check(conn, limit, "ip:10.0.0.2")
