"""Removing what interrupted loads left behind: temporary folders and half-written tables.

A load writes only inside `<datastore_dir>/<distribution id>/`, and names everything after its
job: the table `<job>.duckdb` (with DuckDB's `.wal`), the sort-key copies `<job>.duckdb.keys`
(written as `.keys.part` and renamed), the row copies `<job>.duckdb.rows` (written as
`.rows.<random>.part`), and temporary folders `<job>.<random>.tmp` that hold the downloaded
source, the converted CSV and DuckDB's spill files. A killed process (out of memory, a deploy,
a power cut) removes none of them: the source copy alone is as large as the file, 148 MB in
the hostile test of issue 19, and stayed for good.

`remove_leftovers` runs when a worker starts and with each sweep after it (once a minute),
after dead jobs have been requeued; several workers may run it at once. It removes the files
of one name (`<name>.duckdb…` and `<name>.….tmp`) together, and only when
- they are named like a load's, or are a folder named `tmp…` (temporary folders had that name
  before they carried their job's id); anything else, such as CKAN's `ckan.json`, is never
  touched;
- they are not the distribution's current table (the file `datastore_tables` names, its WAL,
  its sort keys, the folder its readers spill into);
- their job is over (done or failed) and nothing of theirs has changed for
  `datastore_stale_seconds`, or no job has their name and nothing has changed for a day. A
  queued job's earlier attempt is cleared by the worker that retries it (`remove_job_files`),
  a running job's by its own worker. The age keeps what is still being written although its
  job says otherwise (sort keys are written after the swap; a worker the sweep gave up on may
  be alive after all); the day keeps a DataStore write's new version (`writes.py`), which is
  written before the job row that names it exists.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from torget.db.schema import datastore_jobs, datastore_tables

__all__ = ["temporary_folder", "remove_job_files", "remove_leftovers"]

log = logging.getLogger(__name__)

_TABLE = re.compile(r"(?P<job>[^.]+)\.duckdb(?P<rest>.*)")
_TEMPORARY = re.compile(r"(?P<job>[^.]+)\..*\.tmp")
_UNNAMED = re.compile(r"tmp\w{8}")  # tempfile's own names, before folders carried a job id
# The current table's files; readers spill into `<file>.tmp`, DuckDB's default.
_LIVE = ("", ".wal", ".tmp", ".keys", ".keys.wal", ".keys.tmp", ".rows")
_ORPHAN_AGE = 24 * 3600  # for files no job names: a DataStore write's version in the making


def temporary_folder(folder: Path, job_id: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for a load, named after its job so that it can be cleared later."""
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f"{job_id}.", suffix=".tmp", dir=folder)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _owner(name: str) -> tuple[str, str | None] | None:
    """(job id, what follows `.duckdb`) for a table file, (job id, None) for a temporary
    folder, None for anything else."""
    table = _TABLE.fullmatch(name)
    if table is not None:
        return table["job"], table["rest"]
    temporary = _TEMPORARY.fullmatch(name)
    return (temporary["job"], None) if temporary is not None else None


def remove_job_files(folder: Path, job_id: str) -> None:
    """Remove every file of a job, such as an earlier attempt's whose worker died (a stale
    `.wal` would otherwise be replayed into the new table)."""
    if folder.is_dir():
        for path in folder.iterdir():
            owner = _owner(path.name)
            if owner is not None and owner[0] == job_id:
                _remove(path)


def _last_change(path: Path) -> float:
    """The newest modification time of a file, or of a folder and everything in it."""
    try:
        newest = path.lstat().st_mtime
        if path.is_dir() and not path.is_symlink():
            for top, folders, files in os.walk(path):
                for name in folders + files:
                    newest = max(newest, os.lstat(os.path.join(top, name)).st_mtime)
    except FileNotFoundError:
        return time.time()  # going away by itself
    return newest


def _groups(folder: Path) -> dict[str, list[tuple[Path, str | None]]]:
    """`folder`'s load files by the name they share, each with what follows `.duckdb` (None
    for a folder); a `tmp…` folder is a group of its own, under its own name."""
    groups: dict[str, list[tuple[Path, str | None]]] = {}
    for path in folder.iterdir():
        owner = _owner(path.name)
        if owner is not None:
            groups.setdefault(owner[0], []).append((path, owner[1]))
        elif _UNNAMED.fullmatch(path.name) and path.is_dir():
            groups[path.name] = [(path, None)]
    return groups


def _states(conn: sa.Connection, names: list[str]) -> dict[str, str]:
    states: dict[str, str] = {}
    for start in range(0, len(names), 500):
        found = conn.execute(
            sa.select(datastore_jobs.c.id, datastore_jobs.c.state).where(
                datastore_jobs.c.id.in_(names[start : start + 500])
            )
        )
        states.update({job_id: state for job_id, state in found})
    return states


def remove_leftovers(conn: sa.Connection, root: Path, stale_seconds: int) -> list[Path]:
    """Remove files of interrupted loads under `root` (see the module's rules); return them."""
    if not root.is_dir():
        return []
    # Files, then jobs, then tables: a load that finishes meanwhile is seen running or current.
    found = {f: _groups(f) for f in root.iterdir() if f.is_dir()}
    states = _states(conn, sorted({name for groups in found.values() for name in groups}))
    tables = conn.execute(sa.select(datastore_tables.c.distribution_id, datastore_tables.c.file))
    current = {distribution: Path(file).name for distribution, file in tables}
    now = time.time()
    removed: list[Path] = []
    for folder, groups in found.items():
        for name, files in groups.items():
            state = states.get(name)
            live = current.get(folder.name) == f"{name}.duckdb"
            paths = [path for path, rest in files if not (live and rest in _LIVE)]
            if state in ("queued", "running") or not paths:
                continue
            age = _ORPHAN_AGE if state is None and not _UNNAMED.fullmatch(name) else stale_seconds
            if now - max(_last_change(p) for p, _rest in files) > age:
                for path in paths:
                    _remove(path)
                removed += paths
    if removed:
        log.info("removed %d files of interrupted loads under %s", len(removed), root)
    return removed
