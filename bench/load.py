"""Load benchmark: Torget's public endpoints under 1, 8 and 64 connections, and a mixed soak.

    .venv/bin/python bench/load.py                       # demo scale, SQLite and PostgreSQL
    .venv/bin/python bench/load.py --datasets 10000 --no-postgres --duration 10

Issue 21 measured Torget's throughput *falling* as clients were added (the feed at 64
connections: 0.5 req/s and 39 pool time-outs) where Datasette's rose. This runs the same
measurement with `wrk` (Debian's package: `apt-get install wrk`), a C load generator, so that
the client does not share the server's cores' Python:

* **Torget**: `torget serve --workers W --no-worker` (the real command, every server process;
  without its access log, `server_access_log = false`, as behind a proxy that logs: 3-11 % of
  a small answer's CPU; `--access-log` keeps it),
  on a fresh catalogue of `--datasets` datasets (33 by default, the demo's scale; made through
  `create_dataset`, or bulk-inserted above a few hundred, then indexed) with two
  distributions each, on SQLite and on a throw-away PostgreSQL schema;
* **Datasette 0.65.5** (its own virtualenv under bench/.cache, as `datastore_query.py` sets it
  up) serving a copy of the same SQLite file, immutable (`-i`), as its documentation advises
  for published data: its row JSON and row page of the same dataset row.

Endpoints: `GET /api/datasets/{id}` (record JSON), `GET /dataset/{id}.rdf`, `GET /api/search?q=`
(one word), `GET /` (home page), `GET /dataset/{id}` as a browser asks for it (the dataset
page) and `GET /datasets/dcat` (the whole feed, twice: with `Accept-Encoding: gzip`, as
harvesters' HTTP libraries ask for it, and without, as wrk alone asks), each for `--duration`
seconds at 1, 8 and 64 connections. Then the soak: `--soak` seconds of 64 wrk connections
cycling through those endpoints while 4 writers create and change datasets through the JSON
API (Python threads, one keep-alive connection each): each round a new draft, its new title
and a new title for a published dataset, so one write in three changes what the public sees
(the feed, every kept answer); afterwards every dataset written is read back. wrk counts
time-outs but cannot tell whose, so beside it a probe asks for each address
on a connection of its own and tells which answered slowly (≥ 1 s) or not in time, and when.
The server runs with `PYTHONFAULTHANDLER=1` and its log is searched for fatal errors (issue 21
saw one segmentation fault) and for server processes that died.

Each run also gives the server's CPU time per request (its processes' user + system time from
/proc over the requests answered), which other load on the machine does not inflate as it
does latency.

Goals (issue 21): for every endpoint, req/s at 64 connections ≥ at 1; record JSON at 64 ≥
Datasette's row JSON at 64; p99 ≤ 250 ms for the JSON endpoints at 64; the feed at 64 without
an error, and a conditional fetch (by wrk, one connection: "feed 304") answered 304 in
≤ 5 ms (median); the soak with no error, no
time-out and every write readable, on each backend.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from threading import Thread
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datastore_query import datasette_venv  # noqa: E402
from feed import ORG, backend, build_catalogue  # noqa: E402

from torget.accounts.tokens import create_token  # noqa: E402
from torget.accounts.users import create_user  # noqa: E402
from torget.db.engine import read, write  # noqa: E402
from torget.db.schema import datasets  # noqa: E402
from torget.search import reindex  # noqa: E402
from torget.settings import load_settings  # noqa: E402
from torget.site import Site  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = (1, 8, 64)
JSON_P99_MS = 250.0
CONDITIONAL_MS = 5.0
WRITERS = 4
SOAK_READERS = 64
WRK_TIMEOUT_S = 10
HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
# A wrk request: its path, its Accept header (None: none) and, optionally, its Accept-Encoding.
Ask = tuple[str, str | None] | tuple[str, str | None, str]

# wrk's report as one JSON line: latency in microseconds, errors by kind. A status of 400 or
# more counts as an error (wrk's `status`), so do 5xx.
REPORT_LUA = """
local paths = {%PATHS%}
local i = 0
request = function()
  i = i + 1
  local p = paths[(i %% #paths) + 1]
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end  -- wrk.format drops -H's when given a table
  if p[2] then h["Accept"] = p[2] end
  if p[3] then h["Accept-Encoding"] = p[3] end
  return wrk.format("GET", p[1], h)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p99": %f, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Run:
    server: str  # "Torget SQLite", "Torget PostgreSQL 15", "Datasette 0.65.5"
    endpoint: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    timeouts: int
    cpu_ms: float = 0.0  # the server's processes' CPU time per request answered
    body_bytes: int = 0  # the answer's size (the feed's: what bandwidth allows is told)


@dataclass
class Soak:
    server: str
    reads: int
    rps: float
    p99_ms: float
    read_errors: int
    timeouts: int
    writes: int
    write_errors: list[str] = field(default_factory=list)
    unreadable: int = 0
    fatal: list[str] = field(default_factory=list)
    probed: list[Probed] = field(default_factory=list)


@dataclass
class Probed:
    """One address as the soak's side probe saw it: wrk tells time-outs but not whose."""

    endpoint: str
    latencies: list[float] = field(default_factory=list)  # seconds, of answers received
    slow: list[tuple[float, float]] = field(default_factory=list)  # (when into the soak, s)
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        done = sorted(self.latencies) or [0.0]
        p50, top = done[len(done) // 2], done[-1]
        slow = ", ".join(f"{took:.1f} s at {at:.0f} s" for at, took in self.slow[:4])
        return (f"{self.endpoint:<14}{len(self.latencies):>6} answers, p50 {p50 * 1000:7.1f} ms,"
                f" max {top * 1000:7.0f} ms, {self.timeouts} time-outs, {len(self.errors)} "
                f"errors{'; slow: ' + slow if slow else ''}")  # fmt: skip


# --- The servers -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(
    args: list[str], url: str, ready: str, log: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """A server subprocess from when `url + ready` answers 200 until SIGTERM."""
    with log.open("ab") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            with suppress(httpx.TransportError):
                if httpx.get(url + ready, timeout=10).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{args[0]} did not start; see {log}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def torget_env(data_dir: Path, database_url: str, base: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(data_dir),
        TORGET_DATABASE_URL=database_url,
        TORGET_BASE_URL=base,
        TORGET_CONFIG=str(data_dir / "absent.toml"),
        PYTHONFAULTHANDLER="1",
    )
    return env


@dataclass
class Catalogue:
    ids: list[str]
    token: str
    word: str


def prepare(data_dir: Path, database_url: str, base: str, n: int) -> Catalogue:
    """N published datasets with two distributions each, the search index, and a token."""
    settings = load_settings(environ=torget_env(data_dir, database_url, base))
    data_dir.mkdir(parents=True, exist_ok=True)
    with Site.open(settings, queue=False) as site:
        setup = build_catalogue(site.engine, n, "create" if n <= 300 else "bulk")
        with write(site.engine) as conn:
            if setup.bulk:
                reindex(conn)
            user = create_user(
                conn, "bench", "bench@sjostad.example", "bench-password-1", sysadmin=True
            )
            token = create_token(conn, user.id, "load")[1]
        with read(site.engine) as conn:
            count = conn.execute(datasets.select().where(datasets.c.state == "published")).all()
    assert len(count) == n, (len(count), n)
    return Catalogue(setup.ids, token, "badplatser")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants so far (Linux /proc): the
    server's own cost, whatever else the machine runs meanwhile."""
    total, pending = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while pending:
        p = pending.pop()
        with suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    return total


# --- wrk -------------------------------------------------------------------------------------


def wrk(
    url: str, paths: list[Ask], connections: int, seconds: float,
    header: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One wrk run over `paths` (path, Accept) in turn, with `header` on those without an
    Accept of their own; its report."""
    listed = ", ".join(
        "{" + ",".join(json.dumps(part or False) for part in path) + "}" for path in paths
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(REPORT_LUA.replace("%PATHS%", listed).replace("%%", "%"))
    try:
        threads = min(2, connections)
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:.0f}s",
             "--timeout", f"{WRK_TIMEOUT_S}s", "-s", script.name,
             *(["-H", header] if header else []), url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    return dict(json.loads(out.strip().splitlines()[-1]))


def as_run(server: str, endpoint: str, connections: int, report: dict[str, Any]) -> Run:
    errors = sum(report[k] for k in ("connect", "read", "write", "status"))
    return Run(
        server, endpoint, connections,
        report["requests"] / report["seconds"], report["p50"] / 1000, report["p99"] / 1000,
        errors, report["timeout"],
    )  # fmt: skip


def measured(
    server: str, pid: int, endpoint: str, url: str, paths: list[Ask],
    connections: int, seconds: float, header: str | None = None,
) -> Run:  # fmt: skip
    """One wrk run as a `Run`, with the server's CPU time per request."""
    before = cpu_seconds(pid)
    report = wrk(url, paths, connections, seconds, header)
    run = as_run(server, endpoint, connections, report)
    run.cpu_ms = (cpu_seconds(pid) - before) * 1000 / max(report["requests"], 1)
    return run


def endpoints(cat: Catalogue) -> dict[str, list[Ask]]:
    one = cat.ids[len(cat.ids) // 2]
    return {
        "record JSON": [(f"/api/datasets/{one}", None)],
        "record RDF": [(f"/dataset/{one}.rdf", None)],
        "search": [(f"/api/search?q={cat.word}", None)],
        "home page": [("/", HTML)],
        "dataset page": [(f"/dataset/{one}", HTML)],
        # As harvesters' HTTP libraries ask for it (gzip), and as wrk alone does (no coding).
        "feed": [("/datasets/dcat", None, "gzip")],
        "feed, no gzip": [("/datasets/dcat", None)],
    }


def _feed_size(url: str, coding: str) -> int:
    """The feed's size as sent with Accept-Encoding `coding` (its headers only: no HEAD)."""
    headers = {"Accept-Encoding": coding}
    with httpx.stream("GET", url + "/datasets/dcat", headers=headers, timeout=60) as feed:
        return int(feed.headers["content-length"])


def conditional(server: str, pid: int, url: str, seconds: float) -> Run:
    """A conditional fetch of the feed (its ETag in If-None-Match) by wrk on one connection:
    the server's latency and CPU time per 304, without a Python client's own time on a busy
    machine in the figure."""
    # As a harvester asks: with gzip, whose copy has an ETag of its own (wrk sends the same).
    gzip = {"Accept-Encoding": "gzip"}
    etag = httpx.get(url + "/datasets/dcat", headers=gzip, timeout=30).headers["etag"]
    asked = httpx.get(url + "/datasets/dcat", headers={"If-None-Match": etag, **gzip}, timeout=30)
    assert asked.status_code == 304, asked.status_code
    paths: list[Ask] = [("/datasets/dcat", None, "gzip")]
    return measured(server, pid, "feed 304", url, paths, 1, seconds, f"If-None-Match: {etag}")


# --- The soak --------------------------------------------------------------------------------

SLOW_S = 1.0  # what the probe tells with its time


def _probe(url: str, ask: Ask, start: float, stop: float, seen: Probed) -> None:
    """One connection asking for one address again and again until `stop`, as wrk's do
    (its body read whole, not decoded), each answer timed against wrk's time-out."""
    headers = {"Accept-Encoding": ask[2] if len(ask) > 2 else "identity"}  # type: ignore[misc]
    if ask[1]:
        headers["Accept"] = ask[1]
    with httpx.Client(base_url=url, timeout=WRK_TIMEOUT_S, headers=headers) as client:
        while (began := time.monotonic()) < stop:
            try:
                with client.stream("GET", ask[0]) as answer:
                    for _ in answer.iter_raw(1 << 20):
                        pass
                took = time.monotonic() - began
                if answer.status_code >= 400:
                    seen.errors.append(f"{answer.status_code} after {took:.1f} s")
                seen.latencies.append(took)
                seen.timeouts += took >= WRK_TIMEOUT_S  # wrk's measure: the whole answer's time
                if took >= SLOW_S:
                    seen.slow.append((began - start, took))
            except httpx.TimeoutException:  # no byte for that long
                seen.timeouts += 1
            except httpx.HTTPError as exc:
                seen.errors.append(f"{type(exc).__name__}: {exc}")


def probes(url: str, cat: Catalogue, seconds: float) -> tuple[list[Thread], list[Probed]]:
    """A side probe per address beside the soak's wrk (one connection each): which addresses
    answer slowly or not in time, and when."""
    start = time.monotonic()
    found = [Probed(name) for name in endpoints(cat)]
    threads = [
        Thread(target=_probe, args=(url, group[0], start, start + seconds, seen))
        for seen, group in zip(found, endpoints(cat).values(), strict=True)
    ]
    for thread in threads:
        thread.start()
    return threads, found


def _writer(
    url: str, token: str, stop: float, n: int, public: str,
    made: dict[str, str], errors: list[str],
) -> None:  # fmt: skip
    """A round: a new draft, its title changed, and a new title for the published dataset
    `public` (this writer's own): one public change in three writes, each renewing the
    catalogue's stamp, as an editor's day of publishing does under a harvester's fetches."""
    with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c:
        i = 0
        while time.monotonic() < stop:
            try:
                body = {"organisation": ORG, "state": "draft",
                        "title": {"sv": f"Skrivare {n} nr {i}"},
                        "description": {"sv": "Skriven under belastning."}}  # fmt: skip
                created = c.post("/api/datasets", json=body)
                if created.status_code != 201:
                    errors.append(f"POST {created.status_code} {created.text[:120]}")
                    continue
                ref = created.json()["id"]
                for changed_ref, title in ((ref, f"Ändrad {n}-{i}"), (public, f"Publik {n}-{i}")):
                    changed = c.patch(f"/api/datasets/{changed_ref}", json={"title": {"sv": title}})
                    if changed.status_code != 200:
                        errors.append(f"PATCH {changed.status_code} {changed.text[:120]}")
                        break
                    made[changed_ref] = title
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            i += 1


def soak(server: str, url: str, cat: Catalogue, seconds: float, log: Path) -> Soak:
    paths = [p for group in endpoints(cat).values() for p in group]
    made: dict[str, str] = {}
    errors: list[str] = []
    stop = time.monotonic() + seconds
    writers = [
        threading.Thread(target=_writer, args=(url, cat.token, stop, n, cat.ids[n], made, errors))
        for n in range(WRITERS)
    ]
    for thread in writers:
        thread.start()
    probing, probed = probes(url, cat, seconds)
    report = wrk(url, paths, SOAK_READERS, seconds)
    for thread in writers + probing:
        thread.join()
    unreadable = 0
    with httpx.Client(
        base_url=url, timeout=30, headers={"Authorization": f"Bearer {cat.token}"}
    ) as c:
        for ref, title in made.items():
            try:
                answer = c.get(f"/api/datasets/{ref}")
            except httpx.HTTPError as exc:  # counted and told, not the end of the report
                errors.append(f"read back {ref}: {type(exc).__name__}: {exc}")
                unreadable += 1
                continue
            if answer.status_code != 200 or answer.json()["title"]["sv"] != title:
                unreadable += 1
    run = as_run(server, "soak", SOAK_READERS, report)
    text = log.read_text(errors="replace")
    signs = ("Fatal Python error", "Segmentation", "died")
    fatal = [line for line in text.splitlines() if any(sign in line for sign in signs)]
    return Soak(server, report["requests"], run.rps, run.p99_ms, run.errors, run.timeouts,
                len(made), errors, unreadable, fatal, probed)  # fmt: skip


# --- One backend, Datasette ------------------------------------------------------------------


def bench_torget(
    label: str, database_url: str, work: Path, args: argparse.Namespace
) -> tuple[list[Run], Soak, Catalogue, Path]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir = work / label.split()[0].lower()
    print(f"\n{label}: building {args.datasets} datasets …", flush=True)
    cat = prepare(data_dir, database_url, url, args.datasets)
    log = data_dir / "serve.log"
    env = torget_env(data_dir, database_url, url)
    # A public site's requests are logged by the proxy in front (docs/deployment.md).
    env["TORGET_SERVER_ACCESS_LOG"] = "true" if args.access_log else "false"
    command = [str(ROOT / ".venv/bin/torget"), "serve", "--port", str(port), "--no-worker"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    server = f"Torget {label}"
    runs: list[Run] = []
    with running(command, url, "/datasets/dcat", log, env) as proc:
        for name, paths in endpoints(cat).items():
            if args.endpoints and name not in args.endpoints:
                continue
            wrk(url, paths, 8, 2)  # warm-up: caches, the feed's file, each process's imports
            for c in args.connections:
                runs.append(measured(server, proc.pid, name, url, paths, c, args.duration))
                print(f"  {name:<14} {c:>3} conn: {runs[-1].rps:8.1f} req/s", flush=True)
        for run in runs:
            if run.endpoint.startswith("feed"):
                run.body_bytes = _feed_size(url, "gzip" if run.endpoint == "feed" else "identity")
        runs.append(conditional(server, proc.pid, url, args.duration))
        print(f"  feed 304         1 conn: {runs[-1].p50_ms:8.1f} ms (median)", flush=True)
        print(f"  soak: {args.soak:.0f} s, {SOAK_READERS} readers, {WRITERS} writers …", flush=True)
        soaked = soak(server, url, cat, args.soak, log)
    return runs, soaked, cat, data_dir


def bench_datasette(
    sqlite_file: Path, cat: Catalogue, work: Path, args: argparse.Namespace
) -> list[Run]:
    exe = datasette_venv()
    copy = work / "datasette" / "torget.db"
    copy.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(sqlite_file) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # a consistent copy of the WAL-mode file
    with sqlite3.connect(copy) as db:
        db.execute("PRAGMA journal_mode=DELETE")  # immutable mode reads no WAL
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(exe), "serve", "-i", str(copy), "--port", str(port)]
    one = cat.ids[len(cat.ids) // 2]
    paths: dict[str, list[Ask]] = {
        "row JSON": [(f"/torget/datasets/{one}.json", None)],
        "row page": [(f"/torget/datasets/{one}", HTML)],
    }
    runs: list[Run] = []
    log = work / "datasette.log"
    with running(command, url, "/-/versions.json", log, dict(os.environ)) as proc:
        version = httpx.get(url + "/-/versions.json").json()["datasette"]["version"]
        server = f"Datasette {version}"
        for name, group in paths.items():
            wrk(url, group, 8, 2)
            for c in args.connections:
                runs.append(measured(server, proc.pid, name, url, group, c, args.duration))
                print(f"  {server} {name:<9} {c:>3} conn: {runs[-1].rps:8.1f} req/s", flush=True)
    return runs


# --- The report ------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def goals(runs: list[Run], soaks: list[Soak]) -> list[str]:
    lines = []
    by = {(r.server, r.endpoint, r.connections): r for r in runs}
    servers = sorted({r.server for r in runs if r.server.startswith("Torget")})
    top, low = max(CONNECTIONS), min(CONNECTIONS)
    datasette = next((r for r in runs if r.server.startswith("Datasette")
                      and r.endpoint == "row JSON" and r.connections == top), None)  # fmt: skip
    for server in servers:
        for name in sorted({r.endpoint for r in runs if r.server == server}):
            hi, lo = by.get((server, name, top)), by.get((server, name, low))
            if hi and lo:
                lines.append(f"{_met(hi.rps >= lo.rps)}: {server} {name}: {hi.rps:.0f} req/s at "
                             f"{top} ≥ {lo.rps:.0f} at {low}")  # fmt: skip
        for name in ("record JSON", "search"):
            hi = by.get((server, name, top))
            if hi:
                lines.append(f"{_met(hi.p99_ms <= JSON_P99_MS)}: {server} {name} p99 at {top}: "
                             f"{hi.p99_ms:.0f} ms ≤ {JSON_P99_MS:.0f}")  # fmt: skip
        record = by.get((server, "record JSON", top))
        if record and datasette:
            vs = f"{datasette.server} row JSON {datasette.rps:.0f}"
            ok = record.rps >= datasette.rps
            lines.append(f"{_met(ok)}: {server} record JSON at {top}: {record.rps:.0f} ≥ {vs}")
        for name in ("feed", "feed, no gzip"):
            feed = by.get((server, name, top))
            if feed:
                ok = feed.errors == 0 and feed.timeouts == 0
                said = f"{feed.errors} errors, {feed.timeouts} time-outs"
                lines.append(f"{_met(ok)}: {server} {name} at {top}: {said}{_bandwidth(feed)}")
        fresh = by.get((server, "feed 304", 1))
        if fresh:
            ok = fresh.p50_ms <= CONDITIONAL_MS and fresh.errors == 0
            said = f"304 in {fresh.p50_ms:.1f} ms (median) ≤ {CONDITIONAL_MS:.0f}"
            lines.append(f"{_met(ok)}: {server} conditional feed fetch: {said}")
    for s in soaks:
        ok = not (s.read_errors or s.timeouts or s.write_errors or s.unreadable or s.fatal)
        said = (
            f"{s.read_errors} read errors, {s.timeouts} time-outs, {len(s.write_errors)} write "
            f"errors, {s.unreadable} of {s.writes} writes unreadable, {len(s.fatal)} fatal "
            "or died lines in the log"
        )
        lines.append(f"{_met(ok)}: {s.server} soak: {said}")
    return lines


def _bandwidth(feed: Run) -> str:
    """What the feed's size allows: every connection gets one body in turn, so at the rate
    the machine moves bytes (server and wrk share its cores) a request waits about
    connections × size / rate; a time-out or a run shorter than that measures the machine's
    bandwidth, not Torget."""
    if not feed.body_bytes or not feed.rps:
        return ""
    rate = feed.rps * feed.body_bytes / 1e6
    wait = feed.connections * feed.body_bytes / 1e6 / rate
    return (f" ({feed.body_bytes / 1e6:.1f} MB a body, {rate:.0f} MB/s: a request waits "
            f"~{wait:.1f} s for its turn; wrk's time-out is {WRK_TIMEOUT_S} s)")  # fmt: skip


def report(
    runs: list[Run],
    soaks: list[Soak],
    args: argparse.Namespace,
    load: tuple[float, float, float],
) -> bool:
    print("\n" + "=" * 100)
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    before = " ".join(f"{x:.1f}" for x in load)
    python = platform.python_version()
    print(f"machine: {os.cpu_count()} cores, {platform.platform()}, Python {python}; "
          f"load average before {before}, after {after}")  # fmt: skip
    print(f"catalogue: {args.datasets} datasets × 2 distributions; {args.duration:.0f} s per run; "
          f"server processes: {args.workers or 'one per core'}; "
          f"access log: {'on' if args.access_log else 'off'}")  # fmt: skip
    print(f"\n{'server':<24}{'endpoint':<15}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}{'t/o':>5}{'CPU ms/req':>12}")  # fmt: skip
    for r in runs:
        print(f"{r.server:<24}{r.endpoint:<15}{r.connections:>6}{r.rps:>10.1f}{r.p50_ms:>9.1f}"
              f"{r.p99_ms:>9.1f}{r.errors:>8}{r.timeouts:>5}{r.cpu_ms:>12.2f}")  # fmt: skip
    for s in soaks:
        print(f"{s.server:<24}{'soak (mixed)':<15}{SOAK_READERS:>6}{s.rps:>10.1f}{'':>9}"
              f"{s.p99_ms:>9.1f}{s.read_errors:>8}{s.timeouts:>5}   + {s.writes} writes by "
              f"{WRITERS} writers, {len(s.write_errors)} failed, "
              f"{s.unreadable} unreadable")  # fmt: skip
        for line in s.write_errors[:5] + s.fatal[:5]:
            print(f"    {line}")
        for seen in s.probed:
            print(f"    probe: {seen.line()}")
    print("\ngoals:")
    lines = goals(runs, soaks)
    for line in lines:
        print(f"  {line}")
    return all(line.startswith("met") for line in lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--datasets", type=int, default=33, help="published datasets (33: the demo's scale)"
    )
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run")
    parser.add_argument("--soak", type=float, default=60, help="seconds of the mixed soak")
    parser.add_argument("--workers", type=int, default=0, help="server processes (0: one per core)")
    parser.add_argument(
        "--connections", type=lambda s: tuple(int(x) for x in s.split(",")), default=CONNECTIONS
    )
    parser.add_argument(
        "--postgres", default="postgresql://torget:torget@127.0.0.1:5432/torget_test"
    )
    parser.add_argument(
        "--endpoints",
        type=lambda s: tuple(x.strip() for x in s.split(",")),
        default=(),
        help='only these, e.g. "record JSON,search" (default: all)',
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument(
        "--access-log", action="store_true", help="the server logs each request (default: not)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    load = os.getloadavg()
    runs: list[Run] = []
    soaks: list[Soak] = []
    work = Path(tempfile.mkdtemp(prefix="torget-load-"))
    try:
        backends = [("SQLite", "")] + ([] if args.no_postgres else [("PostgreSQL", args.postgres)])
        for label, given in backends:
            with ExitStack() as stack:
                database_url, shown = stack.enter_context(backend(given))
                shown = shown.split(" (")[0]  # "PostgreSQL 15.18", without the distribution
                found, soaked, cat, data_dir = bench_torget(shown, database_url, work, args)
                runs += found
                soaks.append(soaked)
                if label == "SQLite" and not args.no_datasette:
                    runs += bench_datasette(data_dir / "torget.db", cat, work, args)
        ok = report(runs, soaks, args, load)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
