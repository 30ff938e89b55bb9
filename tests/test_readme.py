"""The README as written (issue 18, item 5): its shell blocks marked `<!-- readme-test -->`
run in order, as a newcomer runs them after `scripts/start`, in a fresh folder with the
demo (`.venv/bin/torget init --demo`, then `serve`) and without any `TORGET_*` variable for
the commands; every `curl` must get a 2xx answer. The README's address
`http://127.0.0.1:8000` is the test server's.
"""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.command_line import run_torget

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- readme-test -->\n```sh\n(.*?)```", re.S)
# A curl that fails on an HTTP error, as a newcomer would notice one.
CURL = 'curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }\n'


def _blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A fresh folder with the virtual environment, the demo loaded and Torget serving."""
    clone = tmp_path_factory.mktemp("clone")
    (clone / ".venv").symlink_to(ROOT / ".venv")
    base = f"http://127.0.0.1:{_port()}"
    env = {**_plain_env(), "TORGET_BASE_URL": base}  # as scripts/start sets it
    torget = str(clone / ".venv" / "bin" / "torget")
    subprocess.run([torget, "init", "--demo"], cwd=clone, env=env, check=True,
                   capture_output=True, timeout=600)  # fmt: skip
    log = (clone / "serve.log").open("w")
    server = subprocess.Popen(
        [torget, "serve", "--port", base.rsplit(":", 1)[1], "--workers", "1"],
        cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (clone / "serve.log").read_text()
            time.sleep(0.2)
        yield clone, base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_marked_blocks_run_in_order(started: tuple[Path, str]) -> None:
    clone, base = started
    blocks = _blocks()
    assert len(blocks) >= 2
    for number, block in enumerate(blocks, 1):
        script = CURL + block.replace("http://127.0.0.1:8000", base)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=clone, env=_plain_env(), capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, f"block {number}:\n{block}\n{done.stdout}\n{done.stderr}"
    # The upload was scanned by the worker and the dataset published, as the README says.
    for _ in range(600):
        found = httpx.get(base + "/api/datasets/hundrastgardar").json()
        if found.get("state") == "published":
            break
        time.sleep(0.2)
    assert found.get("state") == "published", found
    rows = httpx.get(f"{base}/api/datastore/{found['distributions'][0]['id']}/rows").json()
    assert [r["namn"] for r in rows["rows"]] == ["Ekparken", "Strandängen"]


def test_the_started_demo_serves_a_valid_catalogue(started: tuple[Path, str]) -> None:
    """What a newcomer gets from the start command: a varied catalogue in both languages
    whose feed Sveriges dataportal harvests without a violation (`torget validate` checks
    the running instance by default)."""
    clone, base = started
    datasets = httpx.get(base + "/api/datasets?page_size=100").json()
    assert datasets["count"] >= 25
    assert len({t for d in datasets["items"] for t in d["themes"]}) >= 5
    assert all(d["distributions"] and d["title"]["en"] for d in datasets["items"])
    download = datasets["items"][0]["distributions"][0]["download_url"]
    assert download.startswith(base) and httpx.get(download).status_code == 200
    feed = httpx.get(base + "/datasets/dcat")
    assert feed.headers["content-type"].startswith("application/rdf+xml")
    env = {"TORGET_DATA_DIR": str(clone / "torget-data"), "TORGET_BASE_URL": base}
    checked = run_torget(env, "validate")
    assert f"validating {base}/datasets/dcat" in checked.stdout
    assert checked.returncode == 0 and " 0 violations" in checked.stdout, checked.stdout[-3000:]
    assert "already has data" in run_torget(env, "init", "--demo").stdout


def test_each_demo_organisation_has_a_level_and_next_steps_of_its_own(
    started: tuple[Path, str],
) -> None:
    """Issue 14's "done when": the maturity page of each demo organisation names its level and
    at least three concrete next steps taken from its own data; the datasets they name are its
    own or its units'."""
    _clone, base = started
    demo = json.loads((ROOT / "torget" / "catalog" / "demo" / "catalogue.json").read_text())
    parents = {o["name"]: o.get("parent") for o in demo["organisations"]}
    for name in parents:
        page = html.unescape(httpx.get(f"{base}/organisation/{name}/maturity?lang=en").text)
        body = httpx.get(f"{base}/api/organisations/{name}/maturity?lang=en").json()
        assert body["level"] >= 1
        assert f"Level {body['level']} of 4: {body['level_name']}." in page
        steps = body["next_steps"]
        assert len(steps) >= 3, (name, steps)
        for step in steps:
            assert step["text"] in page
            assert re.search(r"\d", step["text"]), step  # its own figures
        named = [n["url"] for s in steps for n in s["named"] if "/publish/dataset/" in n["url"]]
        assert named, (name, steps)
        for url in named:
            dataset = httpx.get(f"{base}/api/datasets/{url.rsplit('/', 1)[1]}").json()
            assert name in (dataset["organisation"], parents[dataset["organisation"]])
