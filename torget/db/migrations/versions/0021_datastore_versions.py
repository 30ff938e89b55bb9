"""issue 20's data versions (what changed between loads) (reserved; empty until that work lands)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
