"""`torget harvest`: add sources, run them (all, or one) with progress, list them, and show a
source's last runs with their reports. A thin shell over `torget.harvest`; `torget/cli.py`
adds the group with one line, giving it its way to the site and its error reporting.

Output for scripts: `add` prints the new source's id alone on its last line; `run` exits 1 when
a run failed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import click

from torget.accounts.permissions import COMMAND_LINE, SYSTEM
from torget.db.engine import read, write
from torget.harvest import sources
from torget.harvest.problems import hint
from torget.harvest.run import run_source
from torget.harvest.sources import Run
from torget.harvest.types import SOURCE_TYPES
from torget.publishing.changes import remove_harvest_source
from torget.site import Site

__all__ = ["harvest_commands"]


class _HasSite(Protocol):
    def site(self) -> Site: ...


def _counts(run: Run) -> str:
    return (
        f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
        f"{run.removed} removed, {run.skipped} skipped"
    )


def _print_run(run: Run, *, problems: bool) -> None:
    finished = run.finished_at.isoformat(timespec="seconds") if run.finished_at else "-"
    click.echo(
        f"  {run.started_at.isoformat(timespec='seconds')} {run.state}: {_counts(run)}"
        f" (finished {finished})"
    )
    if run.error:
        click.echo(f"    error: {run.error}")
    if problems:
        for p in run.problems:
            where = " ".join(x for x in (p.dataset, p.property) if x)
            click.echo(f"    {p.severity}: {where + ': ' if where else ''}{p.detail}")
            if fix := hint(p.code, "en"):
                click.echo(f"      fix: {fix}")


def harvest_commands(
    pass_state: Callable[..., Any], reported: Callable[[], AbstractContextManager[None]]
) -> click.Group:
    """The `harvest` group over the CLI's state (`pass_state`) and its error reporting."""

    @click.group()
    def harvest() -> None:
        """Gather other catalogues into this one (docs/harvest.md)."""

    @harvest.command("add")
    @click.argument("url")
    @click.option("--organisation", required=True, help="Short name of the owning organisation.")
    @click.option(
        "--type", "kind", type=click.Choice(sorted(SOURCE_TYPES)), default="dcat", show_default=True
    )
    @click.option("--title", default=None, help="Name shown in reports (default: the URL).")
    @click.option("--contact", default=None, help="E-mail for reports of failed runs.")
    @click.option(
        "--every",
        type=int,
        default=None,
        help="Hours between scheduled runs; 0 by hand only (default: the setting).",
    )
    @click.option(
        "--keep-withdrawn",
        is_flag=True,
        help="Keep datasets that vanish from the source as drafts, not deleted.",
    )
    @click.option(
        "--load-datastore",
        is_flag=True,
        help="Load the CSV, XLSX and GeoJSON files of harvested datasets into the datastore.",
    )
    @click.option(
        "--publisher-organisations",
        is_flag=True,
        help="An organisation per publisher the source names, under ORGANISATION.",
    )
    @pass_state
    def add(
        state: _HasSite,
        url: str,
        organisation: str,
        kind: str,
        title: str | None,
        contact: str | None,
        every: int | None,
        keep_withdrawn: bool,
        load_datastore: bool,
        publisher_organisations: bool,
    ) -> None:
        """Add a source; prints its id."""
        with reported():
            site = state.site()
            hours = site.settings.harvest_interval_hours if every is None else every
            with write(site.engine) as conn:
                source = sources.add_source(
                    conn,
                    SYSTEM,
                    organisation=organisation,
                    type=kind,
                    url=url,
                    known_types=tuple(SOURCE_TYPES),
                    title=title,
                    contact_email=contact,
                    interval_hours=hours,
                    on_vanish="withdraw" if keep_withdrawn else "delete",
                    publisher_organisations=publisher_organisations,
                    load_datastore=load_datastore,
                )
        click.echo(source.id)

    @harvest.command("run")
    @click.argument("source_id", metavar="[SOURCE]", required=False)
    @pass_state
    def run(state: _HasSite, source_id: str | None) -> None:
        """Run one source now, or every source when none is named."""
        with reported():
            site = state.site()
            with read(site.engine) as conn:
                chosen = (
                    [sources.get_source(conn, SYSTEM, source_id)]
                    if source_id
                    else sources.list_sources(conn, SYSTEM)
                )
            failed = 0
            with click.progressbar(
                chosen,
                label="harvesting",
                file=sys.stderr,
                item_show_func=lambda s: s.title if s else "",
            ) as bar:
                for source in bar:

                    def progress(stage: str, title: str = source.title) -> None:
                        click.echo(f"\n{title}: {stage}", err=True, nl=False)

                    result = run_source(site.engine, site.settings, source.id, progress)
                    click.echo(f"{source.title}: {result.state}: {_counts(result)}")
                    if result.error:
                        click.echo(f"  error: {result.error}")
                    failed += result.state == "failed"
        if failed:
            sys.exit(1)

    @harvest.command("list")
    @pass_state
    def list_(state: _HasSite) -> None:
        """Every source with its last run."""
        with reported():
            site = state.site()
            with read(site.engine) as conn:
                for source in sources.list_sources(conn, SYSTEM):
                    last = sources.runs_of(conn, source.id, 1)
                    status = f"{last[0].state}: {_counts(last[0])}" if last else "not run yet"
                    click.echo(
                        f"{source.id}  {source.organisation}  {source.type}  "
                        f"{source.url}  [{status}]"
                    )

    @harvest.command("show")
    @click.argument("source_id", metavar="SOURCE")
    @click.option("--runs", default=5, show_default=True, help="How many runs to show.")
    @pass_state
    def show(state: _HasSite, source_id: str, runs: int) -> None:
        """A source and its last runs with their reports."""
        with reported():
            site = state.site()
            with read(site.engine) as conn:
                source = sources.get_source(conn, SYSTEM, source_id)
                found = sources.runs_of(conn, source.id, runs)
            every = f"every {source.interval_hours} h" if source.interval_hours else "by hand"
            click.echo(f"{source.title} ({source.type}, {every}) for {source.organisation}")
            click.echo(f"  {source.url}")
            for result in found:
                _print_run(result, problems=True)

    @harvest.command("remove")
    @click.argument("source_id", metavar="SOURCE")
    @click.option(
        "--keep-datasets",
        is_flag=True,
        help="Keep the source's datasets as ordinary datasets of their organisations "
        "(default: delete them with the source).",
    )
    @pass_state
    def remove(state: _HasSite, source_id: str, keep_datasets: bool) -> None:
        """Remove a source with its runs, and delete or keep its datasets (one transaction)."""
        with reported():
            site = state.site()
            with write(site.engine) as conn:
                count = remove_harvest_source(
                    conn, COMMAND_LINE, source_id, keep_datasets=keep_datasets
                )
        what = "kept as local datasets" if keep_datasets else "deleted"
        click.echo(f"removed {source_id}; {count} datasets {what}")

    return harvest
