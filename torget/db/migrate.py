"""Bring a database to the newest schema with Alembic, from code or the CLI."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import sqlalchemy as sa

from torget.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["upgrade", "alembic_config"]


def alembic_config(engine: sa.Engine, settings: Settings | None = None) -> Config:
    """Alembic's configuration; `settings`, when known, tell data migrations the site's
    address (0012 recognises the site's own file addresses by it)."""
    # Alembic (with Mako and Pygments) costs 0.25 s to import; a site that is up to date
    # needs it only here, not in every `torget` process's start
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("torget.db") / "migrations"))
    config.attributes["engine"] = engine
    config.attributes["settings"] = settings
    return config


def upgrade(engine: sa.Engine, settings: Settings | None = None) -> None:
    """Migrate the database to the newest revision. One already there is only read: Alembic
    would read and compile every migration script on each call to find that out (~30 ms of
    CPU), and a process opens sites many times (the test suite thousands)."""
    head = _head()
    if head is not None and _revision(engine) == head:
        return
    from alembic import command

    command.upgrade(alembic_config(engine, settings), "head")


@cache
def _head() -> str | None:
    """The newest revision of the migration scripts (None while they have several heads, as
    between two branches' migrations: Alembic then refuses to upgrade, and says why)."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory(str(resources.files("torget.db") / "migrations")).get_heads()
    return heads[0] if len(heads) == 1 else None


def _revision(engine: sa.Engine) -> str | None:
    """The database's revision, None for a database Alembic has not migrated yet."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
