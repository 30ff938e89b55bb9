"""Run from another folder without `TORGET_DATA_DIR`, the command line says where it looked
for the data and how to point it there, instead of quietly making an empty `./torget-data`
(issue 18, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.command_line import run_torget


def _torget(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    return subprocess.run(
        [sys.executable, "-m", "torget.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_command_elsewhere_names_the_folder_and_makes_nothing(tmp_path: Path) -> None:
    listed = _torget(tmp_path, "org", "list")
    assert listed.returncode == 1
    assert f"no Torget data in {tmp_path / 'torget-data'}" in listed.stderr
    assert "TORGET_DATA_DIR" in listed.stderr and "torget init" in listed.stderr
    assert not (tmp_path / "torget-data").exists()


def test_init_makes_the_folder_and_says_where(tmp_path: Path) -> None:
    made = _torget(tmp_path, "init")
    assert made.returncode == 0, made.stderr
    assert f"new data folder: {tmp_path / 'torget-data'}" in made.stderr
    again = _torget(tmp_path, "org", "list")
    assert again.returncode == 0, again.stderr


def test_init_makes_the_data_folder_its_sqlite_database_names(tmp_path: Path) -> None:
    data = tmp_path / "srv" / "torget"
    env = {
        "TORGET_DATA_DIR": str(data),
        "TORGET_DATABASE_URL": f"sqlite:///{data}/torget.db",
        "TORGET_CONFIG": str(tmp_path / "none.toml"),
    }
    made = run_torget(env, "init")
    assert made.returncode == 0, made.stderr
    assert (data / "torget.db").is_file()


def test_a_sqlite_database_in_a_missing_folder_is_named(tmp_path: Path) -> None:
    elsewhere = tmp_path / "nowhere" / "catalogue.db"
    env = {
        "TORGET_DATA_DIR": str(tmp_path / "data"),
        "TORGET_DATABASE_URL": f"sqlite:///{elsewhere}",
        "TORGET_CONFIG": str(tmp_path / "none.toml"),
    }
    refused = run_torget(env, "init")
    assert refused.returncode == 1
    assert f"the folder of the SQLite database {elsewhere} does not exist" in refused.stderr
