"""publishing gates: classification, checklist and the personal-data guard (issue 13 B)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # RESERVED: filled in by the work named in the docstring


def downgrade() -> None:
    pass
