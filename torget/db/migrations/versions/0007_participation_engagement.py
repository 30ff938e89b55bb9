"""participation engagement: when a follower was last mailed about an update

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 18:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("update_mailed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_column("update_mailed_at")
