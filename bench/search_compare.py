"""Benchmark: every query shape of bench/search.py, this checkout against a reference one.

On a loaded machine two runs minutes apart are not comparable, so this runs both in one go:
two uvicorn servers (this tree's code, and the reference checkout's, e.g. `main`), each on its
own copy of the same catalogue (the reference's copy in the reference's schema, this one
migrated by this tree), and measures every shape on them in alternating rounds. Printed per
shape and side: p50/p95 over all rounds, and CPU ms per request of the server process and, on
PostgreSQL, of its database backends (bench/search.py's `CpuMeter`); and whether both sides
answer every query alike (total, the page in order, every facet's counts).

The catalogues are built beforehand with `bench.search.build` (as bench/search.py does);
`--data` and `--reference-data` are their data folders (SQLite: `torget.db` in them), and on
PostgreSQL `--schema` / `--reference-schema` name their schemas in `--database-url`.

    .venv/bin/python bench/search_compare.py --reference /work/main --data DIR \\
        --reference-data DIR [--database-url URL --schema S --reference-schema S] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feed import server  # noqa: E402
from bench.search import CpuMeter, every_shape, measure, queries, report, timed  # noqa: E402
from torget.settings import normalise_database_url  # noqa: E402


def _url(database_url: str, schema: str, application: str) -> str:
    if not database_url:
        return ""
    sep = "&" if "?" in database_url else "?"
    return f"{database_url}{sep}options=-csearch_path%3D{schema}&application_name={application}"


def _shapes() -> dict[str, list[dict[str, Any]]]:
    wanted = queries(60)
    return {"text + theme + format + licence": wanted[20:60], **every_shape(wanted[20:40])}


def _answer(client: httpx.Client, url: str, params: dict[str, Any]) -> tuple[Any, ...]:
    """What a search answers: the total, the page's names in order, every facet's counts."""
    body = client.get(url + "/api/search", params=params).json()
    facets = {name: sorted((v["value"], v["count"]) for v in values)
              for name, values in body["facets"].items()}  # fmt: skip
    return body["count"], [item["name"] for item in body["items"]], facets


def _differences(client: httpx.Client, urls: list[str], params: list[dict[str, Any]]) -> int:
    """The number of queries the two sides answer differently (each printed)."""
    differ = 0
    for p in params:
        answers = [_answer(client, url, p) for url in urls]
        if answers[0] != answers[1]:
            differ += 1
            print(f"  DIFFERENT ANSWERS for {p}: totals {answers[0][0]} / {answers[1][0]}")
    return differ


def run(args: argparse.Namespace) -> None:
    admin = None
    if args.database_url:
        admin = sa.create_engine(normalise_database_url(args.database_url))
    sides = {"reference": (args.reference, args.reference_data, args.reference_schema),
             "this tree": (ROOT, args.data, args.schema)}  # fmt: skip
    with ExitStack() as stack, httpx.Client(timeout=120) as client:
        running = {}
        for label, (checkout, data, schema) in sides.items():
            application = f"torget-compare-{os.getpid()}-{len(running)}"
            url, pid = stack.enter_context(
                server(data, _url(args.database_url, schema, application), checkout)
            )
            running[label] = (url, CpuMeter(pid, admin, application))
        for url, _ in running.values():
            measure(client, url, queries(20, seed=3))  # warm-up: caches, connections
        print(f"Torget search, {args.rounds} alternating rounds per shape "
              f"({'PostgreSQL' if admin else 'SQLite'}; reference {args.reference})")  # fmt: skip
        for name, params in _shapes().items():
            results: dict[str, tuple[list[float], list[tuple[float, float]]]] = {
                label: ([], []) for label in running
            }
            for _ in range(args.rounds):
                for label, (url, meter) in running.items():
                    times, cpu = timed(meter, measure, client, url, params)
                    results[label][0].extend(times)
                    if cpu:
                        results[label][1].append(cpu)
            differ = _differences(client, [url for url, _ in running.values()], params)
            print(f" {name}" + (f"  ({differ} queries answered differently)" if differ else
                                "  (same answers: totals, pages, facet counts)"))  # fmt: skip
            for label, (times, cpus) in results.items():
                mean = tuple(sum(c[i] for c in cpus) / len(cpus) for i in (0, 1)) if cpus else None
                report(f"  {label}", (times, mean))  # type: ignore[arg-type]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"  machine: {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min) at the end")
    print("  command: " + shlex.join([sys.executable, *sys.argv]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, required=True, help="the other checkout")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--reference-data", type=Path, required=True)
    parser.add_argument("--database-url", default="", help="postgresql://… (default SQLite)")
    parser.add_argument("--schema", default="")
    parser.add_argument("--reference-schema", default="")
    parser.add_argument("--rounds", type=int, default=3)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
