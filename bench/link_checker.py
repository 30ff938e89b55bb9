"""Benchmark: the link checker over 10,000 URLs on loopback servers with random delays.

What issue 20 asks to report: the total time and the peak memory of checking 10,000 external
links with bounded concurrency and per-host politeness (one request at a time per host, a pause
between two). The links are spread over `--hosts` loopback addresses (127.0.0.2, 127.0.0.3, …:
each its own host to the checker), each served by a threaded HTTP server in a separate
process, so the checker's peak resident set size is its own. Every answer waits a random
0..`--max-answer-ms`; 5 % of the paths answer 404, 5 % refuse HEAD (405) and answer the
checker's one-byte GET with 206, 5 % redirect once.

Printed beside the measured time: the floor that politeness sets (the busiest host's requests
and pauses one after another, and the total divided by the concurrency), so the overhead of the
checker itself shows. The checker is `torget.publishing.links.check_links`, as the worker runs
it, through the SSRF guard (`allow_private`, since loopback is private).

    .venv/bin/python bench/link_checker.py [--urls 10000] [--hosts 50] [--concurrency 16]
        [--delay-ms 10] [--max-answer-ms 20]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from torget.outbound import Guard  # noqa: E402
from torget.publishing.links import Link, check_links  # noqa: E402


def _kind(path: str) -> int:
    return int(path.strip("/").split(".")[0].removeprefix("f")) % 20


class _Handler(BaseHTTPRequestHandler):
    max_answer = 0.02

    def _answer(self, head: bool) -> None:
        time.sleep(random.uniform(0, self.max_answer))
        kind = _kind(self.path) if self.path.startswith("/f") else 5
        if kind == 0:
            self.send_response(404)
        elif kind == 1 and head:
            self.send_response(405)
        elif kind == 1:
            self.send_response(206)
            self.send_header("Content-Range", "bytes 0-0/1000")
        elif kind == 2:
            self.send_response(301)
            self.send_header("Location", "/moved.csv")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)

    def log_message(self, *args: object) -> None:
        pass


def _serve(hosts: int, max_answer: float, ports: multiprocessing.Queue[int]) -> None:
    _Handler.max_answer = max_answer
    for i in range(hosts):
        server = ThreadingHTTPServer((f"127.0.0.{2 + i}", 0), _Handler)
        server.daemon_threads = True
        ports.put(server.server_address[1])
        threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--delay-ms", type=int, default=10, help="pause between a host's checks")
    parser.add_argument("--max-answer-ms", type=int, default=20, help="longest random answer")
    args = parser.parse_args()

    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=_serve, args=(args.hosts, args.max_answer_ms / 1000, ports), daemon=True
    )
    server.start()
    port_of = [ports.get(timeout=30) for _ in range(args.hosts)]
    links = [
        Link(f"d{i}", f"http://127.0.0.{2 + i % args.hosts}:{port_of[i % args.hosts]}/f{i}.csv")
        for i in range(args.urls)
    ]
    load = os.getloadavg()[0]
    tracemalloc.start()
    started = time.perf_counter()
    counts = {"works": 0, "broken": 0, "ranged": 0, "redirected": 0}
    for link, result in check_links(
        links, Guard(allow_private=True), concurrency=args.concurrency,
        delay=args.delay_ms / 1000, timeout=10,
    ):  # fmt: skip
        counts["broken" if result.error else "works"] += 1
        counts["ranged"] += result.status == 206
        counts["redirected"] += bool(result.final_url and result.final_url != link.url)
    elapsed = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    server.terminate()

    per_host = args.urls / args.hosts
    # A host's checks one after another: each pause, each answer (half the longest on average,
    # twice for the 5 % that fall back to GET or redirect once).
    host_floor = per_host * (args.delay_ms + args.max_answer_ms / 2 * 1.1) / 1000
    rounds = -(-args.hosts // args.concurrency)
    print(f"command:  {' '.join(sys.argv)}")
    print(f"links:    {args.urls} on {args.hosts} hosts, concurrency {args.concurrency}, "
          f"{args.delay_ms} ms between a host's checks, "
          f"answers 0-{args.max_answer_ms} ms")  # fmt: skip
    print(f"results:  {counts['works']} work, {counts['broken']} broken (5 % expected 404), "
          f"{counts['ranged']} by a one-byte GET after HEAD was refused, "
          f"{counts['redirected']} redirected")  # fmt: skip
    print(f"time:     {elapsed:.1f} s ({args.urls / elapsed:.0f} links/s); politeness floor "
          f"~{host_floor * rounds:.1f} s ({rounds} round(s) of hosts, "
          f"~{host_floor:.1f} s each)")  # fmt: skip
    print(f"memory:   peak RSS {rss:.0f} MB (the checker's process), "
          f"peak traced Python allocations {traced_peak / 1e6:.1f} MB")  # fmt: skip
    print(f"python:   {sys.version.split()[0]}; load {load:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")  # fmt: skip


if __name__ == "__main__":
    main()
