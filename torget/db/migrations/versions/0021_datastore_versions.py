"""datastore: versions of each distribution's table with what changed, chosen comparison keys,
scheduled refresh state and per-organisation retention (issue 20)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "datastore_versions",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("previous_job_id", sa.String(length=36), nullable=True),
        sa.Column("file", sa.String(length=300), nullable=True),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comparison", sa.String(length=10), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("rows_added", sa.BigInteger(), nullable=True),
        sa.Column("rows_removed", sa.BigInteger(), nullable=True),
        sa.Column("rows_changed", sa.BigInteger(), nullable=True),
        sa.Column("sample", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "comparison IN ('first', 'key', 'row', 'failed')",
            name=op.f("ck_datastore_versions_comparison"),
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_datastore_versions")),
    )
    op.create_index(
        "ix_datastore_versions_distribution_id_loaded_at",
        "datastore_versions",
        ["distribution_id", "loaded_at"],
    )
    op.create_table(
        "datastore_diff_keys",
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_datastore_diff_keys_distribution_id_distributions"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("distribution_id", name=op.f("pk_datastore_diff_keys")),
    )
    op.create_table(
        "datastore_refresh",
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('loaded', 'unchanged', 'failed')", name=op.f("ck_datastore_refresh_state")
        ),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_datastore_refresh_distribution_id_distributions"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("distribution_id", name=op.f("pk_datastore_refresh")),
    )
    op.create_table(
        "datastore_retention",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_datastore_retention_organisation_id_organisations"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_datastore_retention")),
    )


def downgrade() -> None:
    op.drop_table("datastore_retention")
    op.drop_table("datastore_refresh")
    op.drop_table("datastore_diff_keys")
    op.drop_index("ix_datastore_versions_distribution_id_loaded_at", "datastore_versions")
    op.drop_table("datastore_versions")
