"""issue 20: due dates, reminders sent and unsubscribed, link checks

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dataset_due_dates",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("last_change_at", _STAMP, nullable=False),
        sa.Column("due_at", _STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            ondelete="CASCADE",
            name=op.f("fk_dataset_due_dates_dataset_id_datasets"),
        ),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_dataset_due_dates")),
    )
    op.create_index(
        op.f("ix_dataset_due_dates_due_at"), "dataset_due_dates", ["due_at"], unique=False
    )
    op.create_table(
        "reminders_sent",
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("topic", sa.String(length=400), nullable=False),
        sa.Column("sent_at", _STAMP, nullable=False),
        sa.PrimaryKeyConstraint("recipient", "topic", name=op.f("pk_reminders_sent")),
    )
    op.create_index(op.f("ix_reminders_sent_topic"), "reminders_sent", ["topic"], unique=False)
    op.create_table(
        "reminder_unsubscribes",
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_reminder_unsubscribes")),
    )
    op.create_table(
        "link_checks",
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("final_url", sa.String(length=2000), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("checked_at", _STAMP, nullable=False),
        sa.Column("last_success_at", _STAMP, nullable=True),
        sa.Column("last_failure_at", _STAMP, nullable=True),
        sa.Column("broken_since", _STAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            ondelete="CASCADE",
            name=op.f("fk_link_checks_distribution_id_distributions"),
        ),
        sa.PrimaryKeyConstraint("distribution_id", "url", name=op.f("pk_link_checks")),
    )


def downgrade() -> None:
    op.drop_table("link_checks")
    op.drop_table("reminder_unsubscribes")
    op.drop_index(op.f("ix_reminders_sent_topic"), table_name="reminders_sent")
    op.drop_table("reminders_sent")
    op.drop_index(op.f("ix_dataset_due_dates_due_at"), table_name="dataset_due_dates")
    op.drop_table("dataset_due_dates")
