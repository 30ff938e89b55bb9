"""issue 14's daily use statistics: `usage_counts`, per dataset, distribution, day, kind and
bot (torget.usage)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_counts",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("bot", sa.Boolean(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_usage_counts_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset_id",
            "period",
            "day",
            "distribution_id",
            "kind",
            "bot",
            name=op.f("pk_usage_counts"),
        ),  # fmt: skip
    )
    with op.batch_alter_table("usage_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usage_counts_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("usage_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_counts_day"))
    op.drop_table("usage_counts")
