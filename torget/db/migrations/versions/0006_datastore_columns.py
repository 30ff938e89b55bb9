"""datastore: the data dictionary (column descriptions in Swedish and English)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "datastore_columns",
        sa.Column("distribution_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description_sv", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("distribution_id", "name", name=op.f("pk_datastore_columns")),
    )


def downgrade() -> None:
    op.drop_table("datastore_columns")
