"""The worker's periodic task: every minute, run the harvest sources whose time has come."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from huey import Huey, crontab

from torget.harvest.run import run_due
from torget.settings import Settings

__all__ = ["schedule_harvests"]


def schedule_harvests(huey: Huey, engine: sa.Engine, settings: Settings) -> Any:
    """Register the task on the worker's huey; returns it."""

    def harvest() -> None:
        run_due(engine, settings)

    return huey.periodic_task(crontab(minute="*"), name="torget.harvest.due")(harvest)
