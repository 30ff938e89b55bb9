"""datasets: an index on (state, updated_at, id) for lists of the newest changes first

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_datasets_state_updated_at_id", ["state", "updated_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_index("ix_datasets_state_updated_at_id")
