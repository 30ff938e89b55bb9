"""Ingest benchmark: Torget's load of a large Swedish CSV against DuckDB's own `read_csv`.

    .venv/bin/python bench/datastore_ingest.py --rows 1000000 --repeat 3

Goal (the datastore issue): Torget's wall time at most 1.5× DuckDB's, and Torget's peak memory
at most 1 GB, on the 10 M-row, 1 GB file of `datastore_file.py`.

Each load runs in a fresh subprocess of its own, so that its peak resident memory
(`ru_maxrss`, which counts DuckDB's native allocations as well as Python's) is its own:

* **DuckDB**: `CREATE TABLE … AS SELECT * FROM read_csv(…)` into a new database file, with the
  dialect Torget's sniffer finds (delimiter, quote, header, encoding) and DuckDB's own type
  detection and default settings (all threads, memory limit 80 % of RAM).
* **Torget**: `run_job`, the function the datastore worker runs for a queued job, on a
  catalogue in a temporary folder: claim the job, take the file (a local path: hard-linked),
  sniff, type every column by Torget's rules over every row, write the new DuckDB file and swap
  it in: the table is queryable. The child first imports what `torget worker` has imported
  when it takes a job (`torget.cli`), so the timed load pays no first import. Default
  settings (`datastore_memory_limit` = 1GB). Then, timed on its own, what the worker does
  next while the table is already served: the sort-key copies (`write_sort_keys`, see
  `torget/datastore/sort_keys.py`). The memory goal counts both.

The runs alternate (DuckDB, Torget, DuckDB, …) so that a busy spell on a shared machine hits
both; the report gives the median and the range.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datastore_file import cached_file

__all__ = ["IngestRun", "bench_ingest", "make_catalogue", "print_ingest"]

GOAL_RATIO = 1.5
GOAL_PEAK_MB = 1024


@dataclass
class IngestRun:
    who: str
    seconds: float
    peak_mb: float
    baseline_mb: float  # resident memory after imports, before the load
    rows: int
    types: dict[str, str]
    file_mb: float
    distribution: str = ""  # Torget's: the catalogue's distribution that holds the table
    keys_seconds: float = 0.0  # Torget's: the sort-key copies, written after the swap
    keys_peak_mb: float = 0.0
    copies: int = 0
    cpu_seconds: float = 0.0  # user + system of the load, all threads (DuckDB's included)


def make_catalogue(data_dir: Path) -> tuple[Any, Any, str]:
    """(settings, engine, distribution id): a fresh catalogue with one CSV distribution.

    The distribution has only an access URL, so saving it queues no load of its own."""
    from torget.accounts.permissions import SYSTEM
    from torget.catalog.datasets import create_dataset
    from torget.catalog.model import DatasetIn, OrganisationIn
    from torget.catalog.organisations import create_organisation
    from torget.db.engine import write
    from torget.settings import load_settings
    from torget.site import Site

    settings = load_settings(environ={}, config_file=data_dir / "absent.toml", data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = Site.open(settings, queue=False).engine  # events reach the site's subscribers
    with write(engine) as conn:
        org = {"name": "sjostad", "title": {"sv": "Sjöstad"}, "org_number": "212000-0142",
               "publisher_type": "LocalAuthority"}  # fmt: skip
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(org))
        dataset = create_dataset(conn, SYSTEM, DatasetIn.model_validate({
            "organisation": "sjostad", "state": "published", "title": {"sv": "Tillsyn"},
            "description": {"sv": "Tillsynsbesök per kommun"}, "themes": ["GOVE"],
            "access_rights": "PUBLIC", "frequency": "ANNUAL",
            "distributions": [{"format": "CSV", "license": "CC0-1.0",
                               "access_url": "https://data.sjostad.example/tillsyn"}],
        }))  # fmt: skip
    return settings, engine, dataset.distributions[0].id


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_torget(csv: Path, work: Path) -> dict[str, Any]:
    # What `torget worker` has imported before it takes its first job: without it, the timed
    # load paid a first import of the publishing use cases (~2 s, `torget.publishing.changes`,
    # imported by the swap) that no worker pays per load.
    import torget.cli  # noqa: F401
    from torget.datastore import jobs
    from torget.datastore.load import run_job, write_sort_keys
    from torget.datastore.tables import current_table
    from torget.db.engine import read, write

    settings, engine, dist = make_catalogue(work / "data")
    with write(engine) as conn:
        job_id = jobs.create_job(conn, dist, str(csv), "csv")
    baseline = _rss_mb()
    start, cpu = time.perf_counter(), _cpu()
    run_job(settings, engine, job_id)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    with read(engine) as conn:
        job = jobs.get_job(conn, job_id)
        table = current_table(conn, settings.datastore_path, dist)
    if job is None or job.state != "done" or table is None:
        raise SystemExit(f"the load failed: {job.error if job else 'no job'}")
    peak = _rss_mb()
    start = time.perf_counter()
    copies = write_sort_keys(settings, engine, job_id)  # as the worker does next
    keys_seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak, "baseline_mb": baseline,
            "rows": table.row_count, "types": table.column_types,
            "file_mb": table.path.stat().st_size / 1e6, "distribution": dist,
            "keys_seconds": keys_seconds, "keys_peak_mb": _rss_mb(), "copies": copies,
            "cpu_seconds": cpu}  # fmt: skip


def _child_duckdb(csv: Path, work: Path, dialect: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    target = work / "raw.duckdb"
    baseline = _rss_mb()
    start, cpu = time.perf_counter(), _cpu()
    con = duckdb.connect(str(target))
    con.execute(
        "CREATE TABLE data AS SELECT * FROM read_csv(?, delim = ?, quote = ?, escape = ?, "
        "header = ?, encoding = ?)",
        [str(csv), dialect["delimiter"], dialect["quote"], dialect["quote"],
         dialect["header"], dialect["encoding"]],
    )  # fmt: skip
    con.close()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    con = duckdb.connect(str(target), read_only=True)
    rows = con.execute("SELECT count(*) FROM data").fetchone()
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns()").fetchall())
    con.close()
    return {"seconds": seconds, "peak_mb": _rss_mb(), "baseline_mb": baseline,
            "rows": rows[0] if rows else 0, "types": types,
            "file_mb": target.stat().st_size / 1e6, "cpu_seconds": cpu}  # fmt: skip


def _run_child(who: str, csv: Path, work: Path, dialect: dict[str, Any]) -> IngestRun:
    work.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, __file__, "--child", who, "--csv", str(csv), "--work", str(work),
            "--dialect", json.dumps(dialect)]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{who} load failed:\n{done.stderr}{done.stdout}")
    return IngestRun(who, **json.loads(done.stdout.strip().splitlines()[-1]))


def duckdb_dialect(csv: Path) -> dict[str, Any]:
    """The options DuckDB gets: what Torget's sniffer finds, in DuckDB's encoding names."""
    from torget.datastore.sniff import has_c1_bytes, sniff

    found = sniff(csv.name, csv, 1000)
    encoding = {"utf-8-sig": "utf-8", "cp1252": "latin-1"}.get(found.encoding, found.encoding)
    if found.encoding == "cp1252" and has_c1_bytes(csv):
        raise SystemExit("DuckDB cannot read Windows-1252 bytes 0x80-0x9F (€, –, …)")
    return {"delimiter": found.delimiter, "quote": found.quote, "header": found.header,
            "encoding": encoding, "sniffed": found.encoding}  # fmt: skip


def bench_ingest(csv: Path, work: Path, repeat: int) -> tuple[list[IngestRun], list[IngestRun]]:
    """(DuckDB runs, Torget runs), alternating; the last Torget catalogue stays in `work`."""
    dialect = duckdb_dialect(csv)
    raw: list[IngestRun] = []
    ours: list[IngestRun] = []
    for i in range(repeat):
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            raw.append(_run_child("duckdb", csv, Path(tmp), dialect))
        last = i == repeat - 1
        target = work / "torget" if last else Path(tempfile.mkdtemp(dir=work))
        ours.append(_run_child("torget", csv, target, dialect))
        if not last:
            subprocess.run(["rm", "-rf", str(target)], check=True)
        print(f"  run {i + 1}/{repeat}: DuckDB {raw[-1].seconds:.2f} s "
              f"({raw[-1].cpu_seconds:.1f} s CPU), Torget {ours[-1].seconds:.2f} s "
              f"({ours[-1].cpu_seconds:.1f} s CPU)", flush=True)  # fmt: skip
    return raw, ours


def _line(label: str, runs: list[IngestRun]) -> str:
    times = [r.seconds for r in runs]
    mid = statistics.median(times)
    peak = max(r.peak_mb for r in runs)
    base = max(r.baseline_mb for r in runs)
    rate = runs[0].rows / mid / 1e6
    return (f"  {label:<34}{mid:>8.2f} s  [{min(times):.2f}–{max(times):.2f}]  "
            f"{peak:>6.0f} MB peak ({base:.0f} before)  {rate:>5.2f} M rows/s  "
            f"{runs[-1].file_mb:>6.0f} MB file")  # fmt: skip


def print_ingest(raw: list[IngestRun], ours: list[IngestRun]) -> tuple[bool, bool]:
    """Print the ingest table; return (time goal met, memory goal met)."""
    ratio = statistics.median(r.seconds for r in ours) / statistics.median(r.seconds for r in raw)
    peak = max(max(r.peak_mb, r.keys_peak_mb) for r in ours)
    print(f"ingest: median of {len(raw)} alternating runs, each in a fresh subprocess")
    print(_line("DuckDB read_csv (own types)", raw))
    print(_line("Torget run_job (worker's path)", ours))
    keys = statistics.median(r.keys_seconds for r in ours)
    keys_peak = max(r.keys_peak_mb for r in ours)
    print(f"  then, the table queryable meanwhile: {ours[0].copies} sort-key copies and the row "
          "copies "
          f"{keys:.2f} s, peak {keys_peak:.0f} MB (the worker's `write_sort_keys`)")  # fmt: skip
    if raw[0].rows != ours[0].rows:
        print(f"  ROW COUNTS DIFFER: DuckDB {raw[0].rows:,}, Torget {ours[0].rows:,}")
    print(f"  rows: {ours[0].rows:,} in both" if raw[0].rows == ours[0].rows else "")
    names = list(ours[0].types)
    print("  types  " + ", ".join(
        f"{n} {raw[0].types.get(n, '?')}→{ours[0].types[n]}" for n in names))  # fmt: skip
    cpu_ratio = statistics.median(r.cpu_seconds for r in ours) / statistics.median(
        r.cpu_seconds for r in raw
    )
    pairs = [o.seconds / r.seconds for r, o in zip(raw, ours, strict=True)]
    print(f"  CPU (all threads): DuckDB {statistics.median(r.cpu_seconds for r in raw):.1f} s, "
          f"Torget {statistics.median(r.cpu_seconds for r in ours):.1f} s, ratio "
          f"{cpu_ratio:.2f}×; wall ratio of each round: "
          + ", ".join(f"{p:.2f}×" for p in pairs))  # fmt: skip
    time_ok, memory_ok = ratio <= GOAL_RATIO, peak <= GOAL_PEAK_MB
    print(f"  ratio Torget / DuckDB: {ratio:.2f}× (goal ≤ {GOAL_RATIO}×: "
          f"{'met' if time_ok else 'MISSED'}); Torget peak {peak:.0f} MB "
          f"(goal ≤ {GOAL_PEAK_MB} MB: {'met' if memory_ok else 'MISSED'})")  # fmt: skip
    return time_ok, memory_ok


def _child_main(args: argparse.Namespace) -> None:
    if args.child == "torget":
        result = _child_torget(Path(args.csv), Path(args.work))
    else:
        result = _child_duckdb(Path(args.csv), Path(args.work), json.loads(args.dialect))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--encoding", choices=["cp1252", "utf-8-sig"], default="cp1252")
    parser.add_argument("--repeat", type=int, default=1, help="alternating runs of each")
    parser.add_argument("--child", choices=["torget", "duckdb"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--dialect", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args)
        return
    csv = cached_file(args.rows, args.encoding)
    print(f"file: {csv} ({args.rows:,} rows, {csv.stat().st_size / 1e6:,.0f} MB, "
          f"{args.encoding}); load {os.getloadavg()[0]:.2f}")  # fmt: skip
    with tempfile.TemporaryDirectory(dir=csv.parent) as tmp:
        raw, ours = bench_ingest(csv, Path(tmp), args.repeat)
    print_ingest(raw, ours)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
