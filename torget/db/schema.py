"""Every table of the catalogue database, in one place (SQLAlchemy Core).

Rich DCAT metadata lives in a JSON text column (`data`), validated by `torget.catalog.rules`
before it is written; the columns beside it are what queries filter, join and sort on.
Alembic migrations in `torget/db/migrations` build exactly this schema; a test compares them.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "metadata",
    "organisations",
    "users",
    "memberships",
    "api_tokens",
    "datasets",
    "distributions",
    "dataservices",
    "accessibility_reports",
    "search_documents",
    "dataset_facets",
    "dataset_popularity",
    "search_facet_counts",
    "datastore_jobs",
    "datastore_tables",
]

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

_ID = 36  # a UUID in its canonical text form


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("parent_id", sa.String(_ID), sa.ForeignKey("organisations.id"), index=True),
    sa.Column("data", sa.Text, nullable=False),
    *_timestamps(),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("fullname", sa.String(200)),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("sysadmin", sa.Boolean, nullable=False, default=False),
    *_timestamps(),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "user_id", sa.String(_ID), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'editor', 'member')", name="role"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "user_id",
        sa.String(_ID),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    # SHA-256 of the secret: tokens are long random strings, so a fast hash is enough and
    # lets a request find its token by an indexed lookup.
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(12), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("identifier", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("title_sv", sa.String(1000), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    *_timestamps(),
    sa.CheckConstraint("state IN ('draft', 'published')", name="state"),
    # The feed pages through published datasets in id order (keyset paging).
    sa.Index("ix_datasets_state_id", "state", "id"),
)

distributions = sa.Table(
    "distributions",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    *_timestamps(),
)

dataservices = sa.Table(
    "dataservices",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    *_timestamps(),
    sa.CheckConstraint("state IN ('draft', 'published')", name="state"),
)

# Reports of accessibility problems sent from the accessibility statement's form (Swedish law
# 2018:1937 §15: a public body must offer a way to notify it of inaccessible content).
accessibility_reports = sa.Table(
    "accessibility_reports",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("page_url", sa.String(2000)),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("email", sa.String(320)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)


# --- Search index (torget.search): derived from the tables above, rebuilt by `torget search
# reindex`. The full-text part differs per dialect and is created by migration 0002 alone: an
# FTS5 table `search_fts` on SQLite, a generated tsvector column `search_documents.document`
# with a GIN index on PostgreSQL.


def _binary_text(length: int) -> sa.types.TypeEngine[str]:
    """A string compared byte by byte on both backends, so that sort keys order identically
    (SQLite's default BINARY collation; PostgreSQL's "C")."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


search_documents = sa.Table(
    "search_documents",
    metadata,
    # An integer key: FTS5 rows are addressed by rowid, and facet rows stay compact.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    # Indexed for the popularity order's walk over unused datasets (torget.search.query).
    sa.Column("name", _binary_text(100), nullable=False, index=True),
    sa.Column("organisation_id", sa.String(_ID), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    # The words of each text, lower case, separated by single spaces (torget.search.text).
    sa.Column("title_sv", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("body_sv", sa.Text, nullable=False),
    sa.Column("body_en", sa.Text, nullable=False),
    sa.Column("title_key_sv", _binary_text(500), nullable=False, index=True),
    sa.Column("title_key_en", _binary_text(500), nullable=False, index=True),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False, index=True),
    # The rows of dataset_facets for this document as "\x1ffacet=value\x1f…": lets a search
    # test a document's filters on the row it already reads (torget.search.facets.keys_text).
    sa.Column("facet_keys", sa.Text, nullable=False),
)

dataset_facets = sa.Table(
    "dataset_facets",
    metadata,
    sa.Column(
        "doc_id",
        sa.Integer,
        sa.ForeignKey("search_documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("facet", sa.String(20), primary_key=True),
    sa.Column("value", sa.String(500), primary_key=True),
    sa.Index("ix_dataset_facets_facet_value", "facet", "value"),
    sqlite_with_rowid=False,
)

# Derived, like dataset_facets: how many documents of each organisation and state have each
# facet value, kept by the index's own writes. A search with neither text nor filters sums these
# rows over what the actor may read instead of counting every document's facet rows.
search_facet_counts = sa.Table(
    "search_facet_counts",
    metadata,
    sa.Column("organisation_id", sa.String(_ID), primary_key=True),
    sa.Column("state", sa.String(20), primary_key=True),
    sa.Column("facet", sa.String(20), primary_key=True),
    sa.Column("value", sa.String(500), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

# Not derived: views and downloads are counted here and survive a reindex.
dataset_popularity = sa.Table(
    "dataset_popularity",
    metadata,
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("views", sa.Integer, nullable=False, default=0),
    sa.Column("downloads", sa.Integer, nullable=False, default=0),
)


# --- Datastore -------------------------------------------------------------------------------
# One row per load of a distribution's file; the worker updates progress and heartbeat.
datastore_jobs = sa.Table(
    "datastore_jobs",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("distribution_id", sa.String(_ID), nullable=False, index=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("format", sa.String(20), nullable=False),
    sa.Column("progress_rows", sa.BigInteger, nullable=False, default=0),
    sa.Column("progress_bytes", sa.BigInteger, nullable=False, default=0),
    sa.Column("progress_percent", sa.Integer, nullable=False, default=0),
    sa.Column("stage", sa.String(200)),
    sa.Column("report", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
    sa.Index("ix_datastore_jobs_state_heartbeat_at", "state", "heartbeat_at"),
)

# The version of each distribution's table that queries see: swapped in one transaction.
datastore_tables = sa.Table(
    "datastore_tables",
    metadata,
    sa.Column("distribution_id", sa.String(_ID), primary_key=True),
    sa.Column("job_id", sa.String(_ID), nullable=False),
    sa.Column("file", sa.String(300), nullable=False),
    sa.Column("row_count", sa.BigInteger, nullable=False),
    sa.Column("columns", sa.Text, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
)
