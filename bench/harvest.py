"""Benchmark: harvesting a large DCAT catalogue, beside rdflib's plain parse of the same file.

Goals (issue 15): a 10,000-dataset catalogue harvested the first time in at most 20 s and
re-run unchanged in at most 5 s, with the peak memory reported. The floor is rdflib parsing the
same document, which any RDF harvester pays.

The catalogue is generated (DCAT-AP-SE in RDF/XML: a title and description in Swedish and
English, keywords, a theme, a publisher, a contact point and a CSV distribution per dataset)
and served by a threaded HTTP server on loopback, without ETag or Last-Modified (as most
catalogues serve it). Each measurement runs in a subprocess of its own, so that each peak
resident set size is its own:

* `rdflib`: `Graph().parse(file)`, the floor;
* `read`: Torget's read of the source (fetch, parse, map to records) and settling every record
  against the catalogue's rules, without writing;
* `harvest`: a fresh SQLite catalogue, the first run (every dataset created through the use case,
  all checked at once by the DCAT guard), an unchanged re-run (the same bytes: fetched and
  hashed, not parsed), and a re-run after one dataset's title changed (fetched, parsed, mapped
  and compared in full, one dataset updated).

    .venv/bin/python bench/harvest.py [--datasets 10000] [--harvest-datasets N]
        [--database-url postgresql://torget:torget@127.0.0.1:5432/torget_test]

`--harvest-datasets` limits the full harvest to the first N datasets (the other phases keep
`--datasets`): on a machine shared by many processes the full 10,000 takes long, and the
per-dataset figures extrapolate (the work per dataset is linear). `--database-url` harvests into
PostgreSQL instead of SQLite: into a schema of its own, made for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

GOAL_FIRST_S = 20.0
GOAL_RERUN_S = 5.0
GOAL_N = 10_000


def generate(n: int) -> bytes:
    """A DCAT-AP-SE catalogue of `n` datasets in RDF/XML."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:vcard="http://www.w3.org/2006/vcard/ns#">\n'
        '<dcat:Catalog rdf:about="https://data.example/catalog">'
        '<dcterms:title xml:lang="sv">Katalog</dcterms:title>'
        '<dcterms:publisher rdf:resource="http://dataportal.se/organisation/SE2120000142"/>\n'
    ]
    parts += [f'<dcat:dataset rdf:resource="https://data.example/dataset/{i}"/>' for i in range(n)]
    parts.append(
        "</dcat:Catalog>\n"
        '<foaf:Organization rdf:about="http://dataportal.se/organisation/SE2120000142">'
        '<foaf:name xml:lang="sv">Sjöstads kommun</foaf:name></foaf:Organization>\n'
    )
    for i in range(n):
        parts.append(
            f'<dcat:Dataset rdf:about="https://data.example/dataset/{i}">'
            f'<dcterms:title xml:lang="sv">Luftkvalitet mätstation {i}</dcterms:title>'
            f'<dcterms:title xml:lang="en">Air quality station {i}</dcterms:title>'
            f'<dcterms:description xml:lang="sv">Timvärden för kvävedioxid och partiklar vid '
            f"mätstation {i}, uppdaterade varje natt.</dcterms:description>"
            '<dcat:keyword xml:lang="sv">luft</dcat:keyword>'
            '<dcat:keyword xml:lang="en">air</dcat:keyword>'
            '<dcat:theme rdf:resource="http://publications.europa.eu/resource/authority/'
            'data-theme/ENVI"/>'
            '<dcterms:publisher rdf:resource="http://dataportal.se/organisation/SE2120000142"/>'
            "<dcat:contactPoint><vcard:Organization><vcard:fn>Miljöförvaltningen</vcard:fn>"
            '<vcard:hasEmail rdf:resource="mailto:miljo@sjostad.example"/>'
            "</vcard:Organization></dcat:contactPoint>"
            f'<dcat:distribution><dcat:Distribution rdf:about="https://data.example/dist/{i}">'
            f'<dcat:accessURL rdf:resource="https://data.example/files/{i}.csv"/>'
            f'<dcat:downloadURL rdf:resource="https://data.example/files/{i}.csv"/>'
            "<dcterms:format>text/csv</dcterms:format>"
            '<dcterms:license rdf:resource="http://creativecommons.org/licenses/by/4.0/"/>'
            "</dcat:Distribution></dcat:distribution></dcat:Dataset>\n"
        )
    parts.append("</rdf:RDF>\n")
    return "".join(parts).encode()


def _serve(path: Path) -> tuple[ThreadingHTTPServer, str]:
    served = {"body": path.read_bytes()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = served["body"]
            self.send_response(200)
            self.send_header("Content-Type", "application/rdf+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.served = served  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/dcat"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """This process's CPU seconds: a fairer figure than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_rdflib(path: Path) -> dict[str, Any]:
    import rdflib

    start, cpu = time.perf_counter(), _cpu()
    graph = rdflib.Graph().parse(str(path), format="xml")
    return {
        "seconds": time.perf_counter() - start,
        "cpu": _cpu() - cpu,
        "triples": len(graph),
        "peak_mb": _peak_mb(),
    }


def _settings(tmp: Path, database_url: str = "") -> Any:
    from torget.settings import load_settings

    return load_settings(
        environ={},
        config_file=tmp / "absent.toml",
        data_dir=tmp / "data",
        database_url=database_url,
        base_url="https://data.region.example",
        harvest_allow_private=True,
        harvest_timeout_seconds=600,
    )


def phase_read(path: Path) -> dict[str, Any]:
    from torget.harvest.dcat_source import read
    from torget.harvest.fetch import Fetcher
    from torget.harvest.settle import Refused, settle

    server, url = _serve(path)
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), _cpu()
        result = read(Fetcher(_settings(Path(tmp))), url, None, None, lambda _: None)
        parsed = time.perf_counter() - start
        settled = 0
        for record in result.records:
            try:
                settle(record, "bench", "region")
                settled += 1
            except Refused:
                pass
        total = time.perf_counter() - start
    server.shutdown()
    return {
        "seconds": total,
        "cpu": _cpu() - cpu,
        "read_seconds": parsed,
        "records": settled,
        "peak_mb": _peak_mb(),
    }


@contextmanager
def _database(url: str) -> Iterator[str]:
    """SQLite in the data folder (""), or a fresh schema of the PostgreSQL database `url`."""
    if not url:
        yield ""
        return
    import sqlalchemy as sa

    from torget.settings import normalise_database_url

    schema = f"bench_harvest_{os.getpid()}"
    engine = sa.create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()


def phase_harvest(path: Path, database_url: str = "") -> dict[str, Any]:
    from torget.accounts.permissions import COMMAND_LINE, SYSTEM
    from torget.catalog.model import OrganisationIn
    from torget.db.engine import write
    from torget.harvest import sources
    from torget.harvest.run import run_source
    from torget.harvest.types import SOURCE_TYPES
    from torget.publishing.changes import create_organisation
    from torget.site import Site

    server, url = _serve(path)
    with (
        tempfile.TemporaryDirectory() as tmp,
        _database(database_url) as url_of_database,
        Site.open(_settings(Path(tmp), url_of_database), queue=False) as site,
    ):
        region = OrganisationIn.model_validate(
            {
                "name": "region",
                "title": {"sv": "Region"},
                "publisher_type": "RegionalAuthority",
            }
        )
        with write(site.engine) as conn:
            create_organisation(conn, COMMAND_LINE, region)
            source = sources.add_source(
                conn,
                SYSTEM,
                organisation="region",
                type="dcat",
                url=url,
                known_types=tuple(SOURCE_TYPES),
            )
        start, cpu = time.perf_counter(), _cpu()
        first = run_source(site.engine, site.settings, source.id)
        first_s, first_cpu = time.perf_counter() - start, _cpu() - cpu
        start, cpu = time.perf_counter(), _cpu()
        again = run_source(site.engine, site.settings, source.id)
        again_s, again_cpu = time.perf_counter() - start, _cpu() - cpu
        served: dict[str, bytes] = server.served  # type: ignore[attr-defined]
        title = "Luftkvalitet mätstation 0</dcterms:title>".encode()
        served["body"] = served["body"].replace(title, b"Ny station</dcterms:title>")
        start, cpu = time.perf_counter(), _cpu()
        touched = run_source(site.engine, site.settings, source.id)
        touched_s, touched_cpu = time.perf_counter() - start, _cpu() - cpu
    server.shutdown()
    return {
        "first_seconds": first_s,
        "first_cpu": first_cpu,
        "rerun_cpu": again_cpu,
        "created": first.created,
        "state": first.state,
        "rerun_seconds": again_s,
        "unchanged": again.unchanged,
        "touched_seconds": touched_s,
        "touched_cpu": touched_cpu,
        "touched_updated": touched.updated,
        "peak_mb": _peak_mb(),
    }


def _run_phase(name: str, path: Path, database_url: str = "") -> dict[str, Any]:
    extra = ["--database-url", database_url] if database_url else []
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", str(path), *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=GOAL_N)
    parser.add_argument("--harvest-datasets", type=int, default=None)
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument("--phase", choices=["rdflib", "read", "harvest"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "harvest":
            print(json.dumps(phase_harvest(args.file, args.database_url)))
        else:
            phases = {"rdflib": phase_rdflib, "read": phase_read}
            print(json.dumps(phases[args.phase](args.file)))
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        whole = Path(tmp) / "catalogue.rdf"
        whole.write_bytes(generate(args.datasets))
        part = Path(tmp) / "part.rdf"
        harvested = args.harvest_datasets or args.datasets
        part.write_bytes(generate(harvested))
        floor = _run_phase("rdflib", whole)
        read = _run_phase("read", whole)
        full = _run_phase("harvest", part, args.database_url)
        size = whole.stat().st_size / 1e6
    print(f"command:  {' '.join(sys.argv)}")
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"python:   {sys.version.split()[0]}, {database}; load {load:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after"
    )
    print(f"catalogue: {args.datasets} datasets, {size:.1f} MB RDF/XML, {floor['triples']} triples")
    print(
        f"rdflib parse (floor):       {floor['seconds']:7.2f} s   cpu {floor['cpu']:6.2f} s"
        f"   peak {floor['peak_mb']:6.0f} MB"
    )
    print(
        f"Torget read + settle:       {read['seconds']:7.2f} s   cpu {read['cpu']:6.2f} s"
        f"   peak {read['peak_mb']:6.0f} MB"
        f"   (fetch+parse+map {read['read_seconds']:.2f} s, {read['records']} records)"
    )
    print(
        f"harvest of {harvested}: first run {full['first_seconds']:.2f} s "
        f"({full['created']} created, {full['state']}), unchanged re-run "
        f"{full['rerun_seconds']:.2f} s ({full['unchanged']} unchanged), "
        f"peak {full['peak_mb']:.0f} MB"
    )
    print(f"  cpu: first run {full['first_cpu']:.2f} s, re-run {full['rerun_cpu']:.2f} s")
    print(
        f"  re-run with one title changed: {full['touched_seconds']:.2f} s, cpu "
        f"{full['touched_cpu']:.2f} s ({full['touched_updated']} updated)"
    )
    per = full["first_cpu"] / max(1, full["created"])
    rerun_per = full["rerun_cpu"] / max(1, full["unchanged"])
    print(
        f"per dataset: first {per * 1000:.1f} ms, re-run {rerun_per * 1000:.2f} ms; "
        f"at {GOAL_N}: first ≈ {per * GOAL_N:.0f} s (goal {GOAL_FIRST_S:.0f} s), re-run ≈ "
        f"{rerun_per * GOAL_N:.1f} s (goal {GOAL_RERUN_S:.0f} s)"
    )
    floor_per = floor["cpu"] / args.datasets
    touched_per = full["touched_cpu"] / max(1, harvested)
    print(
        f"against rdflib's parse, cpu per dataset ({floor_per * 1000:.2f} ms): first run "
        f"{per / floor_per:.1f}×, unchanged re-run {rerun_per / floor_per:.2f}×, "
        f"re-run with one change {touched_per / floor_per:.1f}×"
    )


if __name__ == "__main__":
    main()
