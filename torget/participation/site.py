"""The settings participation's event subscribers need, found from their connection.

Subscribers receive only `(conn, event)`, yet an e-mail needs the site's public address and a
webhook its time limits. `attach_participation(engine, settings)` (done by the app and the
worker) records the settings per engine, registers the subscribers and the webhook sender.
"""

from __future__ import annotations

import weakref

import sqlalchemy as sa

from torget.settings import Settings

__all__ = ["attach_settings", "settings_of", "attach_participation"]

_settings: weakref.WeakKeyDictionary[sa.Engine, Settings] = weakref.WeakKeyDictionary()


def attach_settings(engine: sa.Engine, settings: Settings) -> None:
    _settings[engine] = settings


def settings_of(conn: sa.Connection) -> Settings:
    """The settings attached to this connection's engine (the defaults when none were)."""
    return _settings.get(conn.engine) or Settings()


def attach_participation(engine: sa.Engine, settings: Settings) -> None:
    """Settings for the subscribers, the subscribers themselves, and the webhook sender."""
    import torget.participation.comments  # noqa: F401  (registers its subscribers)
    import torget.participation.follows  # noqa: F401
    import torget.participation.suggestion_letters  # noqa: F401
    import torget.participation.webhooks  # noqa: F401
    from torget.participation.webhook_sender import attach_sender

    attach_settings(engine, settings)
    attach_sender(engine, settings)
