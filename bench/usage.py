"""Use statistics' cost: counted traffic side by side with counting off (issue 14).

    PYTHONPATH=$PWD .venv/bin/python bench/usage.py          # SQLite, 12 pairs of 4 s runs
    PYTHONPATH=$PWD .venv/bin/python bench/usage.py --pairs 10 --postgres

Goal: 1,000 requests/s of counted traffic adds at most 5 % to request latency.

Two measurements:

* **In the process**, in CPU time: what one count costs on the request path
  (`UsageCounter.count`, a dict increment under a lock), and what writing one batch of 1,000
  counted requests costs the flush thread (resolving distributions, telling bots apart, one
  additive upsert) on a real database. At 1,000 requests/s that is 1,000 counts and one
  batch each second; the share of one second of one core they take is the most they can add.
* **Over HTTP**, made to hold on a loaded machine: two `torget serve --workers 1 --no-worker`
  processes at once over the same database, one with `TORGET_USAGE_COUNTING` true and one
  false, answer the same mix of counted requests (a record's JSON, its Turtle twin, the
  dataset page) from `wrk`, in many short runs alternating on/off, off/on, … Each pair
  gives what counting on adds, on/off − 1: the server's CPU time per request (user + system
  of the process, flush thread included, from `/proc`), which the machine's other load
  hardly moves; p50 and p99 latency; and time per request (1 / throughput). The median of
  the pairs and their spread (quartiles, range) are reported, with the counts that reached
  the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa  # noqa: E402
from load import HTML, ROOT, _free_port, prepare, running, torget_env, wrk  # noqa: E402

from torget.db.engine import read  # noqa: E402
from torget.db.schema import usage_counts  # noqa: E402
from torget.settings import load_settings  # noqa: E402
from torget.site import Site  # noqa: E402
from torget.usage import Hit, UsageCounter  # noqa: E402
from torget.usage.store import add_counts  # noqa: E402

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
POSTGRES = "postgresql://torget:torget@127.0.0.1:5432/torget_test"
AGENTS = (FIREFOX, "curl/8.5.0", "Mozilla/5.0 (compatible; Googlebot/2.1)", "")


def in_process(data_dir: Path, database_url: str, ids: list[str]) -> tuple[float, float]:
    """(µs per count, ms per batch of 1,000 counted requests written), the median CPU time of
    several rounds (CPU time, not wall time: the machine's other load hardly moves it; on
    PostgreSQL the server's own share of a batch is left out)."""
    counter = UsageCounter(lambda batch: None, every_seconds=3600, most_events=10**9)
    n, rounds = 50_000, []
    for _ in range(7):
        start = time.process_time()
        for i in range(n):
            counter.count("view", FIREFOX, dataset_id=ids[i % len(ids)])
        rounds.append((time.process_time() - start) / n * 1e6)
    per_count = statistics.median(rounds)
    counter.close()
    settings = load_settings(environ=torget_env(data_dir, database_url, "http://127.0.0.1"))
    kinds = ("view", "download", "api", "query")
    day = dt.datetime.now(dt.UTC).date()
    times = []
    with Site.open(settings, queue=False, migrate=False) as site:
        for _ in range(20):
            batch: dict[Hit, int] = {}
            for i in range(1000):
                hit = Hit(day, ids[i % len(ids)], "", kinds[i % 4], AGENTS[i % len(AGENTS)])
                batch[hit] = batch.get(hit, 0) + 1
            start = time.process_time()
            add_counts(site.engine, batch)
            times.append(time.process_time() - start)
    return per_count, statistics.median(times) * 1000


def counted(data_dir: Path, database_url: str) -> int:
    settings = load_settings(environ=torget_env(data_dir, database_url, "http://127.0.0.1"))
    with Site.open(settings, queue=False, migrate=False) as site, read(site.engine) as conn:
        total = sa.func.coalesce(sa.func.sum(usage_counts.c["count"]), 0)
        return int(conn.execute(sa.select(total)).scalar() or 0)


def _descendants(pid: int) -> list[int]:
    """`pid` and every process under it (uvicorn may fork server processes)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(parents.get(found[-1], []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a server and its children so far, every thread included
    (`/proc/<pid>/stat` fields 14 and 15, in clock ticks)."""
    total = 0
    for one in _descendants(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(data_dir: Path, database_url: str, counting: bool) -> Iterator[tuple[str, int]]:
    """One `torget serve --workers 1` process with counting on or off: (its URL, its pid)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**torget_env(data_dir, database_url, url),
           "TORGET_USAGE_COUNTING": "true" if counting else "false"}  # fmt: skip
    command = [str(ROOT / ".venv/bin/torget"), "serve", "--port", str(port), "--no-worker",
               "--workers", "1"]  # fmt: skip
    log = Path(tempfile.gettempdir()) / f"torget-usage-serve-{'on' if counting else 'off'}.log"
    with running(command, url, "/api", log, env) as proc:
        yield url, proc.pid


def one_run(url: str, pid: int, paths: list[tuple[str, str | None]], args: Any) -> dict[str, float]:
    cpu = cpu_seconds(pid)
    report = wrk(url, paths, args.connections, args.duration)
    used = cpu_seconds(pid) - cpu
    return {"rps": report["requests"] / report["seconds"], "p50": report["p50"] / 1000,
            "p99": report["p99"] / 1000, "cpu_ms": used / max(1, report["requests"]) * 1000,
            "requests": report["requests"]}  # fmt: skip


def over_http(
    data_dir: Path, database_url: str, ids: list[str], args: argparse.Namespace
) -> list[tuple[dict[str, float], dict[str, float]]]:
    """(counting on, counting off) per pair of short runs, the order alternating (ABBA…) so
    that a change in the machine's load falls on both sides alike."""
    one = ids[len(ids) // 2]
    paths = [(f"/api/datasets/{one}", None), (f"/dataset/{one}", HTML),
             (f"/dataset/{one}.ttl", None), (f"/api/datasets/{ids[0]}", None)]  # fmt: skip
    pairs = []
    with server(data_dir, database_url, True) as on, server(data_dir, database_url, False) as off:
        for url, _pid in (on, off):
            wrk(url, paths, args.connections, 2)  # warm-up
        for i in range(args.pairs):
            order = (on, off) if i % 2 == 0 else (off, on)
            runs = {side: one_run(side[0], side[1], paths, args) for side in order}
            pair = (runs[on], runs[off])
            pairs.append(pair)
            print(f"  pair {i + 1:2d}: "
                  + "  ".join(f"{name} {r['rps']:6.1f} req/s p50 {r['p50']:5.1f} ms "
                              f"{r['cpu_ms']:5.2f} ms CPU/req"
                              for name, r in (("on", pair[0]), ("off", pair[1]))),
                  flush=True)  # fmt: skip
    return pairs


def summarise(pairs: list[tuple[dict[str, float], dict[str, float]]]) -> list[str]:
    """Per pair, what counting added (on / off - 1, in %); the median and the spread."""
    measures = (
        ("CPU time per request", "cpu_ms", False),
        ("p50 latency", "p50", False),
        ("p99 latency", "p99", False),
        ("time per request (1/throughput)", "rps", True),
    )
    lines = []
    for name, key, inverse in measures:
        added = sorted(((off[key] / on[key]) if inverse else (on[key] / off[key])) * 100 - 100
                       for on, off in pairs)  # fmt: skip
        q1, med, q3 = statistics.quantiles(added, n=4) if len(added) > 1 else (added * 3)
        lines.append(f"  {name:<34}{med:+7.1f} %   (quartiles {q1:+.1f} … {q3:+.1f}, "
                     f"range {added[0]:+.1f} … {added[-1]:+.1f})")  # fmt: skip
    pooled = [
        sum(run["cpu_ms"] * run["requests"] for run in side) / sum(run["requests"] for run in side)
        for side in zip(*pairs, strict=True)
    ]
    lines.append(f"  {'CPU time per request, pooled':<34}"
                 f"{(pooled[0] / pooled[1] - 1) * 100:+7.1f} %   ({pooled[0]:.2f} ms on, "
                 f"{pooled[1]:.2f} ms off)")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=33)
    parser.add_argument("--duration", type=float, default=4, help="seconds per wrk run")
    parser.add_argument("--pairs", type=int, default=12, help="pairs of runs, on and off")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--postgres", nargs="?", const=POSTGRES, default="")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="torget-usage-"))
    try:
        from feed import backend

        with backend(args.postgres) as (database_url, shown):
            data_dir = work / "data"
            print(f"{shown}: building {args.datasets} datasets …", flush=True)
            cat = prepare(data_dir, database_url, "http://127.0.0.1", args.datasets)
            per_count, per_batch = in_process(data_dir, database_url, cat.ids)
            share = (1000 * per_count / 1e6 + per_batch / 1000) * 100
            print(f"\nIn the process: {per_count:.2f} µs per count on the request path; "
                  f"{per_batch:.1f} ms to write a batch of 1,000 counted requests.")  # fmt: skip
            print(f"At 1,000 counted requests/s: {share:.2f} % of one core's second "
                  f"(goal: ≤ 5 % added to request latency).\n")  # fmt: skip
            before = counted(data_dir, database_url)
            pairs = over_http(data_dir, database_url, cat.ids, args)
            written = counted(data_dir, database_url) - before  # the server flushed on stop
    finally:
        shutil.rmtree(work, ignore_errors=True)
    served = sum(on["requests"] for on, _off in pairs)
    print(f"\nOver HTTP: {args.pairs} pairs of {args.duration:.0f} s runs, {args.connections} "
          f"connections, one server process each way; counting on adds, per pair:")  # fmt: skip
    print("\n".join(summarise(pairs)))
    rate = statistics.median(on["rps"] for on, _off in pairs)
    cpu_off = statistics.median(off["cpu_ms"] for _on, off in pairs)
    per_request = per_count + per_batch  # µs: one count, and a thousandth of a batch
    print(f"In-process bound: {per_request:.1f} µs of counting per request = "
          f"{per_request / 10 / cpu_off:.2f} % of the {cpu_off:.2f} ms CPU a request takes "
          f"with counting off (median).")  # fmt: skip
    print(f"Counted traffic: median {rate:.0f} req/s; {written} counts written for the "
          f"{served} measured requests (plus the warm-up's) of the counting server.")  # fmt: skip


if __name__ == "__main__":
    main()
