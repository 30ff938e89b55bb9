"""specifications: the registry's added schemas and each distribution's conformance (issue 16)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _stamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "specifications",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=30), nullable=False),
        sa.Column("title_sv", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("table_schema", sa.Text(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.CheckConstraint(
            "status IN ('official', 'derived')", name=op.f("ck_specifications_status")
        ),
        sa.PrimaryKeyConstraint("name", "version", name=op.f("pk_specifications")),
    )
    op.create_table(
        "specification_conformance",
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("specification_iri", sa.String(length=2000), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("rows_checked", sa.BigInteger(), nullable=False),
        sa.Column("error_count", sa.BigInteger(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        _stamp("checked_at"),
        sa.CheckConstraint(
            "state IN ('conforms', 'warnings', 'fails')",
            name=op.f("ck_specification_conformance_state"),
        ),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_specification_conformance_distribution_id_distributions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("distribution_id", name=op.f("pk_specification_conformance")),
    )


def downgrade() -> None:
    op.drop_table("specification_conformance")
    op.drop_table("specifications")
