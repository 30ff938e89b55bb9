"""Benchmark: the quality score (issue 14) on a 10,000-dataset catalogue.

Goals: the whole catalogue's report (`torget.quality.report.quality_report`, every dataset
scored with its hints and the catalogue's tallies) in ≤ 5 s, and one dataset's score as the
editing page computes it after a save (`get_dataset` + `dataset_quality`) in ≤ 20 ms.

The catalogue is `bench/search.py`'s generated one (the same stored JSON, one to three
distributions per dataset, checked against `normalise_dataset`), bulk-inserted into a fresh
SQLite database in a temporary folder (or a throw-away PostgreSQL schema with
`--database-url`). Printed: median and max of the runs, and whether each goal is met.

    .venv/bin/python bench/quality.py [--datasets 10000] [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from search import ORGS, _json, check_sample, stored_dataset  # noqa: E402

from torget.accounts.permissions import SYSTEM  # noqa: E402
from torget.catalog.datasets import get_dataset  # noqa: E402
from torget.catalog.model import OrganisationIn  # noqa: E402
from torget.catalog.organisations import create_organisation  # noqa: E402
from torget.clock import now  # noqa: E402
from torget.db.engine import read, write  # noqa: E402
from torget.db.schema import datasets, distributions  # noqa: E402
from torget.ids import new_id  # noqa: E402
from torget.quality.report import dataset_quality, quality_report  # noqa: E402
from torget.settings import load_settings  # noqa: E402
from torget.site import Site  # noqa: E402


def build(engine: sa.Engine, n: int) -> str:
    check_sample()
    with write(engine) as conn:
        org_ids = {}
        for name in ORGS:
            org = OrganisationIn.model_validate(
                {"name": name, "publisher_type": "LocalAuthority",
                 "title": {"sv": f"Förvaltning {name[-2:]}"},
                 "contact_point": {"name": "Kontakt", "email": "kontakt@kommun.example"}}
            )  # fmt: skip
            org_ids[name] = create_organisation(conn, SYSTEM, org).id
    stamp, last = now(), ""
    with write(engine) as conn:
        for first in range(0, n, 2000):
            ds_rows, dist_rows = [], []
            for i in range(first, min(first + 2000, n)):
                data, dists = stored_dataset(i)
                last = new_id()
                ds_rows.append({"id": last, "identifier": data["identifier"],
                                "name": data["name"], "organisation_id":
                                org_ids[data["organisation"]], "state": "published",
                                "title_sv": data["title"]["sv"], "data": _json(data),
                                "created_at": stamp, "updated_at": stamp})  # fmt: skip
                dist_rows += [{"id": new_id(), "dataset_id": last, "position": p,
                               "data": _json(d), "created_at": stamp, "updated_at": stamp}
                              for p, d in enumerate(dists)]  # fmt: skip
            conn.execute(datasets.insert(), ds_rows)
            conn.execute(distributions.insert(), dist_rows)
    return last


@contextmanager
def generated_site(n: int, database_url: str) -> Iterator[tuple[Site, str]]:
    """A site over a temporary folder (or a throw-away PostgreSQL schema) holding `build`'s
    catalogue of `n` datasets, and the id of the last dataset; shared with bench/maturity.py."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(TORGET_DATA_DIR=folder, TORGET_CONFIG=f"{folder}/none.toml")
        if database_url:
            os.environ["TORGET_DATABASE_URL"] = database_url
        site = Site.open(load_settings())
        start = time.perf_counter()
        last = build(site.engine, n)
        print(f"  bulk insert: {n:,} datasets in {time.perf_counter() - start:.1f} s")
        yield site, last


def _timed(runs: int, work: object) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each run (CPU time stays comparable on a busy machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()  # type: ignore[operator]
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with generated_site(args.datasets, args.database_url) as (site, one):

        def report() -> None:
            with read(site.engine) as conn:
                quality_report(conn, site.settings, SYSTEM)

        def single() -> None:
            with read(site.engine) as conn:
                dataset_quality(conn, site.settings, get_dataset(conn, SYSTEM, one))

        whole, whole_cpu = _timed(args.runs, report)
        each, each_cpu = _timed(args.runs * 20, single)
        with read(site.engine) as conn:
            found = quality_report(conn, site.settings, SYSTEM)
    print(f"command: {' '.join(sys.argv)}")
    print(f"backend: {site.engine.dialect.name}, Python {platform.python_version()}, "
          f"load: {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"catalogue: {found.score.datasets:,} datasets, {found.score.distributions:,} "
          f"distributions, {found.score.points:.2f} points ({found.score.rating})")  # fmt: skip
    w, e = statistics.median(whole), statistics.median(each)
    wc, ec = statistics.median(whole_cpu), statistics.median(each_cpu)
    print(f"whole report: median {w:.2f} s (CPU {wc:.2f} s), max {max(whole):.2f} s  "
          f"goal ≤ 5 s: {'met' if w <= 5 else 'NOT met'}")  # fmt: skip
    met = "met" if e <= 0.020 else "NOT met"
    print(f"one dataset:  median {e * 1000:.1f} ms (CPU {ec * 1000:.1f} ms), max "
          f"{max(each) * 1000:.1f} ms  goal ≤ 20 ms: {met}")  # fmt: skip


if __name__ == "__main__":
    main()
