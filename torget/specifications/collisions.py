"""Rows of different sources with the same key in a combined national table.

A specification's primary key (`primaryKey`, else each field marked `unique`) identifies a row
within one publisher's file: `place_id` `1` in one municipality's bathing places and `1` in
another's are different places, and two sources with the same rows (one dataset harvested from
two catalogues) are still two sources. So the combined table keeps every row, and a row is
identified nationally by its source and its key (`source_distribution` and the key's columns);
nothing is dropped or merged. Where a key's value appears in more than one source, each of those
sources' report entries says so (`collisions`: the key, how many of its rows, a few of the
values and a few of the other sources), so that an aggregator who uses the key alone knows. A
repeated key within one source is the conformance check's `unique` problem, counted in that
source's own report.
"""

from __future__ import annotations

from typing import Any

import duckdb

from torget.datastore.infer import quote_ident
from torget.specifications.registry import Specification

__all__ = ["keys_of", "key_collisions"]

_SHOWN = 5


def keys_of(spec: Specification) -> list[list[str]]:
    """The specification's keys: its primary key, else each unique field on its own."""
    names = {f.name for f in spec.fields}
    primary = spec.schema.get("primaryKey")
    if isinstance(primary, str):
        primary = [primary]
    if isinstance(primary, list) and primary and all(k in names for k in primary):
        return [[str(k) for k in primary]]
    return [[f.name] for f in spec.fields if f.unique]


def key_collisions(
    con: duckdb.DuckDBPyConnection, spec: Specification, table: str, entries: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Per distribution (`source_distribution`) whose rows share a key with another source's
    in `table`: the key, its rows that do, a few such values and a few of the other sources
    (organisation and dataset, from the report's `entries`)."""
    names = {e["distribution"]: f"{e['organisation']}/{e['dataset']}" for e in entries}
    found: dict[str, dict[str, Any]] = {}
    for key in keys_of(spec):
        cols = ", ".join(quote_ident(k) for k in key)
        present = " AND ".join(f"{quote_ident(k)} IS NOT NULL" for k in key)
        value = f"concat_ws(' | ', {cols})"
        rows = con.execute(
            f"WITH k AS (SELECT source_distribution AS src, {cols} FROM {table} WHERE {present}), "
            f"shared AS (SELECT {cols}, list(DISTINCT src ORDER BY src)[1:{_SHOWN + 1}] AS srcs "
            f"FROM k GROUP BY {cols} HAVING count(DISTINCT src) > 1) "
            f"SELECT k.src, count(*), list({value} ORDER BY {value})[1:{_SHOWN}], "
            f"list_distinct(flatten(list(shared.srcs))) "
            f"FROM k JOIN shared USING ({cols}) GROUP BY k.src ORDER BY k.src"
        ).fetchall()
        for src, count, values, others in rows:
            if src in found:
                continue
            other = sorted(names.get(o, o) for o in others if o != src)[:_SHOWN]
            found[src] = {"key": key, "rows": int(count), "values": list(values), "with": other}
    return found
