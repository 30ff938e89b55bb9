"""The data dictionary of a loaded table: what each column means, in Swedish and English.

Descriptions are rows of `datastore_columns`, keyed by distribution and column name rather
than by table version, so a new load of the file keeps them for every column it still has
(and a column that comes back gets its description back). Editors of the dataset's
organisation write them; anyone who may read the distribution reads them. Saving replaces
the whole dictionary, as a PUT does: a column left out or left empty loses its description.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.datasets import get_dataset, get_distribution
from torget.clock import now
from torget.db.schema import datastore_columns
from torget.errors import FieldError, ValidationFailed

__all__ = [
    "MAX_DESCRIPTION",
    "ColumnDescription",
    "DescribedColumn",
    "descriptions",
    "describe_columns",
    "replace_descriptions",
    "remove_descriptions",
]

MAX_DESCRIPTION = 2000


@dataclass(frozen=True)
class ColumnDescription:
    """What one column means; either language may be missing."""

    name: str
    sv: str | None = None
    en: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.sv or self.en)

    def as_json(self) -> dict[str, str | None]:
        return {"sv": self.sv, "en": self.en}


@dataclass(frozen=True)
class DescribedColumn:
    """A column of the current table with its type and its description, if any."""

    name: str
    type: str
    description: ColumnDescription | None

    def as_json(self) -> dict[str, Any]:
        described = self.description.as_json() if self.description else None
        return {"name": self.name, "type": self.type, "description": described}


def descriptions(conn: sa.Connection, distribution_id: str) -> dict[str, ColumnDescription]:
    """Every stored description of the distribution's columns, by column name.

    The caller has checked that the reader may read the distribution."""
    rows = conn.execute(
        sa.select(datastore_columns).where(datastore_columns.c.distribution_id == distribution_id)
    )
    return {r.name: ColumnDescription(r.name, r.description_sv, r.description_en) for r in rows}


def describe_columns(
    columns: Iterable[dict[str, Any]], described: dict[str, ColumnDescription]
) -> list[DescribedColumn]:
    """The table's columns (name and type, as `Table.columns`) with their descriptions."""
    return [DescribedColumn(c["name"], c["type"], described.get(c["name"])) for c in columns]


def _clean(value: str | None) -> str | None:
    text = (value or "").replace("\r\n", "\n").strip()
    return text or None


def _check(items: Sequence[ColumnDescription], columns: Sequence[str]) -> list[ColumnDescription]:
    problems: list[FieldError] = []
    seen: set[str] = set()
    cleaned = []
    for i, item in enumerate(items):
        if item.name not in columns:
            message = f"no column {item.name!r} in the loaded table; columns: {', '.join(columns)}"
            problems.append(FieldError(f"columns.{i}.name", message))
        elif item.name in seen:
            problems.append(FieldError(f"columns.{i}.name", f"column {item.name!r} is given twice"))
        seen.add(item.name)
        for lang, text in (("sv", item.sv), ("en", item.en)):
            if text is not None and len(text) > MAX_DESCRIPTION:
                problems.append(
                    FieldError(
                        f"columns.{i}.description.{lang}",
                        f"at most {MAX_DESCRIPTION} characters (this one has {len(text)})",
                    )
                )
        cleaned.append(ColumnDescription(item.name, _clean(item.sv), _clean(item.en)))
    if problems:
        raise ValidationFailed(problems)
    return [c for c in cleaned if not c.empty]


def replace_descriptions(
    conn: sa.Connection,
    actor: Actor,
    distribution_id: str,
    items: Sequence[ColumnDescription],
    columns: Sequence[str],
) -> dict[str, ColumnDescription]:
    """Make `items` the distribution's whole dictionary; `columns` are the names in its
    current table, the only ones that may be described. Needs the editor role in the
    dataset's organisation (PermissionDenied otherwise, NotFound if it cannot read it)."""
    dist = get_distribution(conn, actor, distribution_id)
    dataset = get_dataset(conn, actor, dist.dataset_id)
    actor.require(dataset.organisation_id, "editor", "describe the columns of this table")
    kept = _check(items, columns)
    remove_descriptions(conn, distribution_id)
    stamp = now()
    if kept:
        conn.execute(
            datastore_columns.insert(),
            [
                {
                    "distribution_id": distribution_id,
                    "name": c.name,
                    "description_sv": c.sv,
                    "description_en": c.en,
                    "updated_at": stamp,
                }
                for c in kept
            ],
        )
    return {c.name: c for c in kept}


def remove_descriptions(conn: sa.Connection, distribution_id: str) -> None:
    conn.execute(
        datastore_columns.delete().where(datastore_columns.c.distribution_id == distribution_id)
    )
