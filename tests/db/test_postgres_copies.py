"""The PostgreSQL tests' databases (tests/postgres_copies.py): a copy a test has used is made
equal to the template again (rows, the template's own rows, sequences) before another test
takes it, and a copy whose schema a test changed is never handed out again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, _on_database
from tests.postgres_copies import Copies
from torget.db import schema
from torget.settings import normalise_database_url

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs TORGET_TEST_POSTGRES_URL")

CONTENT = """
SELECT (SELECT json_agg(t ORDER BY t::text) FROM alembic_version AS t)::text,
       (SELECT json_agg(t ORDER BY t::text) FROM search_index_version AS t)::text,
       (SELECT count(*) FROM users), (SELECT count(*) FROM audit_log),
       (SELECT json_agg(json_build_array(sequencename, last_value) ORDER BY sequencename)
        FROM pg_sequences)::text
"""


@pytest.fixture
def copies(postgres_template: str | None) -> Iterator[Copies]:
    assert postgres_template is not None
    admin = sa.create_engine(normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    made = Copies(admin, postgres_template, spare=1)
    try:
        yield made
    finally:
        made.close()
        admin.dispose()


def _engine(name: str) -> sa.Engine:
    return sa.create_engine(normalise_database_url(_on_database(name)), poolclass=sa.pool.NullPool)


def _content(name: str) -> sa.Row[tuple[object, ...]]:
    engine = _engine(name)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(CONTENT)).one()
    finally:
        engine.dispose()


def _take_until(copies: Copies, name: str) -> str:
    """Take copies until `name` comes back (reset) or a new one does (`name` dropped)."""
    found = copies.take()
    taken = [found]
    while found != name and len(taken) < 3:
        found = copies.take()
        taken.append(found)
    for other in taken:
        if other != found:
            copies.give_back(other)
    return found


def test_a_used_copy_is_given_out_again_equal_to_the_template(copies: Copies) -> None:
    name = copies.take()
    fresh = _content(name)
    engine = _engine(name)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.users),
            {
                "id": "u1",
                "name": "anna",
                "email": "anna@example.se",
                "password_hash": "x",
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            },
        )
        conn.execute(
            sa.insert(schema.audit_log),  # append-only: its triggers refuse a DELETE
            {
                "at": datetime.now(UTC),
                "actor_kind": "system",
                "channel": "cli",
                "action": "create",
                "subject_type": "dataset",
                "subject_id": "d1",
                "subject_name": "badplatser",
                "organisation_id": "o1",
                "changes": "{}",
            },
        )
        conn.exec_driver_sql("UPDATE search_index_version SET version = version + 5")
        conn.exec_driver_sql("SELECT nextval('search_documents_id_seq')")
    left_open = engine.connect()  # a connection a test forgot: ended by the reset
    left_open.exec_driver_sql("SELECT 1")
    assert _content(name) != fresh
    copies.give_back(name)

    again = _take_until(copies, name)
    assert again == name  # reset, not dropped
    assert _content(name) == fresh
    with pytest.raises(sa.exc.DBAPIError):
        left_open.exec_driver_sql("SELECT 1")
    left_open.invalidate()
    engine.dispose()
    copies.give_back(name)


def test_a_copy_whose_schema_changed_is_dropped(copies: Copies) -> None:
    name = copies.take()
    engine = _engine(name)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE organisations ADD COLUMN extra text")
    engine.dispose()
    copies.give_back(name)

    again = _take_until(copies, name)
    assert again != name
    copies.give_back(again)
