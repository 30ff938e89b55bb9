"""What changed between two loads of a distribution's table: rows added, removed and changed.

Both versions are DuckDB files (`tables.py`: one file per load), attached read-only to one
in-memory DuckDB, and compared there in SQL, so no row passes through Python except a small
sample. With a key (the columns an editor chose, `version_store.set_key`) it is one FULL
OUTER JOIN on the key: a row only in the new load was added, only in the old one removed, in
both with any other column different (`IS DISTINCT FROM`, so NULL equals NULL) changed. The
counts and the sample come from the same join: the differing rows are counted per kind with a
window and at most `SAMPLE_ROWS` of each kind kept (`QUALIFY`), so the two tables are read
once. `bench/load_diff.py` measures it against DuckDB's own `EXCEPT` queries on 1 M rows.

A key with NULLs or duplicates in either load cannot pair rows. Then the loads are compared
by whole row (`EXCEPT` both ways: a row that changed counts as one removed and one added;
identical rows count once, since `EXCEPT ALL` costs 2.5 times as much on 1 M rows) and the
note says why. Columns that are in one load only are left out of the comparison and
named in the notes; a column whose type changed is compared as text.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from torget.datastore.infer import quote_ident
from torget.datastore.notes import Note

__all__ = ["SAMPLE_ROWS", "Note", "Changes", "compare", "key_problems", "table_columns"]

SAMPLE_ROWS = 10
_LONGEST = 300  # characters of a sampled text value
_IN = "__torget_in"  # marks the side a joined row came from; no column is named so


@dataclass(frozen=True)
class Changes:
    comparison: str  # "key" or "row"
    key: list[str]
    added: int
    removed: int
    changed: int  # 0 by whole row: a changed row is one removed and one added
    sample: dict[str, list[dict[str, Any]]]
    notes: list[Note] = field(default_factory=list)


@contextmanager
def _attached(old: Path, new: Path, memory_limit: str,
              spill: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:  # fmt: skip
    config: dict[str, Any] = {"memory_limit": memory_limit, "threads": 2}
    if spill is not None:  # an in-memory database spills only where it is told to
        config["temp_directory"] = str(spill)
    con = duckdb.connect(":memory:", config=config)
    try:
        con.execute(f"ATTACH '{_literal(old)}' AS o (READ_ONLY)")
        con.execute(f"ATTACH '{_literal(new)}' AS n (READ_ONLY)")
        yield con
    finally:
        con.close()


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def table_columns(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, str]:
    """The columns of `data` in an attached file (without `_id`) and their types, in order."""
    found = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
        "AND schema_name = 'main' AND table_name = 'data' AND column_name <> '_id' "
        "ORDER BY column_index",
        [database],
    ).fetchall()
    return {str(name): str(kind) for name, kind in found}


def key_problems(con: duckdb.DuckDBPyConnection, table: str, key: list[str]) -> list[Note]:
    """Why `key` cannot pair the rows of `table` (a qualified name): NULLs, duplicates."""
    cols = ", ".join(quote_ident(k) for k in key)
    null = " OR ".join(f"{quote_ident(k)} IS NULL" for k in key)
    nulls, duplicates, example = con.execute(
        f"SELECT (SELECT count(*) FROM {table} WHERE {null}), count(*), any_value(k) FROM "
        f"(SELECT CAST(({cols}) AS VARCHAR) AS k FROM {table} WHERE NOT ({null}) "
        f"GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone() or (0, 0, None)
    named = ", ".join(key)
    notes = []
    if nulls:
        notes.append(Note("key_nulls", {"key": named, "count": nulls},
                          f"the key {named} is empty in {nulls} row(s)"))  # fmt: skip
    if duplicates:
        notes.append(Note("key_duplicates", {"key": named, "count": duplicates, "example": example},
                          f"the key {named} has {duplicates} value(s) in more than one row, "
                          f"e.g. {example}"))  # fmt: skip
    return notes


def _jsonable(value: Any) -> Any:
    """A sampled value for the stored JSON; long texts cut, as the sample is for reading."""
    if isinstance(value, str):
        return value if len(value) <= _LONGEST else value[: _LONGEST - 1] + "…"
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _side(name: str, kinds: dict[str, tuple[str, str]], prefix: str) -> str:
    """A column of one side, as text when its type differs between the loads."""
    ref = f"{prefix}.{quote_ident(name)}"
    old_type, new_type = kinds[name]
    return ref if old_type == new_type else f"CAST({ref} AS VARCHAR)"


def _by_key(con: duckdb.DuckDBPyConnection, key: list[str],
            kinds: dict[str, tuple[str, str]]) -> Changes:  # fmt: skip
    others = [c for c in kinds if c not in key]
    on = " AND ".join(f"{_side(k, kinds, 'a')} = {_side(k, kinds, 'b')}" for k in key)
    differs = (
        " OR ".join(
            f"{_side(c, kinds, 'a')} IS DISTINCT FROM {_side(c, kinds, 'b')}" for c in others
        )
        or "false"
    )
    keys = [f"coalesce({_side(k, kinds, 'b')}, {_side(k, kinds, 'a')}) AS k{i}"
            for i, k in enumerate(key)]  # fmt: skip
    sides = [f"{_side(c, kinds, p)} AS {p}{i}" for i, c in enumerate(others) for p in ("a", "b")]
    rows = con.execute(
        f"SELECT kind, count(*) OVER (PARTITION BY kind), * EXCLUDE (kind) FROM ("
        f"SELECT CASE WHEN a.{_IN} IS NULL THEN 'added' WHEN b.{_IN} IS NULL THEN 'removed' "
        f"ELSE 'changed' END AS kind, {', '.join([*keys, *sides])} "
        f"FROM (SELECT true AS {_IN}, * FROM o.data) a "
        f"FULL JOIN (SELECT true AS {_IN}, * FROM n.data) b "
        f"ON {on} WHERE a.{_IN} IS NULL OR b.{_IN} IS NULL OR {differs}) "
        f"QUALIFY row_number() OVER (PARTITION BY kind) <= {SAMPLE_ROWS}"
    ).fetchall()
    counts = {"added": 0, "removed": 0, "changed": 0}
    sample: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    for kind, count, *values in rows:
        counts[kind] = count
        sample[kind].append(_sampled(kind, key, others, values))
    for rows_of_kind in sample.values():
        rows_of_kind.sort(key=lambda r: [str(v) for v in r["key"].values()])
    return Changes("key", key, counts["added"], counts["removed"], counts["changed"], sample)


def _sampled(kind: str, key: list[str], others: list[str], values: list[Any]) -> dict[str, Any]:
    """One sampled row: its key, and its values (added, removed) or what changed."""
    ident = {k: _jsonable(v) for k, v in zip(key, values, strict=False)}
    pairs = values[len(key) :]
    before = {c: pairs[2 * i] for i, c in enumerate(others)}
    after = {c: pairs[2 * i + 1] for i, c in enumerate(others)}
    if kind in ("added", "removed"):
        kept = after if kind == "added" else before
        return {"key": ident, "values": {c: _jsonable(v) for c, v in kept.items()}}
    changed = {c: {"before": _jsonable(before[c]), "after": _jsonable(after[c])}
               for c in others if before[c] != after[c]}  # fmt: skip
    return {"key": ident, "changes": changed}


def _except(con: duckdb.DuckDBPyConnection, first: str, second: str,
            names: list[str]) -> tuple[int, list[dict[str, Any]]]:  # fmt: skip
    """How many distinct rows of `first` are not in `second`, and a few of them."""
    cols = ", ".join(names)
    rows = con.execute(
        f"WITH d AS MATERIALIZED (SELECT {cols} FROM {first} EXCEPT SELECT {cols} FROM {second}) "
        f"SELECT (SELECT count(*) FROM d), * FROM d LIMIT {SAMPLE_ROWS}"
    ).fetchall()
    headers = [n.strip('"').replace('""', '"') for n in names]
    sample = [{"key": {}, "values": dict(zip(headers, map(_jsonable, r[1:]), strict=True))}
              for r in rows]  # fmt: skip
    return (rows[0][0] if rows else 0), sample


def _by_row(con: duckdb.DuckDBPyConnection, kinds: dict[str, tuple[str, str]]) -> Changes:
    if not kinds:  # no column in both loads: no row of one can be found in the other
        (added,) = con.execute("SELECT count(*) FROM n.data").fetchone() or (0,)
        (removed,) = con.execute("SELECT count(*) FROM o.data").fetchone() or (0,)
        unpaired = Note("no_common_columns", {}, "no column is in both loads: every row differs")
        sample: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
        return Changes("row", [], added, removed, 0, sample, [unpaired])
    old_cols = [f"CAST({quote_ident(c)} AS VARCHAR)" if kinds[c][0] != kinds[c][1]
                else quote_ident(c) for c in kinds]  # fmt: skip
    added, added_rows = _except(con, "n.data", "o.data", old_cols)
    removed, removed_rows = _except(con, "o.data", "n.data", old_cols)
    sample = {"added": added_rows, "removed": removed_rows, "changed": []}
    return Changes("row", [], added, removed, 0, sample)


def _column_notes(old: dict[str, str], new: dict[str, str]) -> list[Note]:
    notes = []
    gone = [c for c in old if c not in new]
    came = [c for c in new if c not in old]
    if came:
        notes.append(Note("columns_added", {"columns": ", ".join(came)},
                          f"new column(s) {', '.join(came)}, not compared"))  # fmt: skip
    if gone:
        named = ", ".join(gone)
        message = f"column(s) {named} no longer in the table, not compared"
        notes.append(Note("columns_removed", {"columns": named}, message))
    return notes


def _key_notes(con: duckdb.DuckDBPyConnection, key: list[str],
               kinds: dict[str, tuple[str, str]]) -> list[Note]:  # fmt: skip
    """Why `key` cannot pair the two loads' rows; [] when it can."""
    missing = [k for k in key if k not in kinds]
    if missing:
        named = ", ".join(missing)
        return [Note("key_missing", {"key": named},
                     f"the key column(s) {named} are not in both loads")]  # fmt: skip
    return key_problems(con, "o.data", key) + key_problems(con, "n.data", key)


def compare(old: Path, new: Path, key: list[str], memory_limit: str = "1GB",
            spill: Path | None = None) -> Changes:  # fmt: skip
    """What changed from the table in file `old` to the one in `new`: by `key` when it pairs
    the rows of both, else by whole row, with notes saying why. `spill` is a folder for what
    does not fit in `memory_limit`."""
    with _attached(old, new, memory_limit, spill) as con:
        old_types, new_types = table_columns(con, "o"), table_columns(con, "n")
        kinds = {c: (old_types[c], t) for c, t in new_types.items() if c in old_types}
        refused = _key_notes(con, key, kinds) if key else []
        found = _by_key(con, key, kinds) if key and not refused else _by_row(con, kinds)
    notes = _column_notes(old_types, new_types) + refused
    if refused:
        notes.append(Note("compared_by_row", {}, "compared by whole row instead"))
    return Changes(found.comparison, found.key, found.added, found.removed, found.changed,
                   found.sample, notes + found.notes)  # fmt: skip
