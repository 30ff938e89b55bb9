"""issue 13's follow-ups: what a second person approved, so that a later change makes the
approval lapse

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dataset_gates", sa.Column("approved_content", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dataset_gates") as batch:
        batch.drop_column("approved_content")
