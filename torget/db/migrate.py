"""Bring a database to the newest schema with Alembic, from code or the CLI."""

from __future__ import annotations

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
    from alembic import command

    command.upgrade(alembic_config(engine, settings), "head")
