"""Bring a database to the newest schema with Alembic, from code or the CLI."""

from __future__ import annotations

from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

__all__ = ["upgrade", "alembic_config"]


def alembic_config(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("torget.db") / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine) -> None:
    command.upgrade(alembic_config(engine), "head")
