"""`torget datastore refresh`, `diff-key`, `versions` and `retention`: scheduled refresh on
demand, the key loads are compared by, what changed in each load, and how long an
organisation keeps superseded versions (issue 20). A thin shell over
`torget.datastore.refresh` and `version_store`; `torget/cli.py` adds these commands to its
`datastore` group with one line, giving them its way to the site and its error reporting.

Output for scripts: `refresh` prints one line per distribution, `<id> <state>: <message>`, and
exits 1 when any refresh failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import click

from torget.accounts.permissions import SYSTEM
from torget.catalog.organisations import get_organisation
from torget.clock import now
from torget.datastore import refresh as refreshing
from torget.datastore import version_store
from torget.db.engine import read, write
from torget.site import Site

__all__ = ["datastore_commands"]


class _HasSite(Protocol):
    def site(self) -> Site: ...


def datastore_commands(
    pass_state: Callable[..., Any], reported: Callable[[], AbstractContextManager[None]]
) -> list[click.Command]:
    """The commands, over the CLI's state (`pass_state`) and its error reporting."""

    @click.command("refresh")
    @click.argument("distribution_id", required=False)
    @click.option("--due", is_flag=True, help="Every distribution due by its update frequency.")
    @pass_state
    def refresh(state: _HasSite, distribution_id: str | None, due: bool) -> None:
        """Fetch a distribution's external data again (conditional request) and load it if it
        changed; with --due, every distribution whose update frequency says it is time."""
        if bool(distribution_id) == due:
            raise click.UsageError("give a DISTRIBUTION_ID or --due, not both")
        with reported():
            site = state.site()
            ids = (
                [distribution_id]
                if distribution_id
                else refreshing.due_distributions(site.settings, site.engine, now())
            )
            outcomes = [refreshing.refresh(site.settings, site.engine, i) for i in ids]
        for o in outcomes:
            click.echo(f"{o.distribution_id} {o.state}: {o.message}")
        if not outcomes:
            click.echo("nothing is due")
        if any(o.state == "failed" for o in outcomes):
            sys.exit(1)

    @click.command("diff-key")
    @click.argument("distribution_id")
    @click.argument("columns", nargs=-1)
    @pass_state
    def diff_key(state: _HasSite, distribution_id: str, columns: tuple[str, ...]) -> None:
        """Compare DISTRIBUTION_ID's loads by COLUMNS (none: by whole row) from the next load."""
        with reported():
            site = state.site()
            with write(site.engine) as conn:
                version_store.set_key(conn, SYSTEM, site.settings.datastore_path,
                                      distribution_id, list(columns))  # fmt: skip
        click.echo(f"compared by {', '.join(columns)}" if columns else "compared by whole row")

    @click.command("versions")
    @click.argument("distribution_id")
    @pass_state
    def versions(state: _HasSite, distribution_id: str) -> None:
        """A distribution's loads, the newest first, with what changed in each (JSON)."""
        with reported():
            site = state.site()
            with read(site.engine) as conn:
                found = version_store.history(conn, SYSTEM, site.settings.datastore_path,
                                              distribution_id)  # fmt: skip
        click.echo(json.dumps([v.as_json() for v in found], ensure_ascii=False, indent=2))

    @click.command("retention")
    @click.argument("organisation")
    @click.argument("days", type=int, required=False)
    @pass_state
    def retention(state: _HasSite, organisation: str, days: int | None) -> None:
        """Show, or set to DAYS, how long ORGANISATION's superseded table versions are kept."""
        with reported():
            site = state.site()
            with write(site.engine) as conn:
                org = get_organisation(conn, organisation)
                if days is not None:
                    version_store.set_retention(conn, SYSTEM, org.id, days)
                kept = version_store.retention_days(conn, org.id)
        click.echo(f"{org.name}: superseded versions are kept {kept} days")

    return [refresh, diff_key, versions, retention]
