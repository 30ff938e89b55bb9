"""`torget links check [--dataset ID]` and `torget reminders send`: the link checker and the
reminders' digests by hand (the worker runs both on its own schedule). A thin shell over
`torget.publishing.links` and `.upkeep`; `torget/cli.py` adds the groups with one line each.

Output for scripts: `links check` prints one line per broken link and a summary last, and
exits 1 when a link is broken.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import click

from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import get_dataset
from torget.db.engine import read
from torget.publishing.links import link_checks_of, run_checks
from torget.publishing.upkeep import remind
from torget.site import Site

__all__ = ["upkeep_commands"]


class _HasSite(Protocol):
    def site(self) -> Site: ...


def upkeep_commands(
    pass_state: Callable[..., Any], reported: Callable[[], AbstractContextManager[None]]
) -> list[click.Group]:
    """The `links` and `reminders` groups over the CLI's state and its error reporting."""

    @click.group()
    def links() -> None:
        """Check external distribution links (README: Link checker)."""

    @links.command("check")
    @click.option("--dataset", "dataset_ref", default=None, help="Id or name of one dataset.")
    @pass_state
    def check(state: _HasSite, dataset_ref: str | None) -> None:
        """Check every external link now (or one dataset's)."""
        with reported():
            site = state.site()
            dataset_id = None
            if dataset_ref is not None:
                with read(site.engine) as conn:
                    dataset_id = get_dataset(conn, SYSTEM, dataset_ref).id
            summary = run_checks(site.engine, site.settings, dataset_id=dataset_id)
            with read(site.engine) as conn:
                dataset = None if dataset_id is None else get_dataset(conn, SYSTEM, dataset_id)
                kept = None if dataset is None else [d.id for d in dataset.distributions]
                for found in link_checks_of(conn, kept):
                    if found.broken:
                        click.echo(f"broken: {found.url} ({found.error})")
        click.echo(f"{summary.checked} links checked, {summary.broken} broken")
        if summary.broken:
            sys.exit(1)

    @click.group()
    def reminders() -> None:
        """Reminders of datasets that fall due and of broken links."""

    @reminders.command("send")
    @pass_state
    def send(state: _HasSite) -> None:
        """Queue today's digests now (the worker does it every hour)."""
        from torget.web.sessions import session_secret

        with reported():
            site = state.site()
            queued = remind(site.engine, site.settings, session_secret(site.settings))
        click.echo(f"{queued} digests queued")

    return [links, reminders]
