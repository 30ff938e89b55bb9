"""datastore: load reports and column type choices (issue 17)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # RESERVED: filled in by the work named in the docstring


def downgrade() -> None:
    pass
