"""harvest: sources, runs and the origin of harvested datasets (issue 15)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _id(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=36), nullable=False)


def _stamp(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "harvest_sources",
        _id("id"),
        _id("organisation_id"),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("interval_hours", sa.Integer(), nullable=True),
        sa.Column("on_vanish", sa.String(length=10), nullable=False),
        sa.Column("publisher_organisations", sa.Boolean(), nullable=False),
        sa.Column("load_datastore", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        _stamp("next_run_at", nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.CheckConstraint(
            "on_vanish IN ('delete', 'withdraw')", name=op.f("ck_harvest_sources_on_vanish")
        ),
        _fk("harvest_sources", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_sources")),
    )
    op.create_index(
        op.f("ix_harvest_sources_organisation_id"), "harvest_sources", ["organisation_id"]
    )
    op.create_table(
        "harvest_runs",
        _id("id"),
        _id("source_id"),
        sa.Column("state", sa.String(length=20), nullable=False),
        _stamp("started_at"),
        _stamp("finished_at", nullable=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("created", "updated", "unchanged", "removed", "skipped")
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state IN ('running', 'done', 'failed')", name=op.f("ck_harvest_runs_state")
        ),
        _fk("harvest_runs", "source_id", "harvest_sources"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_runs")),
    )
    op.create_index(
        "ix_harvest_runs_source_id_started_at", "harvest_runs", ["source_id", "started_at"]
    )
    op.create_table(
        "harvest_origins",
        _id("dataset_id"),
        _id("source_id"),
        sa.Column("original_iri", sa.String(length=2000), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        _stamp("harvested_at"),
        _fk("harvest_origins", "dataset_id", "datasets"),
        _fk("harvest_origins", "source_id", "harvest_sources"),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_harvest_origins")),
        sa.UniqueConstraint("source_id", "original_iri", name="uq_harvest_origins_source_iri"),
    )


def downgrade() -> None:
    op.drop_table("harvest_origins")
    op.drop_index("ix_harvest_runs_source_id_started_at", table_name="harvest_runs")
    op.drop_table("harvest_runs")
    op.drop_index(op.f("ix_harvest_sources_organisation_id"), table_name="harvest_sources")
    op.drop_table("harvest_sources")
