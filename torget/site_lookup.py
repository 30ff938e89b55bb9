"""The site a database connection belongs to.

Domain functions and event subscribers receive a connection, yet some need more of the site
than the database: the public address for a link in an e-mail, the queue for a new datastore
job, the mailer to wake after the commit. `Site.open` (torget/site.py) makes the site's engine
carry the site as an execution option, so every connection from that engine finds it here,
typed. There is no registry and no default: a connection from an engine that no site opened
has no site, and whatever needs one says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from torget.settings import Settings
    from torget.site import Site

__all__ = ["SITE_OPTION", "NoSite", "site_of", "find_site", "settings_of"]

SITE_OPTION = "torget_site"


class NoSite(RuntimeError):
    """A connection that no `Site` opened was asked for its site: a programming error."""


def find_site(conn: sa.Connection) -> Site | None:
    """The site of this connection's engine, or None for an engine no site opened."""
    site: Site | None = conn.get_execution_options().get(SITE_OPTION)
    return site


def site_of(conn: sa.Connection, needed_for: str) -> Site:
    """The site of this connection's engine; `NoSite` naming `needed_for` when there is none."""
    site = find_site(conn)
    if site is None:
        raise NoSite(
            f"{needed_for} needs the site: use an engine from torget.site.Site.open(settings), "
            "not a bare make_engine()"
        )
    return site


def settings_of(conn: sa.Connection) -> Settings:
    """The settings of the connection's site (its public address, its limits)."""
    return site_of(conn, "reading the site's settings").settings
