"""search relevance (issue 18): the index rebuilt with weighted fields of folded terms, the
vocabulary of terms for typo tolerance

The documents now hold Torget's terms (stems folded to plain letters, torget.search.text) per
weighted field: title (Swedish, English), keywords and themes, description, the rest. Both
full-text indexes are made anew over them: on SQLite an FTS5 table with four columns weighted
10, 5, 2, 1 in bm25; on PostgreSQL a generated tsvector of `to_tsvector('simple', …)` per
field weighted A-D, with its GIN index, so that both databases index exactly the same terms.
`search_terms` holds every term, for the one-typo look-up (torget.search.terms).

The search tables are derived, so they are dropped, created in their new form and filled from
the catalogue by `torget.search.reindex` in this migration: an existing site keeps working
without a separate `torget search reindex`.

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-07 05:45:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0024"
down_revision = "0022"  # 0023 was reserved for quality scores, which are computed, not stored
branch_labels = None
depends_on = None


def _binary_text(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


_TSVECTOR = (
    "setweight(to_tsvector('simple', title_sv || ' ' || title_en), 'A') || "
    "setweight(to_tsvector('simple', keywords), 'B') || "
    "setweight(to_tsvector('simple', body), 'C') || "
    "setweight(to_tsvector('simple', extra), 'D')"
)


def _drop_old() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_documents_fts_delete")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("dataset_facets")
    op.drop_table("search_documents")
    op.execute("DELETE FROM search_facet_counts")


def _create_documents(text_columns: list[str]) -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("name", _binary_text(100), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        *(sa.Column(c, sa.Text(), nullable=False) for c in text_columns),
        sa.Column("title_key_sv", _binary_text(500), nullable=False),
        sa.Column("title_key_en", _binary_text(500), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facet_keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_search_documents_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("dataset_id", name=op.f("uq_search_documents_dataset_id")),
    )
    with op.batch_alter_table("search_documents") as batch_op:
        for column in ("title_key_sv", "title_key_en", "modified", "name"):
            batch_op.create_index(batch_op.f(f"ix_search_documents_{column}"), [column])
    op.create_table(
        "dataset_facets",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["search_documents.id"],
            name=op.f("fk_dataset_facets_doc_id_search_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("doc_id", "facet", "value", name=op.f("pk_dataset_facets")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("dataset_facets") as batch_op:
        batch_op.create_index("ix_dataset_facets_facet_value", ["facet", "value"])


def _create_full_text(tsvector: str, fts_columns: str, weights: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE search_documents ADD COLUMN document tsvector "
            f"GENERATED ALWAYS AS ({tsvector}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)"
        )
        return
    op.execute(
        f"CREATE VIRTUAL TABLE search_fts USING fts5({fts_columns}, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    op.execute(f"INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25({weights})')")
    op.execute(
        "CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents "
        "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
    )


class _Migrating:
    """What the index needs of a site while migrating: its settings (the addresses of own
    files, which reading a distribution mints). A plain class: Alembic loads this module
    outside `sys.modules`, where dataclasses cannot resolve their annotations."""

    def __init__(self, settings: Any):
        self.settings = settings


def _reindex() -> None:
    from torget.search.documents import reindex
    from torget.settings import load_settings
    from torget.site_lookup import SITE_OPTION

    settings = context.config.attributes.get("settings") or load_settings()
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM datasets LIMIT 1")).first() is None:
        return
    # Today's reindex also writes the pairs' counts of migration 0030 and the index's version
    # of 0031 and its changes of 0032, which then keep them.
    from torget.db.schema import search_facet_pairs, search_index_changes, search_index_version

    search_facet_pairs.create(conn, checkfirst=True)
    search_index_version.create(conn, checkfirst=True)
    search_index_changes.create(conn, checkfirst=True)
    reindex(conn.execution_options(**{SITE_OPTION: _Migrating(settings)}))


def upgrade() -> None:
    _drop_old()
    _create_documents(
        ["title_sv", "title_en", "keywords", "body", "extra", "roots_sv", "roots_en", "title_words"]
    )
    _create_full_text(_TSVECTOR, "title, keywords, body, extra", "10.0, 5.0, 2.0, 1.0")
    op.create_table(
        "search_terms",
        sa.Column("term", _binary_text(100), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_terms")),
    )
    _reindex()


def downgrade() -> None:
    op.drop_table("search_terms")
    _drop_old()
    _create_documents(["title_sv", "title_en", "body_sv", "body_en"])
    _create_full_text(
        "setweight(to_tsvector('swedish', title_sv), 'A') || "
        "setweight(to_tsvector('english', title_en), 'A') || "
        "setweight(to_tsvector('swedish', body_sv), 'B') || "
        "setweight(to_tsvector('english', body_en), 'B')",
        "title, body",
        "4.0, 1.0",
    )
    # The words of the old index are not kept: run `torget search reindex` with that version.
