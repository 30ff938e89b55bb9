"""Alembic environment: runs on the engine Torget hands over (see torget/db/migrate.py)."""

from __future__ import annotations

from alembic import context

from torget.db.schema import metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
