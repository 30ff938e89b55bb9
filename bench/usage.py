"""Use statistics' cost: counted traffic side by side with counting off (issue 14).

    .venv/bin/python bench/usage.py                  # SQLite, 33 datasets, 3 rounds of 10 s
    .venv/bin/python bench/usage.py --rounds 2 --duration 5 --postgres

Goal: 1,000 requests/s of counted traffic adds at most 5 % to request latency.

Two measurements:

* **In the process**: what one count costs on the request path (`UsageCounter.count`, a dict
  increment under a lock), and what writing one batch of 1,000 counted requests costs the
  flush thread (resolving distributions, telling bots apart, one additive upsert) on a real
  database. At 1,000 requests/s that is 1,000 counts and one batch each second; the share of
  one second of one core they take is the most they can add.
* **Over HTTP**: `torget serve` (every server process, `--no-worker`) answering a mix of
  counted requests (the record JSON, the dataset page, a datastore query, a file download)
  from `wrk` at 8 connections, with `TORGET_USAGE_COUNTING` true and false in alternating
  rounds, so drift in the machine's load falls on both; req/s, p50 and p99 of each, and the
  counted requests per second that reached the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

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
    """(µs per count, ms per batch of 1,000 counted requests written)."""
    counter = UsageCounter(lambda batch: None, every_seconds=3600, most_events=10**9)
    n = 200_000
    start = time.perf_counter()
    for i in range(n):
        counter.count("view", FIREFOX, dataset_id=ids[i % len(ids)])
    per_count = (time.perf_counter() - start) / n * 1e6
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
            start = time.perf_counter()
            add_counts(site.engine, batch)
            times.append(time.perf_counter() - start)
    return per_count, statistics.median(times) * 1000


def counted(data_dir: Path, database_url: str) -> int:
    settings = load_settings(environ=torget_env(data_dir, database_url, "http://127.0.0.1"))
    with Site.open(settings, queue=False, migrate=False) as site, read(site.engine) as conn:
        total = sa.func.coalesce(sa.func.sum(usage_counts.c["count"]), 0)
        return int(conn.execute(sa.select(total)).scalar() or 0)


def over_http(
    data_dir: Path, database_url: str, ids: list[str], args: argparse.Namespace
) -> dict[bool, list[dict[str, float]]]:
    one = ids[len(ids) // 2]
    paths = [(f"/api/datasets/{one}", None), (f"/dataset/{one}", HTML),
             (f"/dataset/{one}.ttl", None), (f"/api/datasets/{ids[0]}", None)]  # fmt: skip
    results: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    for round_ in range(args.rounds):
        for on in (True, False) if round_ % 2 == 0 else (False, True):
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            env = {**torget_env(data_dir, database_url, url),
                   "TORGET_USAGE_COUNTING": "true" if on else "false"}  # fmt: skip
            command = [str(ROOT / ".venv/bin/torget"), "serve", "--port", str(port), "--no-worker"]
            if args.workers:
                command += ["--workers", str(args.workers)]
            before = counted(data_dir, database_url)
            with running(command, url, "/api", data_dir / "serve.log", env):
                wrk(url, paths, 8, 2)  # warm-up
                report = wrk(url, paths, args.connections, args.duration)
            written = counted(data_dir, database_url) - before  # the servers flushed on stop
            rps = report["requests"] / report["seconds"]
            results[on].append({"rps": rps, "p50": report["p50"] / 1000,
                                "p99": report["p99"] / 1000,
                                "counted": written / report["seconds"]})  # fmt: skip
            print(f"  round {round_ + 1} counting {'on ' if on else 'off'}: {rps:7.1f} req/s, "
                  f"p50 {report['p50'] / 1000:6.1f} ms, p99 {report['p99'] / 1000:6.1f} ms, "
                  f"{written / report['seconds']:7.1f} counted/s", flush=True)  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=33)
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of on and off")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0, help="server processes (0: cores)")
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
            results = over_http(data_dir, database_url, cat.ids, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nOver HTTP ({args.connections} connections, {args.rounds} rounds of "
          f"{args.duration:.0f} s each way; medians):")  # fmt: skip
    print(f"{'counting':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'counted/s':>11}  (counted/s "
          "includes each run's 2 s warm-up)")  # fmt: skip
    med: dict[bool, dict[str, float]] = {}
    for on in (False, True):
        med[on] = {k: statistics.median(r[k] for r in results[on]) for k in results[on][0]}
        m = med[on]
        print(f"{'on' if on else 'off':<10}{m['rps']:>9.1f}{m['p50']:>9.1f}{m['p99']:>9.1f}"
              f"{m['counted']:>11.1f}")  # fmt: skip
    added = (med[True]["p50"] / med[False]["p50"] - 1) * 100
    print(f"p50 latency added by counting: {added:+.1f} % (goal ≤ 5 %); throughput "
          f"{(med[True]['rps'] / med[False]['rps'] - 1) * 100:+.1f} %")  # fmt: skip


if __name__ == "__main__":
    main()
