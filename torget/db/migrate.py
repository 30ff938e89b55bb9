"""Bring a database to the newest schema with Alembic, from code or the CLI."""

from __future__ import annotations

from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from torget.settings import Settings

__all__ = ["upgrade", "alembic_config"]


def alembic_config(engine: sa.Engine, settings: Settings | None = None) -> Config:
    """Alembic's configuration; `settings`, when known, tell data migrations the site's
    address (0012 recognises the site's own file addresses by it)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("torget.db") / "migrations"))
    config.attributes["engine"] = engine
    config.attributes["settings"] = settings
    return config


def upgrade(engine: sa.Engine, settings: Settings | None = None) -> None:
    command.upgrade(alembic_config(engine, settings), "head")
