"""`torget maturity [ORG] [--json]`: an organisation's level of open-data maturity, each
criterion's value against the next level's threshold and its next steps; without ORG, every
organisation side by side with the role model of each criterion. The same functions as the
pages and the JSON API (`torget.maturity`), in Swedish or English (`--lang`)."""

from __future__ import annotations

import json

import click

from torget.db.engine import read
from torget.mail.language import translator
from torget.maturity.levels import LEVELS, Criterion
from torget.maturity.report import Comparison, Maturity, comparison, organisation_maturity

__all__ = ["maturity_command"]


def _value(c: Criterion, value: float | None) -> str:
    if value is None:
        return "-"
    if c.unit == "share":
        return f"{round(value * 100)} %"
    return f"{value:g}"


def _print_one(found: Maturity, lang: str, base: str) -> None:
    _ = translator(lang).gettext
    a = found.assessment
    click.echo(f"{found.organisation.name}: {a.level} {_(LEVELS[a.level])}")
    for v in a.verdicts:
        mark = "ok" if v.holds else "--"
        c = v.criterion
        limit = "" if v.threshold is None else ("<= " if c.at_most else ">= ")
        limit += _value(c, v.threshold) if v.threshold is not None else ""
        click.echo(f"  {mark} {_(c.label):<48} {_value(c, v.value):>8}  {limit}")
    for number, step in enumerate(found.steps, 1):
        click.echo(f"{number}. [{step.level}] {step.text(_)}")
        for n in step.named:
            click.echo(f"     - {n.text(lang)}  {base}{n.href}")
        if step.more:
            click.echo(f"     … +{step.more}")


def _print_all(found: Comparison, lang: str) -> None:
    _ = translator(lang).gettext
    for m in found.organisations:
        click.echo(f"{m.level}  {_(LEVELS[m.level]):<14} {m.organisation.name}")
    for r in found.role_models:
        value = _value(r.criterion, r.value)
        click.echo(f"{_(r.criterion.label)}: {r.organisation.name} ({value})")


@click.command("maturity")
@click.argument("organisation", required=False)
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.pass_context
def maturity_command(
    ctx: click.Context, organisation: str | None, as_json: bool, lang: str
) -> None:
    """The open-data maturity of ORGANISATION, or of every organisation side by side."""
    from torget.cli import _reported, _State  # the shell's own; torget.cli imports this module

    with _reported():
        site = ctx.ensure_object(_State).site()
    base = site.settings.public_base
    with _reported(), read(site.engine) as conn:
        one = organisation_maturity(conn, site.settings, organisation) if organisation else None
        every = None if organisation else comparison(conn, site.settings)
    gettext = translator(lang).gettext
    if as_json:
        body = (one or every).as_json(gettext, lang, base)  # type: ignore[union-attr]
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    elif one is not None:
        _print_one(one, lang, base)
    elif every is not None:
        _print_all(every, lang)
