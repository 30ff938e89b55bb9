"""`torget validate`: load a catalogue, check it, print one line per finding.

With no source, the running Torget's `/datasets/dcat` is fetched; when nothing answers there,
the local database's feed is rendered and checked instead, so the command also works offline.
"""

from __future__ import annotations

from collections.abc import Callable

import click
import sqlalchemy as sa

from torget.db.engine import read
from torget.dcat.feed import iter_catalogue
from torget.dcat.parse import CatalogueLoadError, load_graph
from torget.dcat.validation import summarise, validate_graph
from torget.settings import Settings

__all__ = ["run_validation"]


def run_validation(
    settings: Settings,
    source: str | None,
    *,
    shacl: bool,
    warnings: bool,
    engine: Callable[[], sa.Engine],
) -> int:
    """Validate and report; the exit status is 1 when there is any violation."""
    if source is None:
        url = f"{settings.public_base}/datasets/dcat"
        try:
            graph = load_graph(url)
            click.echo(f"validating {url}")
        except CatalogueLoadError as exc:
            click.echo(f"{exc}; validating the local database's feed instead")
            with read(engine()) as conn:
                body = b"".join(iter_catalogue(conn, settings, "rdf"))
            graph = load_graph(body, format="xml")
    else:
        click.echo(f"validating {source}")
        try:
            graph = load_graph(source)
        except CatalogueLoadError as exc:  # which file or address, and why: not a traceback
            click.echo(f"error: {exc}", err=True)
            return 1
    findings = validate_graph(graph, shacl=shacl)
    for finding in findings:
        if warnings or finding.severity == "violation":
            click.echo(finding.format())
    click.echo(f"{len(graph)} triples; " + summarise(findings))
    return 1 if any(f.severity == "violation" for f in findings) else 0
