"""catalogue: distributions keep Torget's own files as store keys, not addresses (issue 12)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:50:00.000000
"""

from __future__ import annotations

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # RESERVED: filled in by the work named in the docstring


def downgrade() -> None:
    pass
