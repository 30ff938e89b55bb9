"""What changed between two loads of a table: Torget's comparison against DuckDB's own EXCEPT.

    .venv/bin/python bench/load_diff.py                    # 1 M rows, 5 % changed
    .venv/bin/python bench/load_diff.py --rows 100000 --runs 5

Two DuckDB files as the datastore writes them (a table `data` with `_id` and eight columns:
a code key, text, integers, decimals, dates, a truth value), the second with `--changed` of the
rows changed in one column, half as many removed and as many added. Timed, best of `--runs`:

- `versions.compare` by key (`Kod`): the key checked for NULLs and duplicates in both loads,
  then one FULL OUTER JOIN giving the counts of added, removed and changed rows and a sample
  of each (what a load records);
- `versions.compare` by whole row (no key);
- DuckDB's own `EXCEPT` both ways, counted (`SELECT count(*) FROM (new EXCEPT old)` and the
  reverse) on the same two attached files: the plain way to ask what differs.

Goal (issue 20): the keyed comparison at most twice the EXCEPT queries' time.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from torget.datastore.versions import Changes, compare

T = TypeVar("T")


def _columns(i: str) -> str:
    return (
        f"lpad(CAST({i} AS VARCHAR), 9, '0') AS Kod, 'Namn ' || ({i} % 7919) AS Namn, "
        f"'Gata ' || ({i} % 311) || ', Ort ' || ({i} % 97) AS Adress, {i} % 1000 AS Antal, "
        f"CAST({i} % 100000 AS DECIMAL(12, 2)) / 100 AS Belopp, DATE '2020-01-01' + "
        f"CAST({i} % 2000 AS INTEGER) AS Datum, {i} % 2 = 0 AS Aktiv, "
        f"({i} * 7) % 1000003 AS Nummer"
    )


def build(folder: Path, rows: int, changed: float) -> tuple[Path, Path]:
    old, new = folder / "old.duckdb", folder / "new.duckdb"
    step = max(1, round(1 / changed))
    with duckdb.connect(str(old)) as con:
        con.execute(
            f"CREATE TABLE data AS SELECT i + 1 AS _id, {_columns('i')} FROM range({rows}) t(i)"
        )
    with duckdb.connect(str(new)) as con:
        con.execute(f"ATTACH '{old}' AS o (READ_ONLY)")
        removed, added = rows // step // 2, rows // step // 2
        con.execute(
            "CREATE TABLE data AS "
            f"SELECT _id, Kod, Namn, Adress, CASE WHEN _id % {step} = 0 THEN Antal + 1 "
            "ELSE Antal END AS Antal, Belopp, Datum, Aktiv, Nummer FROM o.data "
            f"WHERE _id > {removed} UNION ALL "
            f"SELECT i + 1 + {rows} AS _id, {_columns(f'(i + {rows})')} "
            f"FROM range({added}) t(i)"
        )
    return old, new


def except_queries(old: Path, new: Path) -> tuple[int, int]:
    with duckdb.connect(":memory:", config={"threads": 2}) as con:
        con.execute(f"ATTACH '{old}' AS o (READ_ONLY)")
        con.execute(f"ATTACH '{new}' AS n (READ_ONLY)")
        cols = "* EXCLUDE (_id)"
        added = con.execute(
            f"SELECT count(*) FROM (SELECT {cols} FROM n.data EXCEPT SELECT {cols} FROM o.data)"
        ).fetchone()
        removed = con.execute(
            f"SELECT count(*) FROM (SELECT {cols} FROM o.data EXCEPT SELECT {cols} FROM n.data)"
        ).fetchone()
    assert added is not None and removed is not None
    return int(added[0]), int(removed[0])


def best(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--changed", type=float, default=0.05, help="share of rows changed")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        old, new = build(Path(tmp), args.rows, args.changed)
        print(f"built two loads of {args.rows:,} rows in {time.perf_counter() - start:.1f} s")
        plain, (added, removed) = best(args.runs, lambda: except_queries(old, new))
        keyed, by_key = best(args.runs, lambda: compare(old, new, ["Kod"], "2GB"))
        whole, by_row = best(args.runs, lambda: compare(old, new, [], "2GB"))
    print(f"DuckDB EXCEPT both ways:      {plain:7.3f} s  (+{added:,} / -{removed:,} rows)")
    found: tuple[tuple[str, float, Changes], ...] = (
        ("by key (Kod)", keyed, by_key),
        ("by whole row", whole, by_row),
    )
    for name, took, c in found:
        print(
            f"Torget compare {name:14s} {took:7.3f} s  ({took / plain:.2f}x)  "
            f"+{c.added:,} -{c.removed:,} ~{c.changed:,}"
        )
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}, "
        f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    ratio = keyed / plain
    print(f"goal: by key <= 2x EXCEPT: {'met' if ratio <= 2 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
