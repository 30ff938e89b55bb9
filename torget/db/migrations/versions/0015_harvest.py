"""harvest: sources, runs and the origin of harvested datasets (issue 15)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # RESERVED: filled in by the work named in the docstring


def downgrade() -> None:
    pass
