"""portal: accessibility problem reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accessibility_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("page_url", sa.String(length=2000), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accessibility_reports")),
    )
    with op.batch_alter_table("accessibility_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accessibility_reports_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("accessibility_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accessibility_reports_created_at"))
    op.drop_table("accessibility_reports")
