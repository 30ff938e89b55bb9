"""A NUL in a text parameter: PostgreSQL's text cannot hold one and psycopg refused it, a 500
on every route that looks a name up (issue 19's fuzz on PostgreSQL). Now a look-up with a NUL
finds nothing, on both backends."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import World
from torget.db.engine import read
from torget.db.schema import datasets


def test_a_nul_in_a_parameter_matches_nothing(engine: sa.Engine) -> None:
    with read(engine) as conn:
        named = sa.select(datasets.c.id).where(datasets.c.name == "bad\x00platser")
        assert conn.execute(named).first() is None
        assert conn.execute(sa.text("SELECT :x"), {"x": "plain åäö"}).scalar() == "plain åäö"


def test_routes_that_look_a_name_up_answer_4xx(world: World) -> None:
    client, auth = world.client, world.auth("root")
    assert client.get("/api/datasets/a%00b", headers=auth).status_code == 404
    assert client.delete("/api/organisations/%00", headers=auth).status_code == 404
    assert client.get("/api/datasets?organisation=%00", headers=auth).status_code in (404, 422)
    reset = client.post("/api/password-reset", json={"email": "a\x00@example.se"})
    assert reset.status_code < 500, reset.text
