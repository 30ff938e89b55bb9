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
    "usage_counts",
    "search_facet_counts",
    "search_facet_pairs",
    "search_index_version",
    "search_index_changes",
    "search_terms",
    "datastore_jobs",
    "datastore_tables",
    "datastore_versions",
    "datastore_diff_keys",
    "datastore_refresh",
    "datastore_retention",
    "specifications",
    "specification_conformance",
    "account_tokens",
    "mail_queue",
    "rate_limit_hits",
    "suggestions",
    "suggestion_history",
    "votes",
    "comments",
    "moderation_log",
    "follows",
    "webhooks",
    "webhook_deliveries",
    "showcases",
    "showcase_datasets",
    "datastore_columns",
    "datastore_column_types",
    "harvest_sources",
    "harvest_runs",
    "harvest_origins",
    "inventory_candidates",
    "inventory_candidate_suggestions",
    "inventory_history",
    "inventory_settings",
    "dataset_classifications",
    "personal_data_scans",
    "personal_data_signoffs",
    "dataset_gates",
    "publishing_settings",
    "audit_log",
    "dataset_due_dates",
    "reminders_sent",
    "reminder_unsubscribes",
    "link_checks",
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
    # Null until the owner follows the link mailed at self-registration; accounts made by an
    # administrator (`torget user create`) are verified when created.
    sa.Column("email_verified_at", sa.DateTime(timezone=True)),
    # "sv" or "en": the language of the e-mails Torget sends this person (null: Swedish).
    sa.Column("language", sa.String(5)),
    # Carried in the session cookie and compared on every page request; a log-out or a new
    # password raises it, which ends every session made before (torget.accounts.sessions).
    sa.Column("session_version", sa.Integer, nullable=False, server_default="0"),
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
    # Lists of the newest changes first (`list_datasets`: the home page, /api/datasets) walk
    # it backwards instead of sorting every dataset with its JSON (140 ms at 100,000). The
    # state leads, so that SQLite, without statistics, takes it for `state = …` over the index
    # above.
    sa.Index("ix_datasets_state_updated_at_id", "state", "updated_at", "id"),
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


_PAGE = ("name", "state", "organisation_id", "dataset_id")
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
    # The terms of each field (stems, folded; torget.search.text), in order, separated by
    # single spaces; by weight: title, keywords and themes, description, the rest.
    sa.Column("title_sv", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("keywords", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("extra", sa.Text, nullable=False),
    # The title compared with the query (torget.search.query._tier): its words stemmed twice
    # per language, and as written (folded, without stop words).
    sa.Column("roots_sv", sa.Text, nullable=False),
    sa.Column("roots_en", sa.Text, nullable=False),
    sa.Column("title_words", sa.Text, nullable=False),
    sa.Column("title_key_sv", _binary_text(500), nullable=False),
    sa.Column("title_key_en", _binary_text(500), nullable=False),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
    # The rows of dataset_facets for this document as "\x1ffacet=value\x1f…": lets a search
    # test a document's filters on the row it already reads (torget.search.facets.keys_text).
    sa.Column("facet_keys", sa.Text, nullable=False),
    # The sort orders without text, each with what visibility and the page read, so that a
    # deep page is a walk along one index, never a read of the documents (migration 0030).
    *(
        sa.Index(f"ix_search_documents_{key}_page", key, *_PAGE)
        for key in ("title_key_sv", "title_key_en", "modified")
    ),
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

# Derived, the same way: how many documents of each organisation and state have a value of a
# clicked facet (`facet`, `value`: theme, organisation, format, licence, HVD category) together
# with each value of another facet, so that one such click (the home page's themes) reads its
# counts here instead of counting a quarter of the catalogue (torget.search.counts).
search_facet_pairs = sa.Table(
    "search_facet_pairs",
    metadata,
    # The clicked value first: a search reads one value's rows through the key's prefix.
    sa.Column("facet", sa.String(20), primary_key=True),
    sa.Column("value", sa.String(500), primary_key=True),
    sa.Column("organisation_id", sa.String(_ID), primary_key=True),
    sa.Column("state", sa.String(20), primary_key=True),
    sa.Column("other_facet", sa.String(20), primary_key=True),
    sa.Column("other_value", sa.String(500), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

# One row: a number every write to the search index adds one to, in its transaction, so that
# a process keeping something derived from the index (torget.search.bitmaps) sees any change.
search_index_version = sa.Table(
    "search_index_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# Which documents each version of the index added or removed (a document is never changed in
# place: reindexing removes it and adds a new one), so that a process brings what it keeps up
# to date by the change instead of reading the whole index again (torget.search.bitmaps).
search_index_changes = sa.Table(
    "search_index_changes",
    metadata,
    sa.Column("version", sa.BigInteger, primary_key=True),
    sa.Column("doc_id", sa.Integer, primary_key=True, autoincrement=False),
)

# Derived: every term the documents were indexed with, for typo tolerance (torget.search.terms).
search_terms = sa.Table(
    "search_terms",
    metadata,
    sa.Column("term", _binary_text(100), primary_key=True),
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

# Use statistics (torget.usage): requests counted per dataset, distribution, day, kind and
# whether a bot asked; no address or person. `period` is "day", or "month" for daily rows
# older than `usage_daily_days` that the worker summed (`day` is then the month's first day).
# `distribution_id` is "" for what concerns the dataset as a whole (its page, its record).
usage_counts = sa.Table(
    "usage_counts",
    metadata,
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("period", sa.String(5), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True, index=True),
    sa.Column("distribution_id", sa.String(_ID), primary_key=True),
    sa.Column("kind", sa.String(10), primary_key=True),  # view, download, api, query
    sa.Column("bot", sa.Boolean, primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
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
# `primary_key` (a JSON list of column names, or NULL) is what upserts match rows by; it
# outlives swaps and goes with the row when the table is dropped.
datastore_tables = sa.Table(
    "datastore_tables",
    metadata,
    sa.Column("distribution_id", sa.String(_ID), primary_key=True),
    sa.Column("job_id", sa.String(_ID), nullable=False),
    sa.Column("file", sa.String(300), nullable=False),
    sa.Column("row_count", sa.BigInteger, nullable=False),
    sa.Column("columns", sa.Text, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("primary_key", sa.Text),
)


# --- Participation (torget.participation, torget.mail, torget.ratelimit) ---------------------
# Public accounts, suggestions and votes, comments, follows, webhooks and showcases. A person's
# rows point at `users` with ON DELETE SET NULL where the row must outlive an erased account
# (GDPR erasure keeps suggestions, votes and comments, anonymised), CASCADE where it is theirs
# alone (tokens, follows).


def _user_ref(
    name: str,
    ondelete: str = "SET NULL",
    *,
    nullable: bool = True,
    index: bool = False,
    primary_key: bool = False,
) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.String(_ID),
        sa.ForeignKey("users.id", ondelete=ondelete),
        nullable=nullable,
        index=index,
        primary_key=primary_key,
    )


# One-time links sent by e-mail: verify an address, reset a password. Stored hashed (SHA-256)
# like API tokens, single use, with an expiry.
account_tokens = sa.Table(
    "account_tokens",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    _user_ref("user_id", "CASCADE", nullable=False, index=True),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("purpose IN ('verify_email', 'reset_password')", name="purpose"),
)

# Outgoing e-mail, written in the same transaction as the change it reports (an outbox): a
# rolled-back change sends nothing, and a failed send is retried by the worker.
mail_queue = sa.Table(
    "mail_queue",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.String(500), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Index("ix_mail_queue_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),
)

# Fixed-window counters: `bucket` names the action and the account or address
# ("vote:user:<id>", "register:ip:<addr>"); old windows are deleted as new ones open.
rate_limit_hits = sa.Table(
    "rate_limit_hits",
    metadata,
    sa.Column("bucket", sa.String(200), primary_key=True),
    sa.Column("window_start", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("hits", sa.Integer, nullable=False),
)

suggestions = sa.Table(
    "suggestions",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id"),
        nullable=False,
        index=True,
    ),
    _user_ref("author_id", index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),  # why it matters, in the author's words
    sa.Column("theme", sa.String(200)),  # an EU data theme IRI
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_reason", sa.Text),  # public: why declined, what is planned
    sa.Column("dataset_id", sa.String(_ID), sa.ForeignKey("datasets.id", ondelete="SET NULL")),
    # Kept in step with `votes` in the same transaction (+1 only when a vote row was
    # inserted), so lists rank by it without counting.
    sa.Column("vote_count", sa.Integer, nullable=False, default=0),
    sa.Column("answered_at", sa.DateTime(timezone=True)),  # first planned/published/declined
    *_timestamps(),
    sa.CheckConstraint(
        "status IN ('new', 'under_review', 'planned', 'published', 'declined')", name="status"
    ),
    sa.Index("ix_suggestions_status_vote_count", "status", "vote_count"),
    sa.Index("ix_suggestions_created_at", "created_at"),
)

suggestion_history = sa.Table(
    "suggestion_history",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "suggestion_id",
        sa.String(_ID),
        sa.ForeignKey("suggestions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    _user_ref("actor_id"),
    sa.Column("from_status", sa.String(20)),
    sa.Column("to_status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("dataset_id", sa.String(_ID)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# One vote per account per suggestion. An erased account's votes stay, anonymised (user_id
# NULL: NULLs never collide in a unique constraint), so demand is not lost.
votes = sa.Table(
    "votes",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "suggestion_id",
        sa.String(_ID),
        sa.ForeignKey("suggestions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _user_ref("user_id", index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("suggestion_id", "user_id", name="uq_votes_suggestion_id_user_id"),
)

# Questions and comments on a dataset or a suggestion; `by_publisher` marks an answer from an
# editor of the organisation concerned. Hiding keeps the row; moderation_log says who and why.
comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("subject_type", sa.String(20), nullable=False),
    sa.Column("subject_id", sa.String(_ID), nullable=False),
    sa.Column("parent_id", sa.String(_ID), sa.ForeignKey("comments.id", ondelete="CASCADE")),
    _user_ref("author_id", index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("by_publisher", sa.Boolean, nullable=False, default=False),
    sa.Column("hidden_at", sa.DateTime(timezone=True)),
    sa.Column("hidden_reason", sa.Text),
    *_timestamps(),
    sa.CheckConstraint("subject_type IN ('dataset', 'suggestion')", name="subject_type"),
    sa.Index("ix_comments_subject_type_subject_id", "subject_type", "subject_id", "created_at"),
)

moderation_log = sa.Table(
    "moderation_log",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "comment_id",
        sa.String(_ID),
        sa.ForeignKey("comments.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    _user_ref("actor_id"),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('hide', 'restore')", name="action"),
)

follows = sa.Table(
    "follows",
    metadata,
    _user_ref("user_id", "CASCADE", nullable=False, primary_key=True),
    sa.Column("subject_type", sa.String(20), primary_key=True),
    sa.Column("subject_id", sa.String(_ID), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # When this follower was last mailed that the followed dataset was updated: at most one
    # such mail an hour (torget.participation.follows), however often a publisher saves.
    sa.Column("update_mailed_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint(
        "subject_type IN ('dataset', 'organisation', 'suggestion')", name="subject_type"
    ),
    sa.Index("ix_follows_subject_type_subject_id", "subject_type", "subject_id"),
)

# Outgoing webhooks of an organisation. The secret signs each body (HMAC-SHA256), so unlike
# passwords and API tokens it must be kept readable; it is shown to the admin once.
webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("events", sa.Text, nullable=False),  # JSON list of event names
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    *_timestamps(),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "webhook_id",
        sa.String(_ID),
        sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("event", sa.String(50), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("state IN ('pending', 'delivered', 'failed')", name="state"),
    sa.Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
)

showcases = sa.Table(
    "showcases",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("image_key", sa.String(300)),  # a key in the file store
    _user_ref("author_id", index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("review_reason", sa.Text),
    _user_ref("reviewed_by"),
    sa.Column("reviewed_at", sa.DateTime(timezone=True)),
    *_timestamps(),
    sa.CheckConstraint("kind IN ('app', 'visualisation', 'article')", name="kind"),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
    sa.Index("ix_showcases_status_created_at", "status", "created_at"),
)

showcase_datasets = sa.Table(
    "showcase_datasets",
    metadata,
    sa.Column(
        "showcase_id",
        sa.String(_ID),
        sa.ForeignKey("showcases.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


# The data dictionary: what each column means, in Swedish and English. Keyed by the column's
# name, not a table version, so the descriptions carry over to every new load of the file.
datastore_columns = sa.Table(
    "datastore_columns",
    metadata,
    sa.Column("distribution_id", sa.String(_ID), primary_key=True),
    sa.Column("name", sa.String(300), primary_key=True),
    sa.Column("description_sv", sa.Text),
    sa.Column("description_en", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


# The types an editor chose for columns of a distribution's table (issue 17), by column name
# like the dictionary, so that every later load of the file types those columns so.
datastore_column_types = sa.Table(
    "datastore_column_types",
    metadata,
    sa.Column("distribution_id", sa.String(_ID), primary_key=True),
    sa.Column("name", sa.String(300), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


# --- Publishing inventory (torget.publishing.inventory): what an organisation means to publish,
# before it exists as a draft. A candidate that became a dataset keeps the dataset's id; the
# history outlives the candidate (no foreign key to it), so what was planned and done stays
# readable after a candidate is removed.
inventory_candidates = sa.Table(
    "inventory_candidates",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("title_sv", sa.String(200), nullable=False),
    sa.Column("title_en", sa.String(200)),
    sa.Column("department", sa.String(200)),
    sa.Column("description", sa.Text),
    sa.Column("benefits", sa.Text, nullable=False),  # JSON list of benefit area codes
    sa.Column("effort", sa.String(10)),
    sa.Column("hvd_category", sa.String(200)),  # an HVD category IRI
    sa.Column("contact_name", sa.String(200)),
    sa.Column("contact_email", sa.String(320)),
    sa.Column("dataset_id", sa.String(_ID), sa.ForeignKey("datasets.id", ondelete="SET NULL")),
    sa.Column("promoted_at", sa.DateTime(timezone=True)),
    *_timestamps(),
    sa.CheckConstraint("effort IN ('small', 'medium', 'large')", name="effort"),
)

inventory_candidate_suggestions = sa.Table(
    "inventory_candidate_suggestions",
    metadata,
    sa.Column(
        "candidate_id",
        sa.String(_ID),
        sa.ForeignKey("inventory_candidates.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "suggestion_id",
        sa.String(_ID),
        sa.ForeignKey("suggestions.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

inventory_history = sa.Table(
    "inventory_history",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("candidate_id", sa.String(_ID), nullable=False, index=True),
    _user_ref("actor_id"),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("changes", sa.Text, nullable=False),  # JSON {field: [before, after]}
    sa.Column("dataset_id", sa.String(_ID)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(
        "action IN ('created', 'updated', 'imported', 'promoted', 'deleted')", name="action"
    ),
    sa.Index("ix_inventory_history_organisation_id", "organisation_id", "created_at"),
)

# One row per organisation that has chosen; no row: the inventory is not public.
inventory_settings = sa.Table(
    "inventory_settings",
    metadata,
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


# --- Publishing gates (torget.publishing.gates, issue 13 B): what an organisation settles
# before it publishes a dataset of its own. Each settlement keeps who settled it and when; a
# person's erasure keeps the settlement and forgets the person (SET NULL), as comments do.
_LEVEL = "BETWEEN 0 AND 2"

# The information classification (confidentiality, integrity, availability at level 0-2, as
# in Göteborg's model); only confidentiality 0 may be published.
dataset_classifications = sa.Table(
    "dataset_classifications",
    metadata,
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("confidentiality", sa.Integer, nullable=False),
    sa.Column("integrity", sa.Integer, nullable=False),
    sa.Column("availability", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    _user_ref("set_by"),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f"confidentiality {_LEVEL}", name="confidentiality"),
    sa.CheckConstraint(f"integrity {_LEVEL}", name="integrity"),
    sa.CheckConstraint(f"availability {_LEVEL}", name="availability"),
)

# The personal-data guard's last scan of each distribution's data: `source` is the file it
# read (a changed download URL is a scan still to come), `findings` a JSON list of {column,
# kind, count, examples (masked)}. `state` "blocked": a load of a published distribution that
# was refused, so the previous table stayed current.
personal_data_scans = sa.Table(
    "personal_data_scans",
    metadata,
    sa.Column(
        "distribution_id",
        sa.String(_ID),
        sa.ForeignKey("distributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("job_id", sa.String(_ID), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("findings", sa.Text, nullable=False),
    sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('clear', 'findings', 'blocked')", name="state"),
)

# An organisation admin's sign-off of one kind of personal data in one column of a
# distribution, with the justification; keyed by the column's name, so it holds for every new
# load of the file with the same columns (a new column or kind needs its own).
personal_data_signoffs = sa.Table(
    "personal_data_signoffs",
    metadata,
    sa.Column(
        "distribution_id",
        sa.String(_ID),
        sa.ForeignKey("distributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("column_name", sa.String(300), primary_key=True),
    sa.Column("kind", sa.String(30), primary_key=True),
    sa.Column("justification", sa.Text, nullable=False),
    _user_ref("signed_by"),
    sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
)

# The rest of a dataset's checklist: a licence outside CC0/CC BY with its justification, the
# second person's approval (four eyes), and a publication asked for while a scan was pending
# (the dataset is published when the scan passes).
dataset_gates = sa.Table(
    "dataset_gates",
    metadata,
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("licence_justification", sa.Text),
    _user_ref("licence_justified_by"),
    sa.Column("licence_justified_at", sa.DateTime(timezone=True)),
    _user_ref("approved_by"),
    sa.Column("approved_at", sa.DateTime(timezone=True)),
    _user_ref("publish_requested_by"),
    sa.Column("publish_requested_at", sa.DateTime(timezone=True)),
    # what was approved (`publishing.approvals`): a later change makes the approval lapse
    sa.Column("approved_content", sa.Text),
)

# Per organisation: whether a second person must approve a publication (four eyes); no row,
# or false: one editor may publish. Inherited down the organisation tree.
publishing_settings = sa.Table(
    "publishing_settings",
    metadata,
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("four_eyes", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# --- Audit log (torget.publishing.audit; issue 20) --------------------------------------------
# Who changed what in the catalogue, when and through which path: one row per change, with the
# fields it changed (JSON {field: [before, after]}: a dataset's metadata versions). Append-only:
# no code updates or deletes a row, and migration 0019's triggers refuse both, except the
# erasure of an account setting `actor_id` to NULL. No foreign key to the subject or its
# organisation: the history outlives what it tells of.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    _user_ref("actor_id"),
    sa.Column("actor_kind", sa.String(10), nullable=False),  # person | system
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("subject_type", sa.String(20), nullable=False),
    sa.Column("subject_id", sa.String(_ID), nullable=False),
    sa.Column("subject_name", sa.String(200), nullable=False),
    sa.Column("organisation_id", sa.String(_ID), nullable=False),
    sa.Column("changes", sa.Text, nullable=False),
    sa.CheckConstraint("actor_kind IN ('person', 'system')", name="actor_kind"),
    sa.CheckConstraint(
        "channel IN ('pages', 'api', 'ckan', 'cli', 'harvest', 'worker')", name="channel"
    ),
    sa.Index("ix_audit_log_organisation_id_id", "organisation_id", "id"),
    sa.Index("ix_audit_log_subject_id_id", "subject_id", "id"),
)


# --- Harvesting (torget.harvest): other catalogues gathered into this one. A source belongs to
# an organisation; each run is kept with its report; each harvested dataset has one origin row
# (which source, the original IRI, the hash of its description), and a dataset with an origin
# is changed by its source only (`torget.publishing.changes`).
harvest_sources = sa.Table(
    "harvest_sources",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("contact_email", sa.String(320)),
    sa.Column("interval_hours", sa.Integer),  # null: run by hand only
    sa.Column("on_vanish", sa.String(10), nullable=False),
    sa.Column("publisher_organisations", sa.Boolean, nullable=False),
    sa.Column("load_datastore", sa.Boolean, nullable=False),  # load CSV, XLSX, GeoJSON files
    sa.Column("etag", sa.String(500)),
    sa.Column("last_modified", sa.String(100)),
    sa.Column("page_hashes", sa.Text),  # JSON [[url, sha256], …] of the last run's documents
    sa.Column("next_run_at", sa.DateTime(timezone=True)),
    *_timestamps(),
    sa.CheckConstraint("on_vanish IN ('delete', 'withdraw')", name="on_vanish"),
)

harvest_runs = sa.Table(
    "harvest_runs",
    metadata,
    sa.Column("id", sa.String(_ID), primary_key=True),
    sa.Column(
        "source_id",
        sa.String(_ID),
        sa.ForeignKey("harvest_sources.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("created", sa.Integer, nullable=False, default=0),
    sa.Column("updated", sa.Integer, nullable=False, default=0),
    sa.Column("unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("removed", sa.Integer, nullable=False, default=0),
    sa.Column("skipped", sa.Integer, nullable=False, default=0),
    sa.Column("error", sa.Text),
    sa.Column("problems", sa.Text, nullable=False),  # JSON list of problems
    sa.CheckConstraint("state IN ('running', 'done', 'failed')", name="state"),
    sa.Index("ix_harvest_runs_source_id_started_at", "source_id", "started_at"),
)

harvest_origins = sa.Table(
    "harvest_origins",
    metadata,
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "source_id",
        sa.String(_ID),
        sa.ForeignKey("harvest_sources.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("original_iri", sa.String(2000), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),  # JSON: machine-translated fields, …
    sa.Column("withdrawn", sa.Boolean, nullable=False),
    sa.Column("harvested_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source_id", "original_iri", name="uq_harvest_origins_source_iri"),
)


# --- Specifications (torget.specifications, issue 16) ----------------------------------------
# Specifications an administrator added (a schema.json uploaded or fetched); the built-in ones
# live in code and torget/specdata/. A row with a built-in's name and version replaces it (an
# official schema imported over a derived one).
specifications = sa.Table(
    "specifications",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("version", sa.String(30), primary_key=True),
    sa.Column("title_sv", sa.String(300), nullable=False),
    sa.Column("title_en", sa.String(300), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("source", sa.String(2000), nullable=False),
    sa.Column("table_schema", sa.Text, nullable=False),  # Frictionless Table Schema, JSON
    *_timestamps(),
    sa.CheckConstraint("status IN ('official', 'derived')", name="status"),
)

# The last validation of each distribution's current table against the specification it
# declares (dcterms:conformsTo): written after every load, read by the badge and the facet.
specification_conformance = sa.Table(
    "specification_conformance",
    metadata,
    sa.Column(
        "distribution_id",
        sa.String(_ID),
        sa.ForeignKey("distributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("job_id", sa.String(_ID), nullable=False),
    sa.Column("specification_iri", sa.String(2000), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("rows_checked", sa.BigInteger, nullable=False),
    sa.Column("error_count", sa.BigInteger, nullable=False),
    sa.Column("report", sa.Text, nullable=False),  # JSON: counts per rule, first problems
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('conforms', 'warnings', 'fails')", name="state"),
)


# --- Datastore versions and refresh (torget.datastore.versions, .refresh; issue 20) ----------
# One row per completed load: its file while kept, and what changed against the load before it
# (by the distribution's chosen key, or by whole row). The counts outlive the file; the file
# goes after the organisation's retention period (`datastore_retention`, default 30 days).
datastore_versions = sa.Table(
    "datastore_versions",
    metadata,
    sa.Column("job_id", sa.String(_ID), primary_key=True),
    sa.Column("distribution_id", sa.String(_ID), nullable=False),
    sa.Column("previous_job_id", sa.String(_ID)),
    sa.Column("file", sa.String(300)),  # relative to datastore_dir; NULL once removed
    sa.Column("row_count", sa.BigInteger, nullable=False),
    sa.Column("columns", sa.Text, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("superseded_at", sa.DateTime(timezone=True)),
    sa.Column("comparison", sa.String(10), nullable=False),  # first | key | row | failed
    sa.Column("key", sa.Text),  # JSON list of the key columns compared by
    sa.Column("rows_added", sa.BigInteger),
    sa.Column("rows_removed", sa.BigInteger),
    sa.Column("rows_changed", sa.BigInteger),
    sa.Column("sample", sa.Text),  # JSON: a few added, removed and changed rows
    sa.Column("note", sa.Text),  # why the key was not used, columns added or dropped, …
    sa.CheckConstraint("comparison IN ('first', 'key', 'row', 'failed')", name="comparison"),
    sa.Index("ix_datastore_versions_distribution_id_loaded_at", "distribution_id", "loaded_at"),
)

# The key an editor chose to compare a distribution's loads by (a JSON list of columns).
datastore_diff_keys = sa.Table(
    "datastore_diff_keys",
    metadata,
    sa.Column(
        "distribution_id",
        sa.String(_ID),
        sa.ForeignKey("distributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("columns", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Scheduled refresh of a distribution whose data comes from an external URL: the validators of
# the last answer (conditional requests), the content hash of the last file loaded, and the
# last attempt's outcome, which editors see as a status line.
datastore_refresh = sa.Table(
    "datastore_refresh",
    metadata,
    sa.Column(
        "distribution_id",
        sa.String(_ID),
        sa.ForeignKey("distributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("etag", sa.String(300)),
    sa.Column("last_modified", sa.String(100)),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("state IN ('loaded', 'unchanged', 'failed')", name="state"),
)

# Per organisation: how many days a superseded version of a table stays downloadable.
datastore_retention = sa.Table(
    "datastore_retention",
    metadata,
    sa.Column(
        "organisation_id",
        sa.String(_ID),
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("days", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


# --- Freshness, reminders and link checks (torget.publishing.freshness, .reminders, .links;
# issue 20). A published dataset's due date is kept so that search can filter on it; the
# reminders sent are kept so that none goes out twice; each external distribution URL's last
# check is kept with when it last worked and since when it has been broken.
dataset_due_dates = sa.Table(
    "dataset_due_dates",
    metadata,
    sa.Column(
        "dataset_id",
        sa.String(_ID),
        sa.ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("last_change_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), index=True),  # null: no schedule
)

# One row per (address, what it was told about): `topic` names the dataset and the due date or
# the broken URL, so a new due date or a new breakage is a new reminder and an old one never
# comes again. `sent_at` also spaces the digests: one per address per day.
reminders_sent = sa.Table(
    "reminders_sent",
    metadata,
    sa.Column("recipient", sa.String(320), primary_key=True),
    sa.Column("topic", sa.String(400), primary_key=True, index=True),  # what was told, to whom
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
)

reminder_unsubscribes = sa.Table(
    "reminder_unsubscribes",
    metadata,
    sa.Column("recipient", sa.String(320), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

link_checks = sa.Table(
    "link_checks",
    metadata,
    sa.Column(
        "distribution_id",
        sa.String(_ID),
        sa.ForeignKey("distributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("url", sa.String(2000), primary_key=True),
    sa.Column("status", sa.Integer),  # the final answer's HTTP status; null: no answer
    sa.Column("content_type", sa.String(200)),
    sa.Column("size", sa.BigInteger),
    sa.Column("final_url", sa.String(2000)),
    sa.Column("error", sa.Text),  # why the link counts as broken; null when it works
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_success_at", sa.DateTime(timezone=True)),
    sa.Column("last_failure_at", sa.DateTime(timezone=True)),
    sa.Column("broken_since", sa.DateTime(timezone=True)),
)
