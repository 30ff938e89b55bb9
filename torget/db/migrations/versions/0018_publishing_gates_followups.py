"""issue 13's follow-ups (approval withdrawn by edits, rescans) (reserved; empty until that work lands)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
