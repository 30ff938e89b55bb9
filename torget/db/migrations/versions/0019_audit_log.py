"""issue 20's audit log: who changed what, when and through which path, append-only

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 05:45:00.000000

The table is append-only in the database as well as in the code: triggers refuse a DELETE and
any UPDATE but the one the schema's own `ON DELETE SET NULL` makes when an account is erased
(`actor_id` to NULL, nothing else changed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_REFUSAL = "the audit log is append-only"
_KEPT = (
    "id, at, actor_kind, channel, action, subject_type, subject_id, subject_name, "
    "organisation_id, changes"
)

_POSTGRES = [
    f"""
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
         AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION '{_REFUSAL}';
    END $$
    """,
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]

_SQLITE = [
    f"""
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END
    """,
    f"""
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF {_KEPT} ON audit_log
    BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END
    """,
    f"""
    CREATE TRIGGER audit_log_actor_only_erased BEFORE UPDATE OF actor_id ON audit_log
    WHEN NEW.actor_id IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END
    """,
]


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_kind", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "actor_kind IN ('person', 'system')", name=op.f("ck_audit_log_actor_kind")
        ),
        sa.CheckConstraint(
            "channel IN ('pages', 'api', 'ckan', 'cli', 'harvest', 'worker')",
            name=op.f("ck_audit_log_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_log_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_organisation_id_id", "audit_log", ["organisation_id", "id"])
    op.create_index("ix_audit_log_subject_id_id", "audit_log", ["subject_id", "id"])
    for statement in _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.drop_table("audit_log")
