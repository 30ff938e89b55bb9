"""search index: documents, facets, popularity, and the full-text index per dialect

The tables are declared in torget/db/schema.py. The full-text index is not, because it has no
portable form: SQLite gets an FTS5 table `search_fts` (rowid = search_documents.id) holding the
stemmed words that torget.search.sqlite writes, with a trigger that drops a row when its
document goes; PostgreSQL gets a generated tsvector column `document` (Swedish text through
the 'swedish' configuration, English through 'english'; titles weighted A, the rest B) and a
GIN index on it. Run `torget search reindex` afterwards to index existing datasets.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _binary_text(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


_TSVECTOR = (
    "setweight(to_tsvector('swedish', title_sv), 'A') || "
    "setweight(to_tsvector('english', title_en), 'A') || "
    "setweight(to_tsvector('swedish', body_sv), 'B') || "
    "setweight(to_tsvector('english', body_en), 'B')"
)


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("name", _binary_text(100), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("title_sv", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("body_sv", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
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
        for column in ("title_key_sv", "title_key_en", "modified"):
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

    op.create_table(
        "dataset_popularity",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_dataset_popularity_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_dataset_popularity")),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE search_documents ADD COLUMN document tsvector "
            f"GENERATED ALWAYS AS ({_TSVECTOR}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)"
        )
    else:
        # The words arrive stemmed (torget.search.text): the tokenizer must only split on
        # spaces and keep diacritics, as PostgreSQL does ("bål" is not "bal").
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 0')"
        )
        # Titles count four times as much as descriptions and keywords (bm25 column weights).
        op.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')")
        op.execute(
            "CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents "
            "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_documents_fts_delete")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("dataset_popularity")
    op.drop_table("dataset_facets")
    op.drop_table("search_documents")
