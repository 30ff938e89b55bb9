"""Server CPU per public page at demo scale (issue 21, item 4: every public page under 10 ms).

    .venv/bin/python bench/pages.py                  # the demo catalogue, 40 requests a page
    .venv/bin/python bench/pages.py --requests 100 --lang en
    .venv/bin/python bench/pages.py --only 'search|statistics' --rounds 3   # some, repeated
    .venv/bin/python bench/pages.py --against ../main --rounds 5    # beside another checkout

Wall time on a shared machine says more about the neighbours than about Torget, so this
measures the *server process's CPU time* (user + system, read from /proc before and after)
spent answering `--requests` sequential requests for each page, after warming it up: the
cost a page adds to a loaded server whatever the load. The server is the real command,
`torget serve --workers 1 --no-worker`, over a fresh `torget init --demo` catalogue on SQLite;
the client is httpx on one keep-alive connection, a browser's Accept header and the language
cookie. `--rounds` measures every page that many times, in turn, and shows the lowest (the
neighbours only ever add). `--against DIR` runs a second server from another checkout over a
copy of the same catalogue and measures the two in turn, page by page, for a ratio that the
machine's load affects alike. Pages whose address needs an id (a dataset, an organisation, a
suggestion, a showcase, a specification) use the demo's own, looked up through the public
JSON API.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import _free_port, running, torget_env  # noqa: E402

HTML = "text/html,application/xhtml+xml"
GOAL_MS = 10.0
THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
TORGET = [sys.executable, "-m", "torget.cli"]


def server_pid(port: int) -> int:
    """The process listening on `port` (the one whose CPU the requests spend)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inode = fields[9]
    assert inode, f"nothing listens on port {port}"
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return int(pid)
    raise AssertionError(f"no process owns the socket of port {port}")


def cpu_seconds(pid: int) -> float:
    # Fields 14 and 15 of /proc/PID/stat: user and system time in clock ticks (proc(5)).
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pages(client: httpx.Client) -> dict[str, str]:
    """The public pages to measure, with the demo's own ids where a page needs one."""
    rows = client.get("/api/datasets", params={"page_size": 100}).json()["items"]
    named = [d["name"] or d["id"] for d in rows]
    # a dataset whose page shows a data preview: one with a CSV distribution (the demo loads
    # its own CSV files into the datastore)
    loaded = next(
        (d["name"] or d["id"] for d in rows
         if any("CSV" in (x.get("format") or "") for x in d["distributions"])),
        named[0],
    )  # fmt: skip
    org = client.get("/api/organisations").json()["items"][0]["name"]
    found = {
        "home": "/",
        "search (empty)": "/search",
        "search (word)": "/search?q=badplatser",
        "search (facet)": "/search?" + urlencode({"theme": f"{THEMES}ENVI"}),
        "search (both)": "/search?" + urlencode({"q": "badplatser", "theme": f"{THEMES}ENVI"}),
        "search (page 2)": "/search?page=2",
        "dataset": f"/dataset/{named[len(named) // 2]}",
        "dataset (data)": f"/dataset/{loaded}",
        "organisations": "/organisations",
        "organisation": f"/organisation/{org}",
        "statistics": "/statistics",
        "suggestions": "/suggestions",
        "showcases": "/showcases",
        "specifications": "/specifications",
        "about": "/about",
        "accessibility": "/accessibility",
        "login": "/login",
    }
    for label, listing, pattern in (
        ("suggestion", "/suggestions", r'href="(/suggestions/(?!new")[^"/?#]+)"'),
        ("showcase", "/showcases", r'href="(/showcases/(?!new")[^"/?#]+)"'),
        ("specification", "/specifications", r'href="(/specifications/[^"/]+/[^"/]+)"'),
    ):
        match = re.search(pattern, client.get(listing, headers={"Accept": HTML}).text)
        if match:
            found[label] = match.group(1)
    return found


def measure(client: httpx.Client, pid: int, path: str, n: int) -> tuple[float, float, int]:
    """(server CPU ms per request, median wall ms, status) over `n` requests after a warm-up."""
    for _ in range(3):
        status = client.get(path, headers={"Accept": HTML}).status_code
    walls = []
    before = cpu_seconds(pid)
    for _ in range(n):
        start = time.perf_counter()
        client.get(path, headers={"Accept": HTML})
        walls.append(time.perf_counter() - start)
    cpu = (cpu_seconds(pid) - before) / n * 1000
    return cpu, statistics.median(walls) * 1000, status


def _server(
    stack: ExitStack, work: Path, name: str, data: Path, checkout: Path | None
) -> tuple[str, int]:
    """A server over `data` (the current tree's code, or `checkout`'s): its address and pid."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = torget_env(data, f"sqlite:///{data}/torget.db", base)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    serve = [*TORGET, "serve", "--workers", "1", "--no-worker", "--port", str(port)]
    stack.enter_context(running(serve, base, "/api/datasets", work / f"{name}.log", env))
    return base, server_pid(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--lang", default="sv", choices=["sv", "en"])
    parser.add_argument("--only", default="", help="measure only pages whose label matches")
    parser.add_argument("--rounds", type=int, default=1, help="measure each page this often")
    parser.add_argument(
        "--against", type=Path, help="another checkout of Torget, measured in turn beside this one"
    )
    args = parser.parse_args()
    names = ["this", "against"] if args.against else ["this"]
    with tempfile.TemporaryDirectory(prefix="torget-pages-") as work, ExitStack() as stack:
        data = Path(work) / "data"
        env = torget_env(data, f"sqlite:///{data}/torget.db", "http://127.0.0.1")
        made = subprocess.run([*TORGET, "init", "--demo"], env=env, capture_output=True, text=True)
        if made.returncode:
            raise SystemExit(f"torget init --demo failed:\n{made.stdout}{made.stderr}")
        if args.against:
            shutil.copytree(data, Path(work) / "against")
        servers = {
            "this": _server(stack, Path(work), "this", data, None),
            **({"against": _server(stack, Path(work), "against", Path(work) / "against",
                                   args.against)} if args.against else {}),
        }  # fmt: skip
        clients = {
            name: stack.enter_context(
                httpx.Client(base_url=base, timeout=60, cookies={"torget_lang": args.lang})
            )
            for name, (base, _pid) in servers.items()
        }
        chosen = {k: v for k, v in pages(clients["this"]).items() if re.search(args.only, k)}
        rounds: dict[str, list[tuple[float, float, int]]] = {
            f"{n}:{label}": [] for n in names for label in chosen
        }
        for turn in range(args.rounds):
            for label, path in chosen.items():  # the servers in turn, the first one alternating
                for name in names[turn % 2 :] + names[: turn % 2]:
                    pid = servers[name][1]
                    rounds[f"{name}:{label}"].append(
                        measure(clients[name], pid, path, args.requests)
                    )
    measured = {key: min(found) for key, found in rounds.items()}
    print(f"Server CPU per request, {args.requests} requests a page, lang={args.lang}, "
          f"lowest of {args.rounds} "
          f"(goal ≤ {GOAL_MS:.0f} ms; load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    against = f" {'against':>8} {'ratio':>6}" if args.against else ""
    print(f"{'page':<18} {'CPU ms':>8} {'wall ms':>8} {'status':>6}  goal{against}")
    for label in chosen:
        cpu, wall, status = measured[f"this:{label}"]
        mark = "met   " if cpu <= GOAL_MS else "MISSED"
        other = ""
        if args.against:
            theirs = measured[f"against:{label}"][0]
            other = f" {theirs:8.1f} {cpu / theirs if theirs else float('nan'):6.2f}"
        print(f"{label:<18} {cpu:8.1f} {wall:8.1f} {status:>6}  {mark}{other}")


if __name__ == "__main__":
    main()
