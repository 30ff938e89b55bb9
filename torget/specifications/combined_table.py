"""A specification's combined national table as a datastore table: the same query API,
downloads, SQL endpoint and CKAN DataStore actions as any distribution's table.

The datastore names a table by its distribution's id; a combined table has none, so it is named
`specification:<name>:<version>` (`specification:badplatser:1.0`): a colon is in neither a
name nor a version of the registry, nor in a distribution id, so the two kinds of name cannot
meet. `torget.datastore.access.find_table` asks `combined_table` about such a name. Anyone may
read it: it is made only of published datasets' rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from torget.datastore.tables import Table
from torget.specifications.combine import folder_of, report_in
from torget.specifications.registry import Specification, get_specification

__all__ = ["PREFIX", "table_id", "is_combined", "combined_table"]

PREFIX = "specification:"


def table_id(spec: Specification) -> str:
    """The datastore's name of the specification's combined table."""
    return f"{PREFIX}{spec.name}:{spec.version}"


def is_combined(name: str) -> bool:
    return name.startswith(PREFIX)


def combined_table(conn: sa.Connection, root: Path, name: str) -> Table | None:
    """The combined table called `name` (`table_id`), None before its first build; NotFound
    when no specification has that name and version."""
    spec_name, _, version = name.removeprefix(PREFIX).partition(":")
    spec = get_specification(conn, spec_name, version)
    folder = folder_of(root, spec.name, spec.version)
    report = report_in(folder)
    if report is None or "file" not in report:
        return None
    path = folder / str(report["file"])
    built = dt.datetime.fromisoformat(str(report["built_at"]))
    return Table(name, path.stem, path, int(report["rows"]), list(report["columns"]), built)
