"""harvest more: the last run's document hashes, so an unchanged source is not parsed again

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-07 08:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0024"  # 0025 and 0026 were reserved and not needed
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("harvest_sources") as batch:
        batch.add_column(sa.Column("page_hashes", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("harvest_sources") as batch:
        batch.drop_column("page_hashes")
