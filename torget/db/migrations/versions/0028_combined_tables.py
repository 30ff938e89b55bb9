"""combined tables (reserved; filled in by the work that needs it, removed otherwise)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 08:45:00.000000
"""

from __future__ import annotations

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
