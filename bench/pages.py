"""Server CPU per public page at demo scale (issue 21, item 4: every public page under 10 ms).

    .venv/bin/python bench/pages.py                  # the demo catalogue, 40 requests a page
    .venv/bin/python bench/pages.py --requests 100 --lang en

Wall time on a shared machine says more about the neighbours than about Torget, so this
measures the *server process's CPU time* (user + system, read from /proc before and after)
spent answering `--requests` sequential requests for each page, after warming it up: the
cost a page adds to a loaded server whatever the load. The server is the real command,
`torget serve --workers 1 --no-worker`, over a fresh `torget init --demo` catalogue on SQLite;
the client is httpx on one keep-alive connection, a browser's Accept header and the language
cookie. Pages whose address needs an id (a dataset, an organisation, a suggestion, a
showcase, a specification) use the demo's own, looked up through the public JSON API.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--lang", default="sv", choices=["sv", "en"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="torget-pages-") as work:
        data = Path(work) / "data"
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = torget_env(data, f"sqlite:///{data}/torget.db", base)
        made = subprocess.run([*TORGET, "init", "--demo"], env=env, capture_output=True, text=True)
        if made.returncode:
            raise SystemExit(f"torget init --demo failed:\n{made.stdout}{made.stderr}")
        serve = [*TORGET, "serve", "--workers", "1", "--no-worker", "--port", str(port)]
        with running(serve, base, "/api/datasets", Path(work) / "server.log", env):
            pid = server_pid(port)
            with httpx.Client(base_url=base, timeout=60, cookies={"torget_lang": args.lang}) as c:
                measured = {
                    label: measure(c, pid, path, args.requests) for label, path in pages(c).items()
                }
    print(f"Server CPU per request, {args.requests} requests a page, lang={args.lang} "
          f"(goal ≤ {GOAL_MS:.0f} ms; load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"{'page':<18} {'CPU ms':>8} {'wall ms':>8} {'status':>6}  goal")
    for label, (cpu, wall, status) in measured.items():
        mark = "met" if cpu <= GOAL_MS else "MISSED"
        print(f"{label:<18} {cpu:8.1f} {wall:8.1f} {status:>6}  {mark}")


if __name__ == "__main__":
    main()
