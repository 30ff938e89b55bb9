"""Query benchmark: Torget's datastore API over HTTP, raw DuckDB, and Datasette on SQLite.

    .venv/bin/python bench/datastore_query.py --rows 1000000 --runs 11

Goal (the datastore issue): on the 10 M-row table, the median latency of each of four queries
through Torget's HTTP API at most 2× the same query in raw DuckDB, and faster than Datasette
serving the same rows from SQLite.

* **Torget**: `uvicorn` with `create_app` in a subprocess on a loopback port (as `torget serve`
  runs it), on a catalogue whose table was loaded by the worker's `run_job` and
  `write_sort_keys`; httpx client with keep-alive, full JSON body read and decoded.
* **DuckDB**: the same SQL on the same table file, opened read-only in this process, rows
  fetched into Python (`fetchall`): no HTTP, no JSON.
* **Datasette 0.65.5**, installed from PyPI into its own virtualenv under `bench/.cache/` (so
  that it constrains none of Torget's dependencies), serving an SQLite copy of the same rows
  (`_id INTEGER PRIMARY KEY`, the same values; dates as ISO text, booleans as 0/1) with the
  indexes a Datasette user would add for these queries (`Kommunkod`, `Antal`, `Belopp`), run
  the way its documentation advises for published data: immutable (`-i`) with row counts from
  `datasette inspect`. Its SQL time limit is raised to 120 s so that every query completes;
  facet suggestions (`_nosuggest=1`) are off, since they are page decoration, not the query.

The four queries, the same rows asked of each:

* filtered, sorted page: Torget `rows?Kommunkod=0180&Aktiv=true&sort=-Antal&limit=100`,
  Datasette `data.json?Kommunkod=0180&Aktiv=1&_sort_desc=Antal&_size=100`;
* deep keyset page: Torget `rows?sort=Belopp&limit=100&after=<cursor at the middle row>`,
  Datasette `data.json?_sort=Belopp&_size=100&_next=<value>,<_id>`;
* count with a filter: Torget `rows?Antal__gte=50000&limit=0`,
  Datasette `data.json?Antal__gte=50000&_size=0`;
* grouped aggregate: Torget `aggregate?group_by=Kommunkod&count=*&avg=Belopp`,
  Datasette `bench.json?sql=select Kommunkod, count(*), avg(Belopp) … group by Kommunkod`.

Both filtered pages also count their rows (Torget's `total`, Datasette's
`filtered_table_rows_count`), as each does by default. The deep page's cursor is the one
Torget's `next` link holds after the middle row (sort value and `_id`), so no one has to follow
50,000 links to get there. The answers are checked against each other before timing.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import httpx
from datastore_file import CACHE, cached_file

__all__ = ["bench_queries", "print_queries"]

DATASETTE = "datasette==0.65.5"
GOAL_VS_DUCKDB = 2.0
SQLITE_INDEXES = ("Kommunkod", "Antal", "Belopp")


@dataclass
class Case:
    name: str
    torget: str
    duckdb: tuple[str, list[Any]]
    datasette: str
    times: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # the server's CPU s per request


# --- The servers -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(args: list[str], url: str, ready: str, env: dict[str, str] | None = None,
            timeout: float = 600) -> Iterator[subprocess.Popen[bytes]]:  # fmt: skip
    """A server subprocess, from the moment `url + ready` answers 200 until SIGTERM."""
    proc = subprocess.Popen(args, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with suppress(httpx.TransportError):
                if httpx.get(url + ready, timeout=5).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{args[0]} did not start (exit code {proc.poll()})")
            time.sleep(0.2)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_torget(data_dir: Path, port: int) -> None:
    """The subprocess side: uvicorn with Torget's app, as `torget serve` runs it."""
    import uvicorn

    from torget.app import create_app
    from torget.settings import load_settings
    from torget.site import Site

    settings = load_settings(environ={}, config_file=data_dir / "absent.toml", data_dir=data_dir)
    with Site.open(settings, migrate=False) as site:
        app = create_app(site)
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def datasette_venv() -> Path:
    """Datasette in its own virtualenv under bench/.cache, created on first use."""
    venv = CACHE / "datasette-venv"
    exe = venv / "bin" / "datasette"
    if not exe.exists():
        print(f"  installing {DATASETTE} into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", DATASETTE], check=True)
    return exe


# --- The SQLite copy -------------------------------------------------------------------------


def sqlite_copy(table_file: Path, rows: int) -> Path:
    """The same rows in SQLite, with indexes; built once per row count and cached."""
    target = CACHE / f"datasette-{rows}" / "bench.db"  # Datasette names the database `bench`
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    part.unlink(missing_ok=True)
    start = time.perf_counter()
    source = duckdb.connect(str(table_file), read_only=True)
    columns = source.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'data' "
        "ORDER BY column_index"
    ).fetchall()
    kinds = {"BIGINT": "INTEGER", "DOUBLE": "REAL", "BOOLEAN": "INTEGER"}
    ddl = ", ".join(
        f'"{c}" INTEGER PRIMARY KEY' if c == "_id" else f'"{c}" {kinds.get(t, "TEXT")}'
        for c, t in columns
    )
    select = ", ".join(
        f'CAST("{c}" AS INTEGER)' if t == "BOOLEAN" else
        f'CAST("{c}" AS VARCHAR)' if t == "DATE" else f'"{c}"'
        for c, t in columns
    )  # fmt: skip
    db = sqlite3.connect(part)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"CREATE TABLE data ({ddl})")
    result = source.execute(f"SELECT {select} FROM data ORDER BY _id")
    marks = ", ".join("?" * len(columns))
    while batch := result.fetchmany(100_000):
        db.executemany(f"INSERT INTO data VALUES ({marks})", batch)
    for column in SQLITE_INDEXES:
        db.execute(f'CREATE INDEX "data_{column}" ON data ("{column}")')
    db.commit()
    db.execute("ANALYZE")
    db.close()
    source.close()
    part.replace(target)
    print(f"  SQLite copy for Datasette built in {time.perf_counter() - start:.0f} s "
          f"({target.stat().st_size / 1e6:,.0f} MB, indexes on "
          f"{', '.join(SQLITE_INDEXES)})", flush=True)  # fmt: skip
    return target


# --- The queries -----------------------------------------------------------------------------


def cases(dist: str, raw: duckdb.DuckDBPyConnection, rows: int) -> list[Case]:
    from torget.datastore.query import encode_cursor

    base = f"/api/datastore/{dist}"
    middle = raw.execute(
        f"SELECT Belopp, _id FROM data ORDER BY Belopp, _id LIMIT 1 OFFSET {rows // 2}"
    ).fetchone()
    assert middle is not None
    belopp, row_id = middle
    cursor = encode_cursor([belopp, row_id])
    return [
        Case("filtered, sorted page",
             f"{base}/rows?Kommunkod=0180&Aktiv=true&sort=-Antal&limit=100",
             ("SELECT * FROM data WHERE Kommunkod = '0180' AND Aktiv "
              "ORDER BY Antal DESC, _id LIMIT 100", []),
             "/bench/data.json?Kommunkod=0180&Aktiv=1&_sort_desc=Antal&_size=100&_nosuggest=1&_shape=objects"),
        Case("deep keyset page",
             f"{base}/rows?sort=Belopp&limit=100&after={cursor}",
             ("SELECT * FROM data WHERE Belopp > ? OR (Belopp = ? AND _id > ?) "
              "ORDER BY Belopp, _id LIMIT 100", [belopp, belopp, row_id]),
             f"/bench/data.json?_sort=Belopp&_size=100&_next={belopp!s},{row_id}&_nosuggest=1&_shape=objects"),
        Case("count with a filter",
             f"{base}/rows?Antal__gte=50000&limit=0",
             ("SELECT count(*) FROM data WHERE Antal >= 50000", []),
             "/bench/data.json?Antal__gte=50000&_size=0&_nosuggest=1&_shape=objects"),
        Case("grouped aggregate",
             f"{base}/aggregate?group_by=Kommunkod&count=*&avg=Belopp",
             ("SELECT Kommunkod, count(*), avg(Belopp) FROM data GROUP BY Kommunkod "
              "ORDER BY Kommunkod", []),
             "/bench.json?_shape=array&sql=" + "select Kommunkod, count(*) as n, avg(Belopp) "
             "as avg from data group by Kommunkod order by Kommunkod"),
    ]  # fmt: skip


def check_answers(case: Case, torget: Any, raw: list[tuple[Any, ...]], datasette: Any) -> None:
    """The three answers agree (first and last row ids, counts, sums) before anything is timed."""
    if case.name.startswith("count"):
        got = (torget["total"], raw[0][0], datasette["filtered_table_rows_count"])
    elif case.name.startswith("grouped"):
        got = (
            [(r["Kommunkod"], r["count"], round(r["avg_Belopp"], 4)) for r in torget["rows"]],
            [(k, n, round(a, 4)) for k, n, a in raw],
            [(r["Kommunkod"], r["n"], round(r["avg"], 4)) for r in datasette],
        )
    else:
        got = (
            [r["_id"] for r in torget["rows"]],
            [r[0] for r in raw],
            [r["_id"] for r in datasette["rows"]],
        )
        if case.name.startswith("filtered"):
            totals = (torget["total"], datasette["filtered_table_rows_count"])
            if totals[0] != totals[1]:
                raise SystemExit(f"{case.name}: totals differ: {totals}")
    if not got[0] == got[1] == got[2]:
        raise SystemExit(f"{case.name}: the answers differ:\n{got}")


def server_cpu(pid: int) -> float:
    """A process's CPU seconds so far (user + system, all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(case: Case, torget: httpx.Client, raw: duckdb.DuckDBPyConnection,
            datasette: httpx.Client, runs: int, pids: dict[str, int]) -> None:  # fmt: skip
    """Warm up, check the answers, then alternate the three `runs` times; the servers' CPU
    time (from /proc, so what the neighbours of a busy machine use is not counted) is summed
    over the runs, since its clock ticks only every 10 ms."""
    sql, params = case.duckdb
    actions: dict[str, Callable[[], Any]] = {
        "torget": lambda: torget.get(case.torget).raise_for_status().json(),
        "duckdb": lambda: raw.execute(sql, params).fetchall(),
        "datasette": lambda: datasette.get(case.datasette).raise_for_status().json(),
    }
    answers = {who: action() for who, action in actions.items()}
    check_answers(case, answers["torget"], answers["duckdb"], answers["datasette"])
    case.times = {who: [] for who in actions}
    case.cpu = dict.fromkeys(pids, 0.0)
    for _ in range(runs):
        for who, action in actions.items():
            before = server_cpu(pids[who]) if who in pids else 0.0
            case.times[who].append(_timed(action))
            if who in pids:
                case.cpu[who] += server_cpu(pids[who]) - before
    case.cpu = {who: total / runs for who, total in case.cpu.items()}


def floor_ms(torget: httpx.Client, dist: str, runs: int) -> float:
    """Torget's fixed cost of a datastore request: `rows?limit=0` without a filter answers from
    the catalogue's row count and runs no DuckDB query."""
    url = f"/api/datastore/{dist}/rows?limit=0"
    torget.get(url).raise_for_status()
    return statistics.median(_timed(lambda: torget.get(url).json()) for _ in range(runs)) * 1000


def bench_queries(data_dir: Path, dist: str, rows: int, runs: int) -> tuple[list[Case], float]:
    from torget.datastore.tables import current_table
    from torget.db.engine import make_engine, read
    from torget.settings import load_settings

    settings = load_settings(environ={}, config_file=data_dir / "absent.toml", data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    with read(engine) as conn:
        table = current_table(conn, settings.datastore_path, dist)
    engine.dispose()
    assert table is not None
    exe = datasette_venv()
    db = sqlite_copy(table.path, rows)
    inspect = db.with_suffix(".inspect.json")
    if not inspect.exists():
        subprocess.run([str(exe), "inspect", str(db), "--inspect-file", str(inspect)], check=True)
    raw = duckdb.connect(str(table.path), read_only=True)
    torget_port, datasette_port = _free_port(), _free_port()
    torget_args = [sys.executable, __file__, "--serve", str(data_dir), "--port", str(torget_port)]
    datasette_args = [
        str(exe), "serve", "-i", str(db), "--inspect-file", str(inspect), "--port",
        str(datasette_port), "--setting", "sql_time_limit_ms", "120000",
        "--setting", "max_returned_rows", "1000",
    ]  # fmt: skip
    torget_url = f"http://127.0.0.1:{torget_port}"
    datasette_url = f"http://127.0.0.1:{datasette_port}"
    found = cases(dist, raw, rows)
    with (
        running(torget_args, torget_url, f"/api/datastore/{dist}") as torget_proc,
        running(datasette_args, datasette_url, "/-/versions.json") as datasette_proc,
        httpx.Client(base_url=torget_url, timeout=600) as torget,
        httpx.Client(base_url=datasette_url, timeout=600) as datasette,
    ):
        floor = floor_ms(torget, dist, max(runs, 11))
        pids = {"torget": torget_proc.pid, "datasette": datasette_proc.pid}
        for case in found:
            measure(case, torget, raw, datasette, runs, pids)
            print(f"  {case.name}: " + ", ".join(
                f"{who} {statistics.median(t) * 1000:.1f} ms" for who, t in case.times.items()
            ) + "; server CPU " + ", ".join(
                f"{who} {c * 1000:.1f} ms" for who, c in case.cpu.items()
            ), flush=True)  # fmt: skip
    raw.close()
    return found, floor


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def print_queries(found: list[Case], runs: int, floor: float) -> bool:
    """Print the query table; return whether every goal was met."""
    print(f"query latency in ms: median / p95 (nearest rank) of {runs} alternating runs each")
    print(f"  {'query':<24}{'Torget API':>17}{'raw DuckDB':>17}{'Datasette':>17}"
          f"{'Torget/DuckDB':>15}{'Torget/Datasette':>18}")  # fmt: skip
    ok = True
    for case in found:
        med = {who: statistics.median(t) * 1000 for who, t in case.times.items()}
        p95 = {who: _p95(t) * 1000 for who, t in case.times.items()}
        who = ("torget", "duckdb", "datasette")
        cells = "".join(f"{med[w]:>9.1f} /{p95[w]:>6.1f}" for w in who)
        vs_duckdb, vs_datasette = med["torget"] / med["duckdb"], med["torget"] / med["datasette"]
        met = vs_duckdb <= GOAL_VS_DUCKDB and vs_datasette < 1
        ok = ok and met
        print(f"  {case.name:<24}{cells}{vs_duckdb:>14.2f}×{vs_datasette:>17.2f}×"
              f"  {'met' if met else 'MISSED'}")  # fmt: skip
    print("server CPU per request (user + system from /proc, summed over the runs), ms; "
          "req/s at that CPU on one core")  # fmt: skip
    print(f"  {'query':<24}{'Torget':>10}{'Datasette':>11}{'ratio':>8}{'Torget req/s':>14}"
          f"{'Datasette req/s':>17}")  # fmt: skip
    for case in found:
        mine, theirs = case.cpu["torget"] * 1000, case.cpu["datasette"] * 1000
        ratio = mine / theirs if theirs else math.inf
        rate = {who: 1 / c if c else math.inf for who, c in case.cpu.items()}
        print(f"  {case.name:<24}{mine:>10.1f}{theirs:>11.1f}{ratio:>7.2f}×"
              f"{rate['torget']:>14.0f}{rate['datasette']:>17.0f}")  # fmt: skip
    print(f"  Torget's floor (HTTP, auth, catalogue lookup, JSON; no DuckDB query): {floor:.1f} ms")
    print(f"  goals: Torget ≤ {GOAL_VS_DUCKDB}× raw DuckDB and < 1× Datasette on every query: "
          f"{'met' if ok else 'MISSED'}")  # fmt: skip
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--encoding", choices=["cp1252", "utf-8-sig"], default="cp1252")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_torget(Path(args.serve), args.port)
        return
    from datastore_ingest import make_catalogue

    from torget.datastore import jobs
    from torget.datastore.load import run_job, write_sort_keys
    from torget.db.engine import write

    csv = cached_file(args.rows, args.encoding)
    print(f"file: {csv} ({args.rows:,} rows); load {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        data_dir = Path(tmp) / "data"
        settings, engine, dist = make_catalogue(data_dir)
        with write(engine) as conn:
            job_id = jobs.create_job(conn, dist, str(csv), "csv")
        run_job(settings, engine, job_id)
        write_sort_keys(settings, engine, job_id)  # as the worker does after a load
        engine.dispose()
        found, floor = bench_queries(data_dir, dist, args.rows, args.runs)
    print_queries(found, args.runs, floor)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
