"""Benchmark: the whole-catalogue DCAT feed, `/datasets/dcat`, at municipal scale and beyond.

Goals (the feed is what Sveriges dataportal harvests, NOTES.md §6): the RDF/XML of 10,000
datasets × 2 distributions in at most 2 s, and at least 5× faster than building and serialising
the same triples with rdflib, which is what ckanext-dcat and most catalogues do per request.

One run builds a fresh catalogue (SQLite, or a throw-away schema on PostgreSQL), starts a real
uvicorn server in a subprocess (its own interpreter, so the client does not share its GIL) and
measures, side by side:

* `GET /datasets/dcat` end to end over HTTP, full body read (min/median/max, first byte);
* the same feed in-process (`iter_catalogue`) and the bare SQL read of its rows, the floor;
* rdflib on the same triples (Torget's `/catalog.ttl` parsed back): `serialize("xml")` alone,
  and `parse` + `serialize`; Turtle only when asked or small (rdflib's Turtle serialiser is
  quadratic, rdflib issue #1752);
* one-record latency: `GET /api/datasets/{id}` and `GET /dataset/{id}.rdf`.

The body is parsed once with rdflib outside the timings, to check that it holds every dataset.

    .venv/bin/python bench/feed.py [--datasets 10000] [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import rdflib
import sqlalchemy as sa
from rdflib.namespace import DCAT, RDF

from torget import __version__
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import create_dataset
from torget.catalog.model import DatasetIn, OrganisationIn
from torget.catalog.organisations import all_organisations, create_organisation
from torget.catalog.rules import normalise_dataset
from torget.clock import now
from torget.db.engine import make_engine, read, write
from torget.db.migrate import upgrade
from torget.db.schema import datasets, distributions
from torget.dcat.feed import (  # the private steps too: the rdflib baseline reuses them
    _catalogue_info,
    _catalogue_parts,
    catalogue_publisher,
    iter_catalogue,
)
from torget.dcat.serialize import PREFIXES, Lit, Ref, Resource
from torget.ids import new_id
from torget.settings import Settings, load_settings, normalise_database_url

BASE_URL = "https://data.sjostad.example"
ORG = "sjostad"
SWEDEN = "http://sws.geonames.org/2661886/"
CREATE_BUDGET_S = 60.0  # above this estimate for N create_dataset calls, bulk-insert instead
GOAL_SECONDS = 2.0
GOAL_N = 10_000
GOAL_RATIO = 5.0

# (sv title, en title, sv keywords, en keywords, themes, frequency, sv/en frequency words)
TOPICS = [
    ("Badplatser", "Bathing sites", ["bad", "strand", "vattenkvalitet"],
     ["bathing", "beach", "water quality"], ["ENVI", "HEAL"], "ANNUAL"),
    ("Parkeringsplatser", "Parking spaces", ["parkering", "trafik", "gata"],
     ["parking", "traffic", "street"], ["TRAN", "REGI"], "MONTHLY"),
    ("Förskolor", "Preschools", ["förskola", "barn", "utbildning"],
     ["preschool", "children", "education"], ["EDUC", "SOCI"], "ANNUAL"),
    ("Luftkvalitet", "Air quality", ["luft", "partiklar", "miljö"],
     ["air", "particles", "environment"], ["ENVI", "HEAL"], "DAILY"),
    ("Cykelräkningar", "Bicycle counts", ["cykel", "räkning", "mobilitet"],
     ["bicycle", "count", "mobility"], ["TRAN", "ENVI"], "WEEKLY"),
    ("Bygglov", "Building permits", ["bygglov", "byggnad", "detaljplan"],
     ["building permit", "building", "zoning plan"], ["REGI", "GOVE"], "MONTHLY"),
    ("Befolkningsstatistik", "Population statistics", ["befolkning", "statistik", "invånare"],
     ["population", "statistics", "resident"], ["SOCI", "REGI"], "ANNUAL"),
    ("Avfallsmängder", "Waste volumes", ["avfall", "återvinning", "hushåll"],
     ["waste", "recycling", "household"], ["ENVI", "ENER"], "QUARTERLY"),
    ("Energianvändning i kommunala byggnader", "Energy use in municipal buildings",
     ["energi", "fastighet", "elförbrukning"], ["energy", "property", "electricity use"],
     ["ENER", "GOVE"], "MONTHLY"),
    ("Hållplatser för kollektivtrafik", "Public transport stops", ["hållplats", "buss", "tåg"],
     ["stop", "bus", "train"], ["TRAN", "REGI"], "IRREG"),
    ("Bibliotekslån", "Library loans", ["bibliotek", "lån", "kultur"],
     ["library", "loan", "culture"], ["EDUC", "SOCI"], "MONTHLY"),
    ("Dricksvattenprover", "Drinking water samples", ["dricksvatten", "prov", "kvalitet"],
     ["drinking water", "sample", "quality"], ["HEAL", "ENVI"], "WEEKLY"),
    ("Kommunens budget", "Municipal budget", ["budget", "ekonomi", "kommun"],
     ["budget", "economy", "municipality"], ["ECON", "GOVE"], "ANNUAL"),
    ("Trafikolyckor", "Traffic accidents", ["olycka", "trafiksäkerhet", "väg"],
     ["accident", "road safety", "road"], ["TRAN", "JUST"], "QUARTERLY"),
    ("Lekplatser", "Playgrounds", ["lekplats", "park", "barn"],
     ["playground", "park", "children"], ["SOCI", "REGI"], "IRREG"),
    ("Gatuträd", "Street trees", ["träd", "grönska", "gata"],
     ["tree", "greenery", "street"], ["ENVI", "AGRI"], "ANNUAL"),
]  # fmt: skip
DISTRICTS = ["Centrum", "Hamnen", "Norrby", "Söderdal", "Östermalm", "Västerås backe",
             "Skogsby", "Åkerlund", "Strandängen", "Kvarnbacken"]  # fmt: skip
FREQUENCY_WORDS = {
    "ANNUAL": ("årligen", "yearly"),
    "MONTHLY": ("varje månad", "monthly"),
    "QUARTERLY": ("varje kvartal", "quarterly"),
    "WEEKLY": ("varje vecka", "weekly"),
    "DAILY": ("dagligen", "daily"),
    "IRREG": ("vid behov", "when needed"),
}


# --- The catalogue ---------------------------------------------------------------------------


def dataset_payload(i: int) -> dict[str, Any]:
    """The i-th dataset as the JSON API would receive it: the same shape on every path."""
    sv, en, kw_sv, kw_en, themes, freq = TOPICS[i % len(TOPICS)]
    district = DISTRICTS[(i // len(TOPICS)) % len(DISTRICTS)]
    year = 2014 + (i // (len(TOPICS) * len(DISTRICTS))) % 11
    freq_sv, freq_en = FREQUENCY_WORDS[freq]
    name = f"ds-{i:06d}"
    title_sv, title_en = f"{sv} i {district} {year}", f"{en} in {district} {year}"
    return {
        "organisation": ORG,
        "state": "published",
        "name": name,
        "identifier": str(uuid.UUID(int=i + 1, version=4)),
        "title": {"sv": title_sv, "en": title_en},
        "description": {
            "sv": f"{sv} i stadsdelen {district} under {year}, sammanställda av Sjöstads kommun. "
            f"Uppgifterna uppdateras {freq_sv} och publiceras som öppna data i CSV och JSON.",
            "en": f"{en} in the {district} district during {year}, compiled by Sjöstad "
            f"Municipality. The figures are updated {freq_en} and published as open data.",
        },
        "keywords": {"sv": kw_sv, "en": kw_en},
        "themes": themes,
        "access_rights": "PUBLIC",
        "frequency": freq,
        "language": ["SWE"],
        "issued": f"{year}-03-{1 + i % 28:02d}",
        "modified": f"{min(year + 1, 2025)}-01-{1 + i % 28:02d}",
        "spatial": [SWEDEN],
        "temporal": {"start": f"{year}-01-01"},
        "distributions": [_distribution(i, name, title_sv, title_en, f) for f in ("CSV", "JSON")],
    }


def _distribution(i: int, name: str, sv: str, en: str, fmt: str) -> dict[str, Any]:
    return {
        "title": {"sv": f"{sv} som {fmt}", "en": f"{en} as {fmt}"},
        "download_url": f"{BASE_URL}/files/{name}.{fmt.lower()}",
        "format": fmt,
        "license": "CC0-1.0",
        "byte_size": 1_000 + (i * 7919 + len(fmt) * 104_729) % 5_000_000,
    }


def _organisation() -> OrganisationIn:
    return OrganisationIn.model_validate(
        {
            "name": ORG,
            "title": {"sv": "Sjöstads kommun", "en": "Sjöstad Municipality"},
            "org_number": "2120000142",
            "publisher_type": "LocalAuthority",
            "homepage": "https://www.sjostad.example",
            "contact_point": {
                "name": "Kontaktcenter",
                "email": "kontakt@sjostad.example",
                "telephone": "+46 10 123 45 00",
            },
        }
    )


@dataclass
class Rows:
    """Ready-to-insert rows, made from one normalised record per topic (normalising each of
    10,000 records would time pydantic, not the feed)."""

    org_id: str
    templates: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=dict)

    def _template(self, i: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        topic = i % len(TOPICS)
        if topic not in self.templates:
            record = normalise_dataset(DatasetIn.model_validate(dataset_payload(i)))
            assert record.distributions is not None
            dists = [d.model_dump(mode="json") for d in record.distributions]
            self.templates[topic] = (
                record.model_dump(mode="json", exclude={"distributions"}),
                dists,
            )
        return self.templates[topic]

    def stored(self, i: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The JSON `create_dataset` would store for dataset i, by overlaying its own fields."""
        payload = dataset_payload(i)
        template, dist_templates = self._template(i)
        keys = ("name", "identifier", "title", "description", "issued", "modified")
        data = {**template, **{k: payload[k] for k in keys}}
        data["temporal"] = {**template["temporal"], **payload["temporal"]}
        dists = []
        for dist, given in zip(dist_templates, payload["distributions"], strict=True):
            url = given["download_url"]
            dists.append(
                {
                    **dist,
                    "title": given["title"],
                    "download_url": url,
                    "access_url": url,
                    "byte_size": given["byte_size"],
                }
            )
        return data, dists

    def insert(self, conn: sa.Connection, numbers: range) -> list[str]:
        stamp, ids = now(), []
        for start in range(numbers.start, numbers.stop, 1000):
            ds_rows, dist_rows = [], []
            for i in range(start, min(start + 1000, numbers.stop)):
                data, dists = self.stored(i)
                ds_id = new_id()
                ids.append(ds_id)
                ds_rows.append(
                    {
                        "id": ds_id,
                        "identifier": data["identifier"],
                        "name": data["name"],
                        "organisation_id": self.org_id,
                        "state": "published",
                        "title_sv": data["title"]["sv"],
                        "data": _json(data),
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
                dist_rows += [
                    {
                        "id": new_id(),
                        "dataset_id": ds_id,
                        "position": p,
                        "data": _json(d),
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                    for p, d in enumerate(dists)
                ]
            conn.execute(datasets.insert(), ds_rows)
            conn.execute(distributions.insert(), dist_rows)
        return ids


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def check_overlay(rows: Rows, n: int) -> None:
    """The bulk rows must equal what the domain code would store."""
    for i in sorted({0, n // 2, n - 1, min(n - 1, len(TOPICS) + 3)}):
        full = normalise_dataset(DatasetIn.model_validate(dataset_payload(i)))
        assert full.distributions is not None
        data, dists = rows.stored(i)
        assert data == full.model_dump(mode="json", exclude={"distributions"}), i
        assert dists == [d.model_dump(mode="json") for d in full.distributions], i


@dataclass
class Setup:
    ids: list[str]
    seconds: float
    created: int
    create_seconds: float
    bulk: int
    bulk_seconds: float


def build_catalogue(engine: sa.Engine, n: int, mode: str) -> Setup:
    """Through `create_dataset`, one transaction each as the JSON API does; in `auto` mode
    whatever is not created within CREATE_BUDGET_S is bulk-inserted (same stored rows)."""
    start = time.perf_counter()
    upgrade(engine)
    with write(engine) as conn:
        org_id = create_organisation(conn, SYSTEM, _organisation()).id
    budget = {"create": float("inf"), "bulk": 0.0}.get(mode, CREATE_BUDGET_S)
    create_start = time.perf_counter()
    ids = _create_one_by_one(engine, n, budget)
    created, create_s = len(ids), time.perf_counter() - create_start
    if created:
        print(
            f"  create_dataset: {created:,} in {create_s:.1f} s "
            f"({create_s / created * 1e3:.1f} ms each)"
        )
    bulk_start = time.perf_counter()
    if created < n:
        rows = Rows(org_id)
        check_overlay(rows, n)
        with write(engine) as conn:
            ids += rows.insert(conn, range(created, n))
        took = time.perf_counter() - bulk_start
        why = "" if mode == "bulk" else f", create_dataset's {CREATE_BUDGET_S:.0f} s budget spent"
        print(f"  bulk insert: {n - created:,} datasets in {took:.2f} s (one transaction{why})")
    bulk_s = time.perf_counter() - bulk_start
    return Setup(ids, time.perf_counter() - start, created, create_s, n - created, bulk_s)


def _create_one_by_one(engine: sa.Engine, n: int, budget: float) -> list[str]:
    deadline, ids = time.perf_counter() + budget, []
    for i in range(n):
        if time.perf_counter() > deadline:
            break
        with write(engine) as conn:
            data = DatasetIn.model_validate(dataset_payload(i))
            ids.append(create_dataset(conn, SYSTEM, data).id)
    return ids


# --- Backends and the server -----------------------------------------------------------------


@contextmanager
def backend(database_url: str) -> Iterator[tuple[str, str]]:
    """(database_url for Settings, label): SQLite in the data dir, or a fresh PG schema."""
    if not database_url:
        yield "", "SQLite"
        return
    if not database_url.startswith(("postgres://", "postgresql")):
        yield database_url, database_url.split(":", 1)[0]
        return
    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(normalise_database_url(database_url))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        version = conn.exec_driver_sql("SHOW server_version").scalar()
    sep = "&" if "?" in database_url else "?"
    try:
        yield f"{database_url}{sep}options=-csearch_path%3D{schema}", f"PostgreSQL {version}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
        print(f"  dropped schema {schema}")


def bench_settings(data_dir: Path, database_url: str) -> Settings:
    return load_settings(
        environ={},
        config_file=data_dir / "absent.toml",
        data_dir=data_dir,
        database_url=database_url,
        base_url=BASE_URL,
    )


def serve(data_dir: Path, database_url: str, port: int) -> None:
    """The subprocess side: uvicorn with Torget's app, as `torget serve` runs it."""
    import uvicorn

    from torget.app import create_app
    from torget.site import Site

    with Site.open(bench_settings(data_dir, database_url), migrate=False) as site:
        app = create_app(site)
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(
    data_dir: Path, database_url: str, checkout: Path | None = None
) -> Iterator[tuple[str, int]]:
    """A server of this tree's code, or of another `checkout`'s (bench/search_compare.py)."""
    port = _free_port()
    script = str(checkout / "bench/feed.py") if checkout else __file__
    args = [sys.executable, script, "--serve", "--port", str(port), "--data-dir", str(data_dir)]
    args += ["--database-url", database_url]
    env = {**os.environ, "PYTHONPATH": str(checkout)} if checkout else None
    proc = subprocess.Popen(args, env=env, cwd=checkout)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine imports slowly
        while True:
            with suppress(httpx.TransportError):
                if httpx.get(url + "/", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start (exit code {proc.poll()})")
            time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mb(pid: int) -> float | None:
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


# --- Measurements ----------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    seconds: list[float]
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def repeat(label: str, runs: int, action: Callable[[], object], note: str = "") -> Timing:
    seconds = []
    for _ in range(runs):
        gc.collect()  # garbage from an earlier step must not be collected inside a timing
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return Timing(label, seconds, note)


def fetch_streamed(client: httpx.Client, path: str) -> tuple[float, float, int]:
    """(total seconds, seconds to the first byte, body bytes) of one full GET."""
    start = time.perf_counter()
    first, size = 0.0, 0
    with client.stream("GET", path) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            if not size:
                first = time.perf_counter() - start
            size += len(chunk)
    return time.perf_counter() - start, first, size


@dataclass
class FeedResult:
    http: Timing
    first_byte: Timing
    body: bytes
    triples: int
    parse_seconds: float


def measure_feed(client: httpx.Client, runs: int, n: int) -> FeedResult:
    body = client.get("/datasets/dcat").raise_for_status().content  # warm-up, kept for checks
    totals, firsts = [], []
    for _ in range(runs):
        gc.collect()
        total, first, size = fetch_streamed(client, "/datasets/dcat")
        assert size == len(body), (size, len(body))
        totals.append(total)
        firsts.append(first)
    start = time.perf_counter()
    graph = rdflib.Graph().parse(data=body, format="xml")
    parse_s = time.perf_counter() - start
    found = len(set(graph.subjects(RDF.type, DCAT.Dataset)))
    assert found == n, f"the feed has {found} dcat:Dataset, expected {n}"
    dists = len(set(graph.subjects(RDF.type, DCAT.Distribution)))
    assert dists == 2 * n, f"the feed has {dists} dcat:Distribution, expected {2 * n}"
    return FeedResult(
        Timing("GET /datasets/dcat (HTTP, RDF/XML)", totals),
        Timing("  first byte", firsts),
        body,
        len(graph),
        parse_s,
    )


def measure_in_process(engine: sa.Engine, settings: Settings, runs: int) -> list[Timing]:
    def feed() -> bytes:
        with read(engine) as conn:
            return b"".join(iter_catalogue(conn, settings, "rdf"))

    def rows() -> int:
        with read(engine) as conn:
            count = sum(len(json.loads(r.data)) for r in conn.execute(sa.select(datasets.c.data)))
            dists = conn.execute(sa.select(distributions.c.data))
            return count + sum(len(json.loads(r.data)) for r in dists)

    feed()
    return [
        repeat("iter_catalogue in-process (no HTTP)", runs, feed),
        repeat("SQL read + json.loads of the rows", runs, rows, "floor: no mapping, no writing"),
    ]


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


class GraphWriter:
    """A Torget `Writer` that adds every triple to an rdflib Graph instead of writing text:
    the same database reads and the same mapping, with rdflib building the graph."""

    media_type = "application/rdf+xml"

    def __init__(self) -> None:
        self.graph = rdflib.Graph()
        self._container: rdflib.URIRef | None = None

    def _node(self, value: Any) -> rdflib.term.Node:
        if isinstance(value, Lit):
            datatype = rdflib.URIRef(_expand(value.datatype)) if value.datatype else None
            return rdflib.Literal(value.value, lang=value.lang, datatype=datatype)
        if isinstance(value, Ref):
            return rdflib.URIRef(value.iri)
        node: rdflib.term.Node = (
            rdflib.URIRef(value.iri) if isinstance(value, Resource) else rdflib.BNode()
        )
        for t in value.types:
            self.graph.add((node, RDF.type, rdflib.URIRef(_expand(t))))
        for predicate, obj in value.props:
            self.graph.add((node, rdflib.URIRef(_expand(predicate)), self._node(obj)))
        return node

    def header(self) -> str:
        return ""

    def open_container(self, res: Resource) -> str:
        self._container = rdflib.URIRef(res.iri)
        self._node(res)
        return ""

    def member(self, predicate: str, res: Resource) -> str:
        assert self._container is not None
        self.graph.add((self._container, rdflib.URIRef(_expand(predicate)), self._node(res)))
        return ""

    def close_container(self) -> str:
        return ""

    def resource(self, res: Resource) -> str:
        self._node(res)
        return ""

    def footer(self) -> str:
        return ""


def build_with_rdflib(engine: sa.Engine, settings: Settings) -> rdflib.Graph:
    """The whole catalogue as an rdflib Graph, built from the database by Torget's mapping."""
    writer = GraphWriter()
    with read(engine) as conn:
        orgs = all_organisations(conn)
        info = _catalogue_info(conn, settings, catalogue_publisher(settings, orgs), None)
        for _ in _catalogue_parts(conn, settings, writer, orgs, None, info):
            pass
    return writer.graph


def measure_rdflib_build(
    engine: sa.Engine, settings: Settings, runs: int, triples: int
) -> list[Timing]:
    """The issue's baseline: build the same catalogue with rdflib and serialise it."""
    build, build_and_xml = [], []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        graph = build_with_rdflib(engine, settings)
        built = time.perf_counter()
        graph.serialize(format="xml")
        build.append(built - start)
        build_and_xml.append(time.perf_counter() - start)
        assert len(graph) == triples, (len(graph), triples)
        del graph
    return [
        Timing("rdflib build (same rows, same mapping)", build, "Graph.add per triple"),
        Timing(
            'rdflib build + serialize(format="xml")',
            build_and_xml,
            "the issue's baseline",
        ),
    ]


def measure_rdflib(turtle: bytes, runs: int, with_turtle: bool) -> tuple[list[Timing], int]:
    both, xml_only, ttl = [], [], []
    triples = 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        graph = rdflib.Graph().parse(data=turtle, format="turtle")
        parsed = time.perf_counter()
        graph.serialize(format="xml")
        done = time.perf_counter()
        both.append(done - start)
        xml_only.append(done - parsed)
        if with_turtle:
            start = time.perf_counter()
            graph.serialize(format="turtle")
            ttl.append(time.perf_counter() - start)
        triples = len(graph)
        del graph
    out = [
        Timing('rdflib serialize(format="xml") alone', xml_only, "same triples, graph prebuilt"),
        Timing("rdflib parse(turtle) + serialize(xml)", both, "≈ building the graph per request"),
    ]
    if with_turtle:
        out.append(Timing('rdflib serialize(format="turtle")', ttl))
    return out, triples


def measure_records(
    client: httpx.Client, ids: list[str], count: int
) -> list[tuple[str, list[float]]]:
    picked = random.Random(42).sample(ids, min(count, len(ids)))
    out = []
    for label, template in (
        ("GET /api/datasets/{id}", "/api/datasets/{}"),
        ("GET /dataset/{id}.rdf", "/dataset/{}.rdf"),
    ):
        for ds_id in picked[:20]:  # warm-up
            client.get(template.format(ds_id)).raise_for_status()
        seconds = []
        for ds_id in picked:
            start = time.perf_counter()
            client.get(template.format(ds_id)).raise_for_status()
            seconds.append(time.perf_counter() - start)
        out.append((label, seconds))
    return out


# --- Report ----------------------------------------------------------------------------------


def _load() -> float:
    """Other processes on the machine skew timings; the report shows how busy it was."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def masked(text: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", text)


def _row(label: str, values: list[float], unit: str = "s", note: str = "") -> str:
    scale = 1000 if unit == "ms" else 1
    lo, mid, hi = (scale * f(values) for f in (min, statistics.median, max))
    digits = 1 if unit == "ms" else 3
    cells = f"{lo:>9.{digits}f} {mid:>9.{digits}f} {hi:>9.{digits}f} {unit:<3}"
    return f"  {label:<42}{cells} {note}"


def report(
    args: argparse.Namespace,
    backend_label: str,
    n: int,
    setup: Setup,
    feed: FeedResult,
    rss: float | None,
    local: list[Timing],
    rdflib_timings: list[Timing],
    rdflib_skipped: str,
    records: list[tuple[str, list[float]]],
) -> None:
    torget_median = feed.http.median
    mb = len(feed.body) / 1e6
    print("\n" + "=" * 96)
    print(f"bench/feed.py — Torget {__version__}, rdflib {rdflib.__version__}")
    print(f"command:  {masked(shlex.join([Path(sys.executable).name, *sys.argv]))}")
    print(
        f"python:   {platform.python_implementation()} {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(f"backend:  {backend_label}")
    print(f"load:     1-min load average {args.load_before:.2f} before, {_load():.2f} after")
    print(
        f"catalogue: N = {n:,} published datasets × 2 distributions; "
        f"setup {setup.seconds:.1f} s ({setup.created:,} via create_dataset in "
        f"{setup.create_seconds:.1f} s, {setup.bulk:,} bulk-inserted in {setup.bulk_seconds:.1f} s)"
    )
    print(
        f"feed body: {mb:.1f} MB RDF/XML, {feed.triples:,} triples "
        f"({feed.triples / n:.1f} per dataset); dcat:Dataset = {n:,} ✓; "
        f"rdflib needed {feed.parse_seconds:.1f} s to parse it (not timed)"
    )
    if rss is not None:
        print(f"server:   uvicorn subprocess, peak RSS {rss:.0f} MB after all requests")
    print(f"\n  {'measurement':<42}{'min':>9} {'median':>9} {'max':>9}")
    print(
        _row(
            f"{feed.http.label} ×{len(feed.http.seconds)}",
            feed.http.seconds,
            note=f"{mb / torget_median:.0f} MB/s",
        )
    )
    print(_row(feed.first_byte.label, feed.first_byte.seconds, "ms"))
    for t in local:
        print(_row(f"{t.label} ×{len(t.seconds)}", t.seconds, note=t.note))
    for t in rdflib_timings:
        print(_row(f"{t.label} ×{len(t.seconds)}", t.seconds, note=t.note))
    if rdflib_skipped:
        print(f"  {rdflib_skipped}")
    for label, seconds in records:
        p95 = statistics.quantiles(seconds, n=20, method="inclusive")[18] * 1000
        print(_row(f"{label} ×{len(seconds)}", seconds, "ms", f"p95 {p95:.1f} ms"))
    print()
    for t in rdflib_timings:
        print(f"  Torget (HTTP, median) is {t.median / torget_median:.1f}× faster than {t.label}")
    print()
    verdict = "MET" if torget_median <= GOAL_SECONDS else "NOT MET"
    if n < GOAL_N:
        verdict = f"NOT MEASURED (N = {n:,}; run with --datasets {GOAL_N})"
    print(
        f"goal: /datasets/dcat ≤ 2 s for 10,000 datasets × 2 distributions: {verdict} "
        f"(median {torget_median:.2f} s)"
    )
    baseline = next(t for t in rdflib_timings if t.label.startswith("rdflib build +"))
    ratio = baseline.median / torget_median
    alone = next(t for t in rdflib_timings if "alone" in t.label).median / torget_median
    print(
        f"goal: ≥ 5× faster than building and serialising with rdflib: "
        f"{'MET' if ratio >= GOAL_RATIO else 'NOT MET'} ({ratio:.1f}×; "
        f"{alone:.1f}× against rdflib's serialiser alone on a prebuilt graph)"
    )
    print("=" * 96)


# --- Main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=GOAL_N, help="N published datasets")
    parser.add_argument("--runs", type=int, default=5, help="timed feed requests after warm-up")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="runs of the rdflib baseline")
    parser.add_argument("--database-url", default="", help="empty: SQLite; postgresql://…")
    parser.add_argument(
        "--setup",
        choices=["auto", "create", "bulk"],
        default="auto",
        help=f"auto: create_dataset one by one for up to {CREATE_BUDGET_S:.0f} s, then "
        "bulk-insert the rest",
    )
    parser.add_argument(
        "--rdflib-turtle",
        action="store_true",
        help="also time rdflib's Turtle serialiser (quadratic; default N ≤ 2000)",
    )
    parser.add_argument("--records", type=int, default=200, help="datasets for the latency test")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> None:
    n = args.datasets
    args.load_before = _load()
    with (
        tempfile.TemporaryDirectory(prefix="torget-bench-") as tmp,
        backend(args.database_url) as (database_url, label),
    ):
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        settings = bench_settings(data_dir, database_url)
        engine = make_engine(settings.resolved_database_url)
        print(f"setting up {n:,} datasets on {label} …")
        setup = build_catalogue(engine, n, args.setup)
        print(f"  setup took {setup.seconds:.1f} s")
        with (
            server(data_dir, database_url) as (url, pid),
            httpx.Client(base_url=url, timeout=600) as client,
        ):
            print(f"measuring GET /datasets/dcat ×{args.runs} on {url} …")
            feed = measure_feed(client, args.runs, n)
            records = measure_records(client, setup.ids, args.records)
            turtle = client.get("/catalog.ttl").raise_for_status().content
            rss = peak_rss_mb(pid)
        print("measuring in-process and rdflib …")
        local = measure_in_process(engine, settings, args.runs)
        engine.dispose()
        with_turtle = args.rdflib_turtle or n <= 2000
        rdflib_timings, ttl_triples = measure_rdflib(turtle, args.rdflib_runs, with_turtle)
        assert ttl_triples == feed.triples, (ttl_triples, feed.triples)
        engine = make_engine(settings.resolved_database_url)
        rdflib_timings = (
            measure_rdflib_build(engine, settings, args.rdflib_runs, feed.triples) + rdflib_timings
        )
        engine.dispose()
        skipped = (
            ""
            if with_turtle
            else (
                'rdflib serialize(format="turtle"): skipped at N > 2000 (quadratic, rdflib '
                "#1752); pass --rdflib-turtle to time it"
            )
        )
        report(args, label, n, setup, feed, rss, local, rdflib_timings, skipped, records)


def main() -> None:
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.serve:
        serve(args.data_dir, args.database_url, args.port)
        return
    run(args)


if __name__ == "__main__":
    main()
