"""issue 20's due dates, reminders, link checks and scheduled refresh (reserved; empty until that work lands)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
