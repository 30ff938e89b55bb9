"""Validation of a table against a national specification: rows per second, Torget against
frictionless's own speed on the same file.

    .venv/bin/python bench/specifications.py                      # 1 M rows of badplatser
    .venv/bin/python bench/specifications.py --rows 100000 --frictionless-rows 0   # all rows

The file is bathing places (`badplatser` 1.0, 12 of its columns) with an error in about one
row in a hundred, of every kind the schema checks (required, type, pattern, maximum, unique,
an e-mail and a URL format). It is loaded into the datastore (`ingest`, timed separately),
then checked as a load checks it (`conformance.check_table`: DuckDB SQL over every row and
frictionless over the first 2,000, compared). frictionless validates the CSV file itself
(`frictionless.validate` with the same schema); at a few thousand rows a second, a million
rows take minutes, so by default it reads the first `--frictionless-rows` rows and its speed is
given per row (0: the whole file). The report gives the two speeds and whether they found
the same counts per rule on the rows both read; then the combined national table of 290
municipalities × 1,000 rows is built twice (`--combine-only` for that part alone).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shlex
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
from frictionless import Detector, Resource, Schema

from torget.datastore.ingest import Limits, ingest
from torget.specifications.columns import match_columns
from torget.specifications.combine import Source, build
from torget.specifications.conformance import check_table
from torget.specifications.registry import Specification, _builtins
from torget.specifications.report import Report
from torget.specifications.validation import present_schema

HEADER = ("place_id,name,latitude,longitude,nutskod,wikidata,updated,toilet,shower,"
          "watertype,visit_url,email")  # fmt: skip


def write_file(path: Path, rows: int, seed: int = 16) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            cells = [f"P{i}", f"Badplats {i}", f"{rng.uniform(55.5, 68):.5f}",
                     f"{rng.uniform(11.5, 23):.5f}", f"SE0A{rng.randrange(10**10):010d}0000",
                     f"Q{rng.randrange(10**7)}", "2024-05-01", rng.choice(("true", "false")),
                     rng.choice(("true", "false")), "lake", "https://kommun.se/bad",
                     "bad@kommun.se"]  # fmt: skip
            if rng.random() < 0.01:
                column, value = rng.choice([
                    (0, f"P{max(0, i - 3)}"), (1, ""), (2, "70.5"), (4, "SE-short"),
                    (5, "12345"), (6, "2024-02-30"), (7, "kanske"), (10, "//no-scheme"),
                    (11, "not-an-address"),
                ])  # fmt: skip
                cells[column] = value
            out.write(",".join(cells) + "\n")


def frictionless_counts(
    path: Path, spec: Specification, rows: int | None
) -> tuple[Counter[str], float]:
    header = HEADER.split(",")
    schema: Schema = present_schema(spec, match_columns(header, spec.fields, Report(spec.iri)))
    resource = Resource(path=path.name, basepath=str(path.parent), schema=schema,
                        detector=Detector(schema_sync=True))  # fmt: skip
    started = time.monotonic()
    kwargs = {"limit_rows": rows} if rows else {}
    result = resource.validate(limit_errors=10**9, **kwargs)
    seconds = time.monotonic() - started
    counts: Counter[str] = Counter()
    for error in result.tasks[0].errors:
        rule = error.type.removesuffix("-error")
        if rule == "constraint":
            rule = error.note.split('"')[1]
        counts[rule] += 1
    return counts, seconds


def bench_combine(spec: Specification, municipalities: int, rows: int) -> None:
    """`combine.build` over `municipalities` tables of `rows` rows each, as the loader leaves
    them (typed columns and `_id`); a rebuild after one source changed is the same build."""
    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for m in range(municipalities):
            path = Path(tmp) / f"m{m}.duckdb"
            con = duckdb.connect(str(path))
            con.execute(
                "CREATE TABLE data AS SELECT i + 1 AS _id, "
                f"'P{m}-' || i AS place_id, 'Badplats ' || i AS name, "
                "55.5 + (i % 1000) / 100.0 AS latitude, 12.0 + (i % 900) / 100.0 AS longitude, "
                "i % 2 = 0 AS toilet, DATE '2024-05-01' AS updated, "
                f"CASE WHEN i % 97 = 0 THEN NULL ELSE 'Q' || i END AS wikidata "
                f"FROM range({rows}) t(i)"
            )
            con.close()
            made = Source(f"d{m}", path, f"kommun{m}", f"badplatser-{m}", "2026-12-07", "v1")
            sources.append(made)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu = time.monotonic(), time.process_time()
        report = build(Path(tmp) / "combined", spec, sources)
        first, first_cpu = time.monotonic() - started, time.process_time() - cpu
        changed = sources[0]
        sources[0] = Source(changed.distribution_id, changed.path, changed.organisation,
                            changed.dataset, changed.fetched_at, "v2")  # fmt: skip
        started, cpu = time.monotonic(), time.process_time()
        again_report = build(Path(tmp) / "combined", spec, sources)
        again, again_cpu = time.monotonic() - started, time.process_time() - cpu
        assert again_report["rows"] == report["rows"]
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    print(f"combine {municipalities} × {rows:,} rows: {first:.1f} s, CPU {first_cpu:.1f} s "
          f"({report['rows']:,} rows kept); a rebuild after one source changed: {again:.2f} s, "
          f"CPU {again_cpu:.2f} s; peak memory grew {grown / 1024:.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--frictionless-rows", type=int, default=50_000)
    parser.add_argument("--combine-only", action="store_true")
    args = parser.parse_args()
    spec = next(s for s in _builtins() if s.name == "badplatser")
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("load average before:", os.getloadavg()[:2])
    if args.combine_only:
        bench_combine(spec, 290, 1000)
        return
    with tempfile.TemporaryDirectory() as tmp:
        source, table = Path(tmp) / "badplatser.csv", Path(tmp) / "badplatser.duckdb"
        write_file(source, args.rows)
        started = time.monotonic()
        ingest(source.name, source, "csv", table, Limits())
        loaded = time.monotonic() - started
        started = time.monotonic()
        report = check_table(table, spec)
        checked = time.monotonic() - started
        f_counts, f_seconds = frictionless_counts(source, spec, args.frictionless_rows)
        f_rows = min(args.frictionless_rows or args.rows, args.rows)
    print(f"rows: {args.rows:,}; load into the datastore: {loaded:.1f} s")
    print(f"Torget ({report.method}): {checked:.2f} s, {args.rows / checked:,.0f} rows/s; "
          f"sample agrees with frictionless: {report.sample_agrees}")  # fmt: skip
    print(
        f"frictionless on the CSV file: {f_rows:,} rows in {f_seconds:.2f} s, "
        f"{f_rows / f_seconds:,.0f} rows/s (1 M rows: ~{1e6 / (f_rows / f_seconds):,.0f} s)"
    )
    print("Torget's counts per rule:", dict(sorted(report.counts.items())))
    print("frictionless's counts on its rows:", dict(sorted(f_counts.items())))
    print(f"speed-up: {(args.rows / checked) / (f_rows / f_seconds):,.0f}×")
    bench_combine(spec, 290, 1000)
    print("load average after:", os.getloadavg()[:2])


if __name__ == "__main__":
    main()
