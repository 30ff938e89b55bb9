"""datastore: load jobs and the current table of each distribution

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "datastore_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("progress_rows", sa.BigInteger(), nullable=False),
        sa.Column("progress_bytes", sa.BigInteger(), nullable=False),
        sa.Column("progress_percent", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_datastore_jobs_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datastore_jobs")),
    )
    with op.batch_alter_table("datastore_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_datastore_jobs_distribution_id"), ["distribution_id"], unique=False
        )
        batch_op.create_index(
            "ix_datastore_jobs_state_heartbeat_at", ["state", "heartbeat_at"], unique=False
        )
    op.create_table(
        "datastore_tables",
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("file", sa.String(length=300), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("distribution_id", name=op.f("pk_datastore_tables")),
    )


def downgrade() -> None:
    op.drop_table("datastore_tables")
    with op.batch_alter_table("datastore_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_datastore_jobs_state_heartbeat_at")
        batch_op.drop_index(batch_op.f("ix_datastore_jobs_distribution_id"))
    op.drop_table("datastore_jobs")
