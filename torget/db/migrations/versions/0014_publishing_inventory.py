"""publishing inventory: candidate datasets before they are drafts (issue 13 A)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _id(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=36), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "inventory_candidates",
        _id("id"),
        _id("organisation_id"),
        sa.Column("title_sv", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("benefits", sa.Text(), nullable=False),
        sa.Column("effort", sa.String(length=10), nullable=True),
        sa.Column("hvd_category", sa.String(length=200), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        _id("dataset_id", nullable=True),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "effort IN ('small', 'medium', 'large')", name=op.f("ck_inventory_candidates_effort")
        ),
        _fk("inventory_candidates", "organisation_id", "organisations", "CASCADE"),
        _fk("inventory_candidates", "dataset_id", "datasets", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_candidates")),
    )
    with op.batch_alter_table("inventory_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_candidates_organisation_id"), ["organisation_id"]
        )

    op.create_table(
        "inventory_candidate_suggestions",
        _id("candidate_id"),
        _id("suggestion_id"),
        _fk("inventory_candidate_suggestions", "candidate_id", "inventory_candidates", "CASCADE"),
        _fk("inventory_candidate_suggestions", "suggestion_id", "suggestions", "CASCADE"),
        sa.PrimaryKeyConstraint(
            "candidate_id", "suggestion_id", name=op.f("pk_inventory_candidate_suggestions")
        ),
    )
    with op.batch_alter_table("inventory_candidate_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_candidate_suggestions_suggestion_id"), ["suggestion_id"]
        )

    op.create_table(
        "inventory_history",
        _id("id"),
        _id("organisation_id"),
        _id("candidate_id"),
        _id("actor_id", nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        _id("dataset_id", nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('created', 'updated', 'imported', 'promoted', 'deleted')",
            name=op.f("ck_inventory_history_action"),
        ),
        _fk("inventory_history", "organisation_id", "organisations", "CASCADE"),
        _fk("inventory_history", "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_history")),
    )
    with op.batch_alter_table("inventory_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_history_candidate_id"), ["candidate_id"])
        batch_op.create_index(
            "ix_inventory_history_organisation_id", ["organisation_id", "created_at"]
        )

    op.create_table(
        "inventory_settings",
        _id("organisation_id"),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("inventory_settings", "organisation_id", "organisations", "CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_inventory_settings")),
    )


def downgrade() -> None:
    op.drop_table("inventory_settings")
    op.drop_table("inventory_history")
    op.drop_table("inventory_candidate_suggestions")
    op.drop_table("inventory_candidates")
