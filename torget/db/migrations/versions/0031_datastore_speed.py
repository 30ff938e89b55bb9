"""datastore speed (reserved; filled in by the work that needs it, removed otherwise)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 08:45:00.000000
"""

from __future__ import annotations

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
