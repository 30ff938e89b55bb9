"""search: facet counts per organisation and state, for searches without text or filters;
an index on the documents' names for the popularity order

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_documents_name"), ["name"], unique=False)
    op.create_table(
        "search_facet_counts",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "organisation_id", "state", "facet", "value", name=op.f("pk_search_facet_counts")
        ),
    )
    # Counted from the index as it stands, so that an upgrade needs no reindex.
    op.execute(
        "INSERT INTO search_facet_counts (organisation_id, state, facet, value, count) "
        "SELECT d.organisation_id, d.state, f.facet, f.value, COUNT(*) "
        "FROM dataset_facets f JOIN search_documents d ON d.id = f.doc_id "
        "GROUP BY d.organisation_id, d.state, f.facet, f.value"
    )


def downgrade() -> None:
    op.drop_table("search_facet_counts")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_documents_name"))
