"""search index version (issue 18): one number that every write to the search index moves

Search keeps, per server process, bitmaps of the documents of each facet value
(torget.search.bitmaps). A process must see another process's writes at once, so every write
to the index adds one to `search_index_version.version` in its own transaction, and a search
reads that one row before it reuses what it keeps.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("search_index_version"):
        op.create_table(
            "search_index_version",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("version", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_search_index_version")),
        )
    # Made by migration 0024's reindex (today's code) on a site that had no index yet.
    if op.get_bind().execute(sa.text("SELECT count(*) FROM search_index_version")).scalar():
        return
    op.execute("INSERT INTO search_index_version (id, version) VALUES (1, 1)")


def downgrade() -> None:
    op.drop_table("search_index_version")
