"""The Alembic migrations build exactly the schema declared in torget/db/schema.py."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from torget.db.migrate import upgrade
from torget.db.schema import metadata


def test_migrated_schema_equals_schema_py(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_upgrade_is_idempotent(engine: sa.Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        assert "datasets" in sa.inspect(conn).get_table_names()
