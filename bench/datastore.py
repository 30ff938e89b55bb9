"""Datastore benchmark: load a large Swedish-style CSV and query it, against raw DuckDB.

    python bench/datastore.py --rows 1000000      # about 100 MB; --rows 10000000 ≈ 1 GB

Prints ingest wall time and peak memory (each load in its own process) for Torget's ingest
and for DuckDB's own `read_csv` of the same file, then median latencies of four queries
through Torget's HTTP API (in-process ASGI client) and the same SQL on raw DuckDB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KOMMUNER = ["0114", "0180", "0380", "0580", "1280", "1480", "2480", "2580"]


def generate(path: Path, rows: int) -> None:
    rnd = random.Random(42)
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("Kommunkod;Namn;Antal;Belopp;Datum;Aktiv;Kommentar\r\n")
        for i in range(rows):
            amount = f"{rnd.randint(0, 999)} {rnd.randint(0, 999):03d},{rnd.randint(0, 99):02d}"
            out.write(
                f"{KOMMUNER[i % 8]};Plats {i % 5000};{rnd.randint(0, 100000)};{amount};"
                f"{1 + i % 28}/{1 + i % 12} 2024;{'ja' if i % 3 else 'nej'};rad {i} åäö\r\n"
            )


def _child(code: str) -> dict[str, float]:
    script = (
        "import json, resource, time\n" + code + "\nprint(json.dumps({'seconds': elapsed, "
        "'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def bench_ingest(csv: Path, work: Path) -> tuple[dict[str, float], dict[str, float]]:
    raw = _child(
        "import duckdb\nt = time.perf_counter()\n"
        f"con = duckdb.connect({str(work / 'raw.duckdb')!r})\n"
        f'con.execute("CREATE TABLE data AS SELECT * FROM read_csv({str(csv)!r}, '
        f"encoding='latin-1')\")\nelapsed = time.perf_counter() - t"
    )
    ours = _child(
        "from pathlib import Path\nfrom torget.datastore.ingest import Limits, ingest\n"
        f"t = time.perf_counter()\ningest('b.csv', Path({str(csv)!r}), 'csv', "
        f"Path({str(work / 'torget.duckdb')!r}), Limits(memory_limit='700MB'))\n"
        "elapsed = time.perf_counter() - t"
    )
    return raw, ours


def _median(fn: object, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def bench_queries(csv: Path, work: Path) -> list[tuple[str, float, float]]:
    import duckdb
    from fastapi.testclient import TestClient

    from torget.accounts.permissions import SYSTEM
    from torget.app import create_app
    from torget.catalog.datasets import create_dataset
    from torget.catalog.model import DatasetIn, OrganisationIn
    from torget.catalog.organisations import create_organisation
    from torget.datastore.load import load_local
    from torget.db.engine import make_engine, write
    from torget.db.migrate import upgrade
    from torget.settings import load_settings

    settings = load_settings(environ={}, config_file=work / "none.toml", data_dir=work / "data")
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    with write(engine) as conn:
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(
            {"name": "sjostad", "title": {"sv": "Sjöstad"}, "org_number": "212000-0142",
             "publisher_type": "LocalAuthority"}))  # fmt: skip
        dataset = create_dataset(conn, SYSTEM, DatasetIn.model_validate({
            "organisation": "sjostad", "state": "published", "title": {"sv": "Bänk"},
            "description": {"sv": "B"}, "themes": ["ENVI"], "access_rights": "PUBLIC",
            "frequency": "ANNUAL", "distributions": [{"format": "CSV", "license": "CC0-1.0",
            "download_url": "https://example.se/b.csv"}]}))  # fmt: skip
    dist = dataset.distributions[0].id
    load_local(settings, engine, dist, csv, "csv")
    client = TestClient(create_app(settings))
    base = f"/api/datastore/{dist}"
    first = client.get(f"{base}/rows", params={"sort": "-Antal", "limit": 100}).json()
    url = first["next"]
    for _ in range(20):
        url = client.get(url).json()["next"]
    deep = url
    cases = [
        ("filtered sorted page", f"{base}/rows?Kommunkod=0180&Aktiv=true&sort=-Antal&limit=100",
         "SELECT * FROM data WHERE Kommunkod='0180' AND Aktiv ORDER BY Antal DESC, _id LIMIT 100"),
        ("deep keyset page (21st)", deep, None),
        ("count with filter", f"{base}/rows?Antal__gte=50000&limit=0",
         "SELECT count(*) FROM data WHERE Antal >= 50000"),
        ("grouped aggregate", f"{base}/aggregate?group_by=Kommunkod&count=*&avg=Belopp",
         "SELECT Kommunkod, count(*), avg(Belopp) FROM data GROUP BY 1 ORDER BY 1"),
    ]  # fmt: skip
    with write(engine) as conn:
        from torget.datastore.tables import current_table

        path = current_table(conn, settings.datastore_path, dist)
    assert path is not None
    raw = duckdb.connect(str(path.path), read_only=True)
    out = []
    for name, api, sql in cases:
        ours = _median(lambda a=api: client.get(a).raise_for_status())
        if sql is None:  # the same keyset condition, written by hand
            sql = "SELECT * FROM data ORDER BY Antal DESC, _id LIMIT 100 OFFSET 2100"
        theirs = _median(lambda s=sql: raw.execute(s).fetchall())
        out.append((name, ours, theirs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv = work / "bench.csv"
        generate(csv, args.rows)
        size = csv.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {size:,.0f} MB (Windows-1252, ';', decimal commas)")
        raw, ours = bench_ingest(csv, work)
        print(f"ingest  raw DuckDB read_csv {raw['seconds']:7.2f} s {raw['peak_mb']:7.0f} MB peak")
        print(f"ingest  Torget              {ours['seconds']:7.2f} s {ours['peak_mb']:7.0f} MB peak"
              f"   ratio {ours['seconds'] / raw['seconds']:.2f}x")  # fmt: skip
        for name, api, duck in bench_queries(csv, work):
            print(f"query   {name:26} API {api:8.2f} ms  raw DuckDB {duck:8.2f} ms"
                  f"  ratio {api / duck:.2f}x")  # fmt: skip


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
