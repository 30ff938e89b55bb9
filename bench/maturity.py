"""Benchmark: every organisation's maturity (issue 14 item 4) on a 10,000-dataset catalogue.

The catalogue is `bench/quality.py`'s (its `build`: `bench/search.py`'s generated records,
bulk-inserted, all published). Timed side by side in alternating rounds: the comparison of all
organisations (`torget.maturity.report.comparison`: a few set-based queries and one quality
report pass) and the quality report alone (`quality_report`), so the ratio says what maturity
adds to the pass it builds on. Printed: median and best wall and CPU time of each, and the
ratio of the medians; and one organisation's page (`organisation_maturity`, its datasets only).

    .venv/bin/python bench/maturity.py [--datasets 10000] [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import generated_site  # noqa: E402
from search import ORGS  # noqa: E402

from torget.accounts.permissions import ANONYMOUS  # noqa: E402
from torget.db.engine import read  # noqa: E402
from torget.maturity.report import comparison, organisation_maturity  # noqa: E402
from torget.quality.report import quality_report  # noqa: E402


def _once(work: Callable[[], object]) -> tuple[float, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - start, time.process_time() - start_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with generated_site(args.datasets, args.database_url) as (site, _last):

        def maturity() -> None:
            with read(site.engine) as conn:
                comparison(conn, site.settings)

        def quality() -> None:
            with read(site.engine) as conn:
                quality_report(conn, site.settings, ANONYMOUS)

        def one() -> None:
            with read(site.engine) as conn:
                organisation_maturity(conn, site.settings, ORGS[0])

        times: dict[str, list[tuple[float, float]]] = {"maturity": [], "quality": [], "one": []}
        for _ in range(args.runs):  # alternating rounds: all see the same load
            times["maturity"].append(_once(maturity))
            times["quality"].append(_once(quality))
            times["one"].append(_once(one))
        with read(site.engine) as conn:
            found = comparison(conn, site.settings)
    print(f"command: {' '.join(sys.argv)}")
    print(f"backend: {site.engine.dialect.name}, Python {platform.python_version()}, "
          f"load: {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"catalogue: {args.datasets:,} datasets, {len(found.organisations)} organisations, "
          f"levels {sorted({m.level for m in found.organisations})}")  # fmt: skip
    medians = {}
    for name, runs in times.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        medians[name] = statistics.median(wall)
        print(f"{name:<9} wall median {statistics.median(wall):.2f} s, best {min(wall):.2f} s; "
              f"CPU median {statistics.median(cpu):.2f} s")  # fmt: skip
    print(f"maturity / quality report: {medians['maturity'] / medians['quality']:.2f}")


if __name__ == "__main__":
    main()
