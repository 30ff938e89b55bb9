"""search index changes (issue 18): which documents each version of the index added or removed

Every write to the search index moves `search_index_version` (migration 0031) and now also
records the ids of the documents it added or removed under the new version, so that a server
process brings its bitmaps (torget.search.bitmaps) up to date by reading only those documents
instead of the whole index (1.4-2.4 s of CPU at 100,000 datasets).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 15:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Made by migration 0024's reindex (today's code) on a site that had no index yet.
    if sa.inspect(op.get_bind()).has_table("search_index_changes"):
        return
    op.create_table(
        "search_index_changes",
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("doc_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("version", "doc_id", name=op.f("pk_search_index_changes")),
    )


def downgrade() -> None:
    op.drop_table("search_index_changes")
