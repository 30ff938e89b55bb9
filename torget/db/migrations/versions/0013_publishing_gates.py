"""publishing gates: classification, checklist and the personal-data guard (issue 13 B)

Datasets published before this change stay published: they have no classification row, and
the dashboard lists them as not yet classified until an editor classifies them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _id(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=36), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _stamp(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _level(table: str, name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{name} BETWEEN 0 AND 2", name=op.f(f"ck_{table}_{name}"))


def upgrade() -> None:
    op.create_table(
        "dataset_classifications",
        _id("dataset_id"),
        sa.Column("confidentiality", sa.Integer(), nullable=False),
        sa.Column("integrity", sa.Integer(), nullable=False),
        sa.Column("availability", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _id("set_by", nullable=True),
        _stamp("set_at", nullable=False),
        _level("dataset_classifications", "confidentiality"),
        _level("dataset_classifications", "integrity"),
        _level("dataset_classifications", "availability"),
        _fk("dataset_classifications", "dataset_id", "datasets", "CASCADE"),
        _fk("dataset_classifications", "set_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_dataset_classifications")),
    )
    op.create_table(
        "personal_data_scans",
        _id("distribution_id"),
        _id("job_id"),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        _stamp("scanned_at", nullable=False),
        sa.CheckConstraint(
            "state IN ('clear', 'findings', 'blocked')", name=op.f("ck_personal_data_scans_state")
        ),
        _fk("personal_data_scans", "distribution_id", "distributions", "CASCADE"),
        sa.PrimaryKeyConstraint("distribution_id", name=op.f("pk_personal_data_scans")),
    )
    op.create_table(
        "personal_data_signoffs",
        _id("distribution_id"),
        sa.Column("column_name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        _id("signed_by", nullable=True),
        _stamp("signed_at", nullable=False),
        _fk("personal_data_signoffs", "distribution_id", "distributions", "CASCADE"),
        _fk("personal_data_signoffs", "signed_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint(
            "distribution_id", "column_name", "kind", name=op.f("pk_personal_data_signoffs")
        ),
    )
    op.create_table(
        "dataset_gates",
        _id("dataset_id"),
        sa.Column("licence_justification", sa.Text(), nullable=True),
        _id("licence_justified_by", nullable=True),
        _stamp("licence_justified_at"),
        _id("approved_by", nullable=True),
        _stamp("approved_at"),
        _id("publish_requested_by", nullable=True),
        _stamp("publish_requested_at"),
        _fk("dataset_gates", "dataset_id", "datasets", "CASCADE"),
        _fk("dataset_gates", "licence_justified_by", "users", "SET NULL"),
        _fk("dataset_gates", "approved_by", "users", "SET NULL"),
        _fk("dataset_gates", "publish_requested_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_dataset_gates")),
    )
    op.create_table(
        "publishing_settings",
        _id("organisation_id"),
        sa.Column("four_eyes", sa.Boolean(), nullable=False),
        _stamp("updated_at", nullable=False),
        _fk("publishing_settings", "organisation_id", "organisations", "CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_publishing_settings")),
    )


def downgrade() -> None:
    for table in (
        "publishing_settings",
        "dataset_gates",
        "personal_data_signoffs",
        "personal_data_scans",
        "dataset_classifications",
    ):
        op.drop_table(table)
