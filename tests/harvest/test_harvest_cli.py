"""`torget harvest` as a regional administrator uses it (README "Harvesting"): add the
municipalities' catalogues, run them all with progress, list them, read a report."""

from __future__ import annotations

import os
from pathlib import Path

from tests.command_line import Ran, run_torget
from tests.harvest.catalogues import catalogue, dataset, simple
from tests.harvest.conftest import Served


def _torget(env: dict[str, str], *args: str, ok: bool = True) -> Ran:
    result = run_torget(env, *args)
    assert (result.returncode == 0) == ok, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


def test_regional_administrator(tmp_path: Path, database_url: str, served: Served) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(TORGET_DATA_DIR=str(tmp_path / "data"), TORGET_CONFIG=str(tmp_path / "no.toml"),
               TORGET_DATABASE_URL=database_url, TORGET_HARVEST_ALLOW_PRIVATE="1")  # fmt: skip
    _torget(env, "org", "create", "region", "--title", "Region Mellan",
            "--org-number", "232100-0016", "--type", "RegionalAuthority")  # fmt: skip
    one = served.put("/sjostad", simple(1, 2), "text/turtle")
    two = served.put("/grannby", catalogue(dataset(7), dataset(8, title=""), ids=[7, 8]),
                     "text/turtle")  # fmt: skip
    ids = [
        _torget(env, "harvest", "add", "--organisation", "region", "--type", "dcat",
                "--title", title, url).stdout.strip().splitlines()[-1]
        for title, url in (("Sjöstad", one), ("Grannby", two))
    ]  # fmt: skip
    ran = _torget(env, "harvest", "run")
    assert "Sjöstad: done: 2 created" in ran.stdout
    assert "Grannby: done: 1 created, 0 updated, 0 unchanged, 0 removed, 1 skipped" in ran.stdout
    assert "harvesting" in ran.stderr  # the progress bar
    listed = _torget(env, "harvest", "list").stdout
    assert all(i in listed for i in ids)
    shown = _torget(env, "harvest", "show", ids[1]).stdout
    assert "https://data.example/dataset/8 dcterms:title: the dataset has no title" in shown
    assert "fix: Add dcterms:title" in shown
    served.put("/sjostad", "<html>", "text/html")
    failed = _torget(env, "harvest", "run", ids[0], ok=False)
    assert "error: " in failed.stdout and "HTML page" in failed.stdout
    without = {**env, "TORGET_HARVEST_ALLOW_PRIVATE": "0"}
    refused = _torget(without, "harvest", "run", ids[1], ok=False)
    assert "private address" in refused.stdout
    removed = _torget(env, "harvest", "remove", ids[1], "--keep-datasets").stdout
    assert f"removed {ids[1]}; 1 datasets kept as local datasets" in removed
    assert ids[1] not in _torget(env, "harvest", "list").stdout
