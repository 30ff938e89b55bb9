"""The Alembic migrations build exactly the schema declared in torget/db/schema.py."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from torget.db.migrate import alembic_config, upgrade
from torget.db.schema import metadata

# The full-text index has no portable declaration, so schema.py leaves it out and migration
# 0002 creates it per dialect: the FTS5 table and its shadow tables on SQLite, the generated
# tsvector column and its GIN index on PostgreSQL. Only these names are excused.
FULL_TEXT_OBJECTS = {
    "search_fts",
    "search_fts_config",
    "search_fts_content",
    "search_fts_data",
    "search_fts_docsize",
    "search_fts_idx",
    "document",
    "ix_search_documents_document",
}


def _declared_or_migrated(obj: Any, name: str | None, kind: str, reflected: bool, _: Any) -> bool:
    return not (reflected and name in FULL_TEXT_OBJECTS)


def test_migrated_schema_equals_schema_py(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": _declared_or_migrated, "compare_type": True}
        )
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_full_text_index_exists(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        if conn.dialect.name == "postgresql":
            columns = {c["name"] for c in inspector.get_columns("search_documents")}
            indexes = {i["name"] for i in inspector.get_indexes("search_documents")}
            assert "document" in columns and "ix_search_documents_document" in indexes
        else:
            assert "search_fts" in inspector.get_table_names()


def test_upgrade_is_idempotent(engine: sa.Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        assert "datasets" in sa.inspect(conn).get_table_names()


def test_upgrade_migrates_a_database_behind_the_newest_revision(engine: sa.Engine) -> None:
    """`upgrade` leaves a database at the newest revision alone without running Alembic; one
    a revision behind is still migrated."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    command.downgrade(alembic_config(engine), "-1")
    upgrade(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
