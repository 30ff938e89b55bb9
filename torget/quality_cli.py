"""`torget quality [ORG] [--json]`: the MQA report of an organisation (with its units) or of the
whole catalogue, Sveriges dataportal's rules beside it, with the worst datasets and their
hints; `--hvd` prints the high-value datasets' report as CSV instead. Runs with the command
line's authority (`SYSTEM`), drafts included, over the same functions as the JSON API
(`torget.quality`)."""

from __future__ import annotations

import csv
import json
import sys

import click

from torget.accounts.permissions import SYSTEM
from torget.catalog.organisations import get_organisation
from torget.db.engine import read
from torget.quality.dataportal import RULES
from torget.quality.hvd import REPORT_COLUMNS, hvd_report
from torget.quality.mqa import DIMENSIONS
from torget.quality.report import QualityReport, quality_report

__all__ = ["quality_command"]


def _print(report: QualityReport, limit: int, lang: str) -> None:
    s = report.score
    who = report.organisation or "catalogue"
    click.echo(
        f"{who}: {s.points:.2f} of 405 points ({s.rating}), "
        f"{s.datasets} datasets, {s.distributions} distributions"
    )
    for name in DIMENSIONS:
        click.echo(f"  {name:<17}{s.dimension(name):7.2f}")
    portal = report.portal
    click.echo(
        f"Sveriges dataportal's rules: {portal.complete} of {portal.datasets} datasets "
        "meet every rule"
    )
    for rule in RULES:
        click.echo(f"  {rule:<19}{portal.passed[rule]:5d} of {portal.datasets}")
    click.echo("worst first:")
    for q in report.worst_first()[:limit]:
        click.echo(f"{q.score.points:7.2f}  {q.score.rating:<10} {q.state:<9} {q.name}")
        for hint in q.hints:
            where = (
                f"{hint.field} of {hint.distribution_id}" if hint.distribution_id else hint.field
            )
            click.echo(f"         -{hint.points:.2f}  {where or '-'}: {hint.text(lang)}")


@click.command("quality")
@click.argument("organisation", required=False)
@click.option("--json", "as_json", is_flag=True, help="The whole report as JSON.")
@click.option("--limit", default=20, show_default=True, help="Datasets listed, worst first.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--hvd", is_flag=True, help="The high-value datasets' report as CSV instead.")
@click.pass_context
def quality_command(
    ctx: click.Context, organisation: str | None, as_json: bool, limit: int, lang: str, hvd: bool
) -> None:
    """The EU metadata quality score (MQA) of ORGANISATION or of the whole catalogue."""
    from torget.cli import _reported, _State  # the shell's own; torget.cli imports this module

    with _reported():
        site = ctx.ensure_object(_State).site()
    settings = site.settings
    with _reported(), read(site.engine) as conn:
        if hvd:
            writer = csv.DictWriter(sys.stdout, fieldnames=REPORT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(hvd_report(conn, settings, SYSTEM, organisation))
            return
        org = get_organisation(conn, organisation) if organisation else None
        report = quality_report(conn, settings, SYSTEM, org)
    if as_json:
        click.echo(json.dumps(report.as_json(limit=limit), ensure_ascii=False, indent=2))
    else:
        _print(report, limit, lang)
