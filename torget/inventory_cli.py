"""`torget inventory …`: an organisation's inventory from the command line, so a municipality
can script step A (import its spreadsheet, list by priority, export, make drafts).

The commands run with the command line's authority (`SYSTEM`), like `torget org`, over the
library functions the pages and the API call (`torget.publishing.inventory*`).
"""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager
from pathlib import Path

import click
import sqlalchemy as sa

from torget.accounts.permissions import COMMAND_LINE, SYSTEM
from torget.db.engine import read, write
from torget.publishing import inventory, inventory_changes, inventory_files

__all__ = ["inventory_group"]


def _engine(ctx: click.Context) -> sa.Engine:
    # The shell's own state: imported here, as torget.cli imports this module at its top.
    from torget.cli import _State

    return ctx.ensure_object(_State).engine()


def _reported() -> AbstractContextManager[None]:
    from torget.cli import _reported as reported

    return reported()


@click.group("inventory")
def inventory_group() -> None:
    """An organisation's inventory: the datasets it plans to publish."""


@inventory_group.command("import")
@click.argument("organisation")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_file(ctx: click.Context, organisation: str, file: Path) -> None:
    """Add and change candidates from a CSV or XLSX FILE, all or nothing."""
    with _reported(), write(_engine(ctx)) as conn:
        report = inventory_files.import_inventory(conn, SYSTEM, organisation, file.read_bytes())
    click.echo(f"imported {file.name}: {report.created} added, {report.updated} changed, "
               f"{report.unchanged} unchanged")  # fmt: skip


@inventory_group.command("export")
@click.argument("organisation")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write; standard output by default.")  # fmt: skip
@click.pass_context
def export_file(ctx: click.Context, organisation: str, fmt: str, output: Path | None) -> None:
    """Write the inventory as CSV or XLSX, highest priority first."""
    with _reported(), read(_engine(ctx)) as conn:
        content = inventory_files.export_inventory(conn, SYSTEM, organisation, fmt)
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(content)
        click.echo(f"wrote {output}", err=True)


@inventory_group.command("list")
@click.argument("organisation")
@click.option("--json", "as_json", is_flag=True, help="The API's JSON instead of a table.")
@click.pass_context
def list_candidates(ctx: click.Context, organisation: str, as_json: bool) -> None:
    """List the candidates, highest priority first, each with why."""
    with _reported(), read(_engine(ctx)) as conn:
        found = inventory.read_inventory(conn, SYSTEM, organisation)
    if as_json:
        click.echo(json.dumps(found.as_json(""), ensure_ascii=False, indent=2))
        return
    for x in found.candidates:
        state = f"dataset {x.dataset_name}" if x.dataset_name else "candidate"
        click.echo(f"{x.id}\t{x.priority.score}\t{x.title_sv}\t{state}\t{x.priority.explained()}")


@inventory_group.command("promote")
@click.argument("candidate")
@click.option("--name", default=None, help="The dataset's web name; made from the title.")
@click.pass_context
def promote(ctx: click.Context, candidate: str, name: str | None) -> None:
    """Make CANDIDATE (its id) a draft dataset; its name is printed on the last line."""
    with _reported(), write(_engine(ctx)) as conn:
        dataset = inventory_changes.promote_candidate(conn, COMMAND_LINE, candidate, name)
    click.echo(f"candidate {candidate} is now the draft dataset:")
    click.echo(dataset.name)
