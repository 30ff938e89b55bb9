"""datastore: a table's primary key (for upserts) kept with its current version

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("datastore_tables", schema=None) as batch_op:
        batch_op.add_column(sa.Column("primary_key", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("datastore_tables", schema=None) as batch_op:
        batch_op.drop_column("primary_key")
