"""Running one load job end to end: fetch → ingest into a new file → swap in one transaction.

Also decides which distributions are loadable (`loadable_source`): a tabular format and a
download URL. `fetch_source` is the one place that turns a distribution's URL into a local
file: uploads and demo files, served under `<base_url>/files/<key>`, are read from the file
store directly (no HTTP request to ourselves, which the SSRF guard would refuse anyway).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from torget.catalog.model import DistributionIn
from torget.catalog.stored_files import owner_of_key
from torget.datastore import deep_pages, jobs, row_copies, sort_keys, tables, version_store
from torget.datastore.column_types import chosen_types
from torget.datastore.errors import LoadError
from torget.datastore.failures import failure_note
from torget.datastore.fetch import FetchLimits, download
from torget.datastore.ingest import FORMATS, Limits, LoadReport, columns_by_table, ingest
from torget.datastore.leftovers import remove_job_files, temporary_folder
from torget.datastore.load_letters import tell_editors_of_failure
from torget.datastore.notes import Note
from torget.db.engine import read, write
from torget.db.schema import datastore_tables, distributions
from torget.errors import NotFound
from torget.files import FileStore, InvalidKey, open_file_store
from torget.files.store import CHUNK
from torget.files.urls import key_of_url
from torget.publishing.guard import admit_table
from torget.publishing.personal_data import scan_file
from torget.settings import Settings
from torget.specifications.conformance import check_after_load

__all__ = [
    "loadable_source",
    "fetch_source",
    "run_job",
    "write_sort_keys",
    "write_missing_row_copies",
    "load_local",
    "limits_from",
]

log = logging.getLogger(__name__)

_HEARTBEAT_SECONDS = 5.0


def _format_code(dist: DistributionIn) -> str | None:
    code = dist.format.rstrip("/").rsplit("/", 1)[-1].lower()
    if code in FORMATS:
        return code
    url = (dist.download_url or dist.access_url or "").lower().split("?", 1)[0]
    ext = url.rsplit(".", 1)[-1] if "." in url.rsplit("/", 1)[-1] else ""
    return ext if ext in FORMATS else None


def loadable_source(dist: DistributionIn) -> tuple[str, str] | None:
    """(URL, format code) when the datastore can load this distribution."""
    fmt = _format_code(dist)
    url = dist.download_url
    if fmt is None or not url:
        return None
    return url, fmt


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_columns=settings.datastore_max_columns,
        max_uncompressed_bytes=settings.datastore_max_unpacked_bytes,
        memory_limit=settings.datastore_memory_limit,
        sort_keys_min_rows=settings.datastore_sort_key_min_rows,
    )


def _copy_from_store(files: FileStore, key: str, target: Path, max_bytes: int,
                     progress: Callable[[int], None]) -> None:  # fmt: skip
    try:
        handle = files.open(key)
    except (NotFound, InvalidKey):
        raise LoadError(key, "no such file in Torget's file store", code="no_such_file") from None
    size = 0
    with handle, target.open("wb") as out:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise LoadError(key, f"the file is larger than {max_bytes} bytes", code="too_large",
                                params={"limit": max_bytes})  # fmt: skip
            out.write(chunk)
            progress(size)


def fetch_source(
    settings: Settings,
    source: str,
    target: Path,
    progress: Callable[[int], None],
    files: FileStore | None = None,
) -> None:
    """Put the distribution's file at `target`: Torget's own files (kept as `/files/<key>`,
    `files.urls`) straight from the file store, other URLs downloaded with the SSRF guard,
    paths hard-linked (copied across file systems)."""
    key = key_of_url(settings, source)
    if key is not None:
        store = files if files is not None else open_file_store(settings)
        _copy_from_store(store, key, target, settings.datastore_max_download_bytes, progress)
        return
    if source.startswith(("http://", "https://")):
        limits = FetchLimits(
            timeout=float(settings.datastore_download_timeout),
            max_bytes=settings.datastore_max_download_bytes,
            allow_private=settings.allow_private_addresses,
        )
        download(source, target, limits, progress)
        return
    path = Path(source.removeprefix("file://"))
    if not path.is_file():
        raise LoadError(source, "no such file", code="no_such_file")
    try:  # a second name for the same bytes: no copy of a gigabyte file on the same disk
        os.link(path, target)
    except OSError:
        shutil.copyfile(path, target)


class _Heartbeat:
    """Records progress and beats the heartbeat at most every few seconds, and while idle."""

    def __init__(self, engine: sa.Engine, job_id: str):
        self.engine, self.job_id = engine, job_id
        self.stage, self.percent, self.size = "starting", 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(_HEARTBEAT_SECONDS):
            with write(self.engine) as conn:
                jobs.beat(conn, self.job_id, self.stage, self.percent, self.size)

    def update(self, stage: str, percent: float) -> None:
        self.stage, self.percent = stage, percent

    def bytes(self, size: int) -> None:
        self.stage, self.size = "downloading", size


def _load_into_new_file(
    settings: Settings,
    job: jobs.Job,
    beat: _Heartbeat | None,
    files: FileStore | None,
    chosen: dict[str, str] | None = None,
) -> tuple[Path, LoadReport]:
    root = settings.datastore_path
    target = tables.table_file(root, job.distribution_id, job.id)
    remove_job_files(target.parent, job.id)  # an earlier attempt's, if its worker died
    with temporary_folder(target.parent, job.id) as tmp:
        local = Path(tmp) / "source"
        tell = beat.bytes if beat else (lambda _n: None)
        fetch_source(settings, job.source, local, tell, files)
        name = job.source.rsplit("/", 1)[-1] or job.source
        report = ingest(name, local, job.format, target, limits_from(settings),
                        beat.update if beat else None, chosen)  # fmt: skip
    return target, report


def _swap(engine: sa.Engine, settings: Settings, job: jobs.Job, target: Path,
          report: LoadReport) -> bool:  # fmt: skip
    """Make `target` the distribution's table, unless a newer load came meanwhile."""
    root = settings.datastore_path
    findings = scan_file(target)  # issue 13 B: the personal-data guard scans before the swap
    with write(engine) as conn:
        newest = jobs.latest_job(conn, job.distribution_id)
        if newest is not None and newest.id != job.id:
            jobs.fail_job(
                conn,
                job.id,
                Note(
                    "superseded",
                    {"file": job.source},
                    "superseded by a newer load of this distribution",
                ),
            )
            target.unlink(missing_ok=True)
            return False
        # issue 13 B: a published distribution's new table with personal data nobody signed
        # off does not become current (the previous one stays; the editors are mailed).
        refusal = admit_table(conn, job.distribution_id, job.id, job.source, findings)
        if refusal is None:
            relative = str(target.relative_to(root))
            tables.swap_table(conn, job.distribution_id, job.id, relative, report.rows,
                              report.columns)  # fmt: skip
            jobs.finish_job(conn, job.id, report.as_json())
        else:
            jobs.fail_job(conn, job.id, refusal)
    if refusal is not None:
        target.unlink(missing_ok=True)
        raise LoadError(job.source, refusal.message, code=refusal.code, params=refusal.params)
    # issue 20: kept as a version (a hard link, so remove_stale leaves it) and compared with
    # the load before it
    version_store.record_load(settings, engine, job.distribution_id, job.id)
    tables.remove_stale(root, job.distribution_id, keep=target)
    check_after_load(engine, settings, job.distribution_id)  # issue 16: the declared specification
    return True


def write_missing_row_copies(settings: Settings, engine: sa.Engine) -> Path | None:
    """Give one current table that has sort-key copies but no row copies (loaded before they
    existed) its row copies; the table's file, or None when every table has them. The sweep
    runs it once a minute, so already-loaded tables get theirs one at a time."""
    with read(engine) as conn:
        for row in conn.execute(sa.select(datastore_tables)).all():
            table = tables.table_of(row, settings.datastore_path)
            if not sort_keys.keys_file(table.path).exists():
                continue
            if row_copies.rows_file(table.path).exists() or not table.path.exists():
                continue
            job = jobs.get_job(conn, table.job_id)
            found = columns_by_table(job.report) if job is not None and job.report else {}
            if found and all(row_copies.copyable(c) for c in found.values()):
                break  # (a table the copy cannot hold would be tried again every minute)
        else:
            return None
    deep_pages.write_row_copies(settings, table.path, found)
    return table.path


def write_sort_keys(settings: Settings, engine: sa.Engine, job_id: str) -> int:
    """After `run_job`, in the same worker: the sort-key copies of the job's table, if it is
    still its distribution's current one; return how many were written."""
    with write(engine) as conn:
        job = jobs.get_job(conn, job_id)
        table = None if job is None else tables.current_table(
            conn, settings.datastore_path, job.distribution_id
        )  # fmt: skip
    if job is None or job.report is None or table is None or table.job_id != job.id:
        return 0
    return deep_pages.write_copies(settings, table.path, columns_by_table(job.report))


def _claim(engine: sa.Engine, job_id: str) -> jobs.Job | None:
    """Claim a job; wait briefly for a row whose transaction is still committing."""
    for _ in range(50):
        with write(engine) as conn:
            if jobs.get_job(conn, job_id) is not None:
                return jobs.claim_job(conn, job_id)
        time.sleep(0.1)
    return None


def _check_owner(settings: Settings, engine: sa.Engine, job: jobs.Job) -> None:
    """An upload is read from the store with nobody's rights, so only for a distribution of
    the dataset that owns it (`catalog.stored_files`): another dataset's link to a draft's
    file must not publish its rows."""
    key = key_of_url(settings, job.source)
    owner = owner_of_key(key) if key is not None else None
    if owner is None:
        return
    with read(engine) as conn:
        dataset_id = conn.execute(
            sa.select(distributions.c.dataset_id).where(distributions.c.id == job.distribution_id)
        ).scalar()
    if dataset_id != owner:
        raise LoadError(job.source, "the file is another dataset's upload", code="another_upload")


def run_job(
    settings: Settings, engine: sa.Engine, job_id: str, files: FileStore | None = None
) -> None:
    """Claim and run one job; any failure is recorded on the job, never raised.

    `files` is the process's file store (needed for `memory:`); by default one is opened."""
    job = _claim(engine, job_id)
    if job is None:
        return
    target: Path | None = None
    try:
        _check_owner(settings, engine, job)
        with read(engine) as conn:
            chosen = chosen_types(conn, job.distribution_id)
        with _Heartbeat(engine, job.id) as beat:
            target, report = _load_into_new_file(settings, job, beat, files, chosen)
        _swap(engine, settings, job, target, report)
    except Exception as exc:  # noqa: BLE001 - every failure is the job's reason, not a crash
        if target is not None:
            target.unlink(missing_ok=True)
        if not isinstance(exc, LoadError):
            log.exception("loading %s failed", job.source)
        failure = failure_note(exc, job.source)
        with write(engine) as conn:
            told = jobs.get_job(conn, job.id)  # a failure recorded already was told by its recorder
            if told is None or told.state != "failed":
                jobs.fail_job(conn, job.id, failure)
                tell_editors_of_failure(conn, settings.public_base, job.distribution_id, failure)
        return


def load_local(
    settings: Settings,
    engine: sa.Engine,
    distribution_id: str,
    path: Path,
    fmt: str,
    progress: Callable[[str, float], None] | None = None,
    source: str | None = None,
) -> LoadReport:
    """Load a local file for a distribution now, in this process (the CLI's `datastore load`,
    CKAN's DataStore writes, a scheduled refresh that downloaded `source`, its URL, into
    `path`). It beats the job's heartbeat like a worker, so that no sweep takes a long load
    for a dead one and hands it to a worker as well."""
    with write(engine) as conn:
        job_id = jobs.create_job(conn, distribution_id, source or str(path.resolve()), fmt)
        job = jobs.claim_job(conn, job_id)
        chosen = chosen_types(conn, distribution_id)
    assert job is not None
    tell = progress or (lambda _stage, _pct: None)
    try:
        root = settings.datastore_path
        target = tables.table_file(root, distribution_id, job.id)
        with _Heartbeat(engine, job.id) as beat:

            def both(stage: str, percent: float) -> None:
                beat.update(stage, percent)
                tell(stage, percent)

            report = ingest(path.name, path, fmt, target, limits_from(settings), both, chosen)
    except LoadError as exc:
        with write(engine) as conn:
            jobs.fail_job(conn, job.id, exc.note())
        raise
    if _swap(engine, settings, job, target, report):
        deep_pages.write_copies(settings, target, columns_by_table(report.as_json()))
    return report
