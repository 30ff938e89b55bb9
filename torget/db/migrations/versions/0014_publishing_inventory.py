"""publishing inventory: candidate datasets before they are drafts (issue 13 A)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # RESERVED: filled in by the work named in the docstring


def downgrade() -> None:
    pass
