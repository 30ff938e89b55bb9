"""`torget checklist` (and `checklist rescan`), `classify`, `signoff`, `approve`,
`justify-licence`: a dataset's publishing checklist from the command line (issue 13 B), so a
municipality can script step B.

The commands run with the command line's authority (`SYSTEM`), like `torget org`, over the
library functions the pages and the API call (`torget.publishing`); each refusal is one line
with its code, and the exit status is 1.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager

import click
import sqlalchemy as sa

from torget.accounts.permissions import COMMAND_LINE, SYSTEM
from torget.catalog import datasets as store
from torget.db.engine import read, write
from torget.errors import NotFound
from torget.publishing import guard, settlements
from torget.publishing.checklist import checklist
from torget.publishing.rescan import datasets_to_rescan, rescan_datasets

__all__ = ["COMMANDS"]


def _engine(ctx: click.Context) -> sa.Engine:
    from torget.cli import _State  # the shell's own state; torget.cli imports this module

    return ctx.ensure_object(_State).engine()


def _reported() -> AbstractContextManager[None]:
    from torget.cli import _reported as reported

    return reported()


def _show(conn: sa.Connection, ref: str, as_json: bool) -> bool:
    found = checklist(conn, store.get_dataset(conn, SYSTEM, ref), SYSTEM)
    if as_json:
        click.echo(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
        return found.ready
    for item in found.items:
        who = (
            f" ({item.settled.by or 'command line'}, {item.settled.at:%Y-%m-%d})"
            if item.settled
            else ""
        )
        why = f": {item.message} [{item.code}]" if item.code and item.state != "passed" else ""
        click.echo(f"{item.key}\t{item.state}{who}{why}")
        for result in item.details if item.key == "personal_data" else []:
            for f in result.get("findings", []):
                examples = ", ".join(f["examples"])
                click.echo(f"  {result['distribution_id']}\t{f['column']}\t{f['kind']}\t"
                           f"{f['count']}\t{examples}")  # fmt: skip
    click.echo("ready to publish" if found.ready else "not ready to publish")
    return found.ready


class _ChecklistGroup(click.Group):
    """`torget checklist DATASET` shows the checklist; `torget checklist rescan …` is a
    subcommand (a first word that names no subcommand is the dataset)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands:
            args = ["show", *args]
        return super().resolve_command(ctx, args)


@click.group("checklist", cls=_ChecklistGroup)
def checklist_command() -> None:
    """A dataset's publishing checklist: `torget checklist DATASET` shows it, `torget
    checklist rescan` runs the personal-data guard again."""


@checklist_command.command("show")
@click.argument("dataset")
@click.option("--json", "as_json", is_flag=True, help="The checklist as the JSON API gives it.")
@click.pass_context
def show_command(ctx: click.Context, dataset: str, as_json: bool) -> None:
    """DATASET's publishing checklist: each item's state and who settled it. Exits with 1
    when the dataset could not be published now."""
    with _reported(), read(_engine(ctx)) as conn:
        ready = _show(conn, dataset, as_json)
    ctx.exit(0 if ready else 1)


@checklist_command.command("rescan")
@click.argument("dataset", required=False)
@click.option("--all", "every", is_flag=True, help="Every dataset (of --organisation).")
@click.option("--organisation", default=None, help="With --all: only this organisation's.")
@click.pass_context
def rescan_command(
    ctx: click.Context, dataset: str | None, every: bool, organisation: str | None
) -> None:
    """Run the personal-data guard again on DATASET's current tables (or with --all, on every
    dataset's, or an organisation's), e.g. after the detector improved; a finding nobody
    signed off re-opens the checklist's item. Exits with 1 when one did."""
    from torget.cli import _State

    if (dataset is None) == (not every) or (organisation and not every):
        raise click.UsageError("give a DATASET, or --all (with --organisation ORG)")
    engine = _engine(ctx)
    settings = ctx.ensure_object(_State).settings
    with _reported():
        refs = [dataset] if dataset else datasets_to_rescan(engine, organisation)
        results = rescan_datasets(engine, settings, refs)
    for r in results:
        click.echo(f"{r.dataset_id}\t{r.distribution_id}\t{r.state}")
        for f in r.findings:
            click.echo(f"  {f.column}\t{f.kind}\t{f.count}\t{', '.join(f.examples)}")
    opened = sum(r.state == "findings" for r in results)
    click.echo(f"{len(results)} distribution(s) rescanned, {opened} with unsigned findings")
    ctx.exit(1 if opened else 0)


@click.command("classify")
@click.argument("dataset")
@click.option("--confidentiality", type=int, required=True, help="0, 1 or 2; only 0 is open.")
@click.option("--integrity", type=int, required=True, help="0, 1 or 2.")
@click.option("--availability", type=int, required=True, help="0, 1 or 2.")
@click.option("--reason", required=True, help="Why these levels.")
@click.pass_context
def classify_command(ctx: click.Context, /, dataset: str, reason: str, **levels: int) -> None:
    """Classify DATASET (Göteborg's model: confidentiality, integrity, availability)."""
    with _reported(), write(_engine(ctx)) as conn:
        done = settlements.classify(conn, COMMAND_LINE, dataset, reason=reason, **levels)
    click.echo(f"{dataset} classified C{done.confidentiality} I{done.integrity} "
               f"A{done.availability}")  # fmt: skip


@click.command("signoff")
@click.argument("dataset")
@click.option("--justification", required=True, help="Why this personal data may be published.")
@click.option("--distribution", default=None, help="Only this distribution (id).")
@click.pass_context
def signoff_command(
    ctx: click.Context, dataset: str, justification: str, distribution: str | None
) -> None:
    """Sign off the personal data the guard found in DATASET (as an organisation admin)."""
    with _reported(), write(_engine(ctx)) as conn:
        found = store.get_dataset(conn, SYSTEM, dataset)
        ids = [distribution] if distribution else [d.id for d in found.distributions]
        signed = 0
        for dist_id in ids:
            try:
                signed += len(guard.sign_off(conn, COMMAND_LINE, dist_id, justification))
            except NotFound:
                if distribution:
                    raise
    click.echo(f"{signed} finding(s) of {dataset} signed off")


@click.command("approve")
@click.argument("dataset")
@click.option("--user", "user_name", required=True, help="The approving editor's account.")
@click.pass_context
def approve_command(ctx: click.Context, dataset: str, user_name: str) -> None:
    """Record USER's approval of DATASET's publication (four eyes)."""
    from torget.accounts.permissions import Channel, actor_for
    from torget.accounts.users import get_user

    with _reported(), write(_engine(ctx)) as conn:
        approver = actor_for(conn, get_user(conn, user_name)).via(Channel.CLI)
        settlements.approve(conn, approver, dataset)
    click.echo(f"{dataset} approved by {user_name}")


@click.command("justify-licence")
@click.argument("dataset")
@click.option("--justification", required=True, help="Why a licence other than CC0 or CC BY.")
@click.pass_context
def justify_licence_command(ctx: click.Context, dataset: str, justification: str) -> None:
    """Say why DATASET uses an open licence other than CC0 1.0 or CC BY 4.0."""
    with _reported(), write(_engine(ctx)) as conn:
        settlements.justify_licence(conn, COMMAND_LINE, dataset, justification)
    click.echo(f"{dataset}: licence justified")


@click.command("publish")
@click.argument("dataset")
@click.pass_context
def publish_command(ctx: click.Context, dataset: str) -> None:
    """Publish DATASET, if its checklist passes (or, while only a scan runs, when it passes)."""
    from torget.publishing.changes import patch_dataset

    with _reported(), write(_engine(ctx)) as conn:
        done = patch_dataset(conn, COMMAND_LINE, dataset, {"state": "published"})
    click.echo(f"{dataset} published" if done.state == "published"
               else f"{dataset}: publication waits for the personal-data scan")  # fmt: skip


COMMANDS = (
    checklist_command,
    publish_command,
    classify_command,
    signoff_command,
    approve_command,
    justify_licence_command,
)
