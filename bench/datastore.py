"""Datastore benchmark: ingest and query a 1 GB Swedish CSV, against DuckDB and Datasette.

    .venv/bin/python bench/datastore.py                       # 10 M rows ≈ 1 GB
    .venv/bin/python bench/datastore.py --rows 1000000 --repeat 3 --runs 11

Goals (the datastore issue), on 10 M rows of `datastore_file.py`'s quirky file:

* ingest: Torget's wall time ≤ 1.5× DuckDB's own `read_csv` of the same file, and Torget's
  peak memory ≤ 1 GB (`datastore_ingest.py`);
* query: the median latency of four queries through Torget's HTTP API ≤ 2× the same query on
  raw DuckDB, and below Datasette serving the same rows from SQLite (`datastore_query.py`).

One run does both, side by side, and ends with a report: the command, the machine and its
load before and after, and whether each goal was met. The query part reuses the catalogue and
table of the last Torget ingest run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from datastore_file import cached_file
from datastore_ingest import bench_ingest, print_ingest
from datastore_query import DATASETTE, bench_queries, print_queries

from torget import __version__


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--encoding", choices=["cp1252", "utf-8-sig"], default="cp1252")
    parser.add_argument("--repeat", type=int, default=1, help="alternating ingest runs of each")
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each query")
    parser.add_argument("--skip-queries", action="store_true")
    args = parser.parse_args()
    load_before, started = _load(), time.monotonic()
    csv = cached_file(args.rows, args.encoding)
    size = csv.stat().st_size / 1e6
    print(f"file: {csv} ({args.rows:,} rows, {size:,.0f} MB, {args.encoding})", flush=True)
    with tempfile.TemporaryDirectory(dir=csv.parent) as tmp:
        work = Path(tmp)
        raw, ours = bench_ingest(csv, work, args.repeat)
        found, floor = [], 0.0
        if not args.skip_queries:
            data_dir = work / "torget" / "data"
            found, floor = bench_queries(data_dir, ours[-1].distribution, args.rows, args.runs)
    print("\n" + "=" * 100)
    print(f"bench/datastore.py — Torget {__version__}, DuckDB {duckdb.__version__}, {DATASETTE}")
    print(f"command:  {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"python:   {platform.python_implementation()} {platform.python_version()} on "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")  # fmt: skip
    print(f"load:     {load_before} before; {_load()} after; "
          f"{time.monotonic() - started:.0f} s in all")  # fmt: skip
    print(f"file:     {args.rows:,} rows, {size:,.0f} MB, {args.encoding}, ';', decimal commas, "
          "spaces in numbers, two date forms, codes with leading zeros")  # fmt: skip
    print_ingest(raw, ours)
    if found:
        print_queries(found, args.runs, floor)


if __name__ == "__main__":
    main()
