"""The whole-catalogue feed kept ready as files, so that a harvester's fetch costs a file read.

Sveriges dataportal and other harvesters fetch `/datasets/dcat` whole, daily or more often, and
crawlers follow its twins: building the RDF of 10,000 datasets costs a core for about a second
(`bench/feed.py`), and 64 of them at once took the server down (issue 21). So each format is
built once per state of the catalogue into `<data_dir>/feed/` and served from there.

Which state is current is a *stamp*: a file holding a random token, replaced (atomically)
after every commit that changes what the feed shows (`SUBSCRIPTIONS`: a dataset saved that is
public, or withdrawn; data services; organisations). A draft's saves leave it: they show to the
draft's editors alone, and an editor's stream of them (the soak's writers, twice a second)
had every reader wait behind rebuilds of this feed and of the pages' kept answers that showed
nothing new (issue 21). A build reads the stamp *before* it reads the database and names its file
after that token, so a build that raced a change is filed under the old token and never
served for the new one; the files are shared by every server process and by the command
line, whichever made the change. Builds take a file lock, one at a time. The server's
readers wait only when no feed was built yet (then for one build, not 64); otherwise they get
the newest one at once, with its own ETag and Last-Modified, while one background build runs
at the pace `feed_builds` sets (`open_feed`'s `newest`): a change shows within two builds'
time and the pace's gap. The stamp's token is the feed's ETag, its modification time the feed's
Last-Modified: answering a conditional request reads one small file and touches neither the
database nor the feed.

Each build also writes a gzip copy beside its file (`<file>.gz`), served with
`Content-Encoding: gzip` to a client that accepts it, as harvesters' HTTP libraries and
browsers do: the RDF/XML of 10,000 datasets is 46 MB, and at 64 readers the machine's memory
bandwidth, not its CPU, set how long each waited for its turn (issue 21). Compressed once per
state, it is 2.6 MB (`bench/load.py --datasets 10000`). The copy has its own ETag (RFC 9110
§8.8.3: a strong ETag differs per content coding).

Changes made behind Torget's back (SQL typed into the database, a restored backup) show in
the feed after the next change made through Torget, or at once when `<data_dir>/feed/stamp` is
removed. `keep_ready` (run by `torget serve`) builds the default format soon after a change,
at that pace, and every other format in use (one built before)."""

from __future__ import annotations

import fcntl
import functools
import gzip
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa

from torget import __version__
from torget.db.engine import after_commit
from torget.db.schema import datasets
from torget.dcat import feed_builds
from torget.dcat.feed import iter_catalogue
from torget.events import (
    Bulk,
    DataServiceDeleted,
    DataServiceSaved,
    DatasetSaved,
    DatasetWithdrawn,
    Handler,
    OrganisationDeleted,
    OrganisationSaved,
)
from torget.settings import Settings
from torget.site_lookup import settings_of
from torget.stamps import read_stamp, read_token, renew

__all__ = [
    "FeedVersion",
    "catalogue_state",
    "SUBSCRIPTIONS",
    "changed",
    "current",
    "open_feed",
    "keep_ready",
    "FORMATS",
]

log = logging.getLogger(__name__)

FORMATS = ("rdf", "ttl", "jsonld")
_STAMP = "stamp"
_LOCK = ".lock"


@dataclass(frozen=True)
class FeedVersion:
    """The feed's current state: its ETag (quoted, as sent) and when the catalogue changed."""

    etag: str
    modified: float  # seconds since the epoch
    behind: bool = False  # an older feed, given while the current one is built
    gzipped: bool = False  # the gzip copy: sent with Content-Encoding: gzip


def _etag(token: str, settings: Settings, fmt: str, gzipped: bool) -> str:
    return f'"{token}-{_settings_key(settings)}-{fmt}{"-gzip" if gzipped else ""}"'


def _folder(settings: Settings) -> Path:
    return settings.data_dir / "feed"


@functools.lru_cache(maxsize=8)
def _settings_key(settings: Settings) -> str:
    """What besides the catalogue shapes the feed: the settings (base_url, the catalogue's
    title and publisher, …) and Torget's version; a change of either is a new feed."""
    described = json.dumps(settings.describe(), sort_keys=True) + __version__
    return hashlib.sha256(described.encode()).hexdigest()[:12]


def changed(settings: Settings) -> None:
    """The catalogue changed: the feed files built so far are out of date."""
    renew(_folder(settings) / _STAMP)


def _stamp(settings: Settings) -> tuple[str, float]:
    return read_stamp(_folder(settings) / _STAMP)


@functools.lru_cache(maxsize=8)
def _stamp_path(settings: Settings) -> Path:
    return _folder(settings) / _STAMP


def catalogue_state(settings: Settings) -> str:
    """A token that changes with every change to what the feed shows (datasets, data
    services, organisations), in every process: what the pages may key their own caches on."""
    return read_token(_stamp_path(settings))


def current(settings: Settings, fmt: str, gzipped: bool = False) -> FeedVersion:
    """The feed's ETag and Last-Modified as of now (of its gzip copy with `gzipped`), without
    building anything."""
    token, modified = _stamp(settings)
    return FeedVersion(_etag(token, settings, fmt, gzipped), modified, gzipped=gzipped)


def _name(token: str, settings: Settings, fmt: str) -> str:
    return f"catalogue-{token}-{_settings_key(settings)}.{fmt}"


def _newest(
    folder: Path, settings: Settings, fmt: str, gzipped: bool
) -> tuple[BinaryIO, FeedVersion] | None:
    """The newest feed built in `fmt` (its gzip copy with `gzipped`), open, with its own ETag
    and Last-Modified (the time of the state it shows); None when none was built."""
    suffix = f"-{_settings_key(settings)}.{fmt}"
    for path in sorted(folder.glob(f"catalogue-*{suffix}"), key=_mtime, reverse=True):
        try:  # a build's pruning may have removed it meanwhile
            handle, coded = _open(path, gzipped)
        except FileNotFoundError:
            continue
        token = path.name.removeprefix("catalogue-").removesuffix(suffix)
        shown = os.fstat(handle.fileno()).st_mtime
        return handle, FeedVersion(_etag(token, settings, fmt, coded), shown, True, coded)
    return None


def _gz(path: Path) -> Path:
    return path.with_name(path.name + ".gz")


def _open(path: Path, gzipped: bool) -> tuple[BinaryIO, bool]:
    """The feed file, or with `gzipped` its gzip copy when it has one (a feed built by an
    older Torget has none); and whether the copy was opened."""
    if gzipped:
        try:
            return _gz(path).open("rb"), True
        except FileNotFoundError:
            pass
    return path.open("rb"), False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # pruned meanwhile
        return -1.0


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build at a time across threads and processes (flock per open file)."""
    with (folder / _LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(engine: sa.Engine, settings: Settings, fmt: str, target: Path, shown: float) -> None:
    """The feed into `target` and its gzip copy beside it, the copy first: a reader that
    finds `target` finds the copy too, at gzip's default level (6). Both carry the time of
    the state they show (`shown`) as their modification time: their Last-Modified when
    served after a later change."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp_gz = target.with_name(f".{target.name}.gz.{os.getpid()}.tmp")
    with tmp.open("wb") as out, gzip.GzipFile(tmp_gz, "wb", compresslevel=6, mtime=0) as packed:
        for chunk in iter_catalogue(engine, settings, fmt):
            out.write(chunk)
            packed.write(chunk)
    for made in (tmp_gz, tmp):
        os.utime(made, (shown, shown))
    tmp_gz.replace(_gz(target))
    tmp.replace(target)


def _prune(folder: Path, settings: Settings) -> None:
    """Remove all but each format's newest feed (an open file stays readable until it is
    closed) and what killed builds left; only under the lock, so no build is running."""
    kept = {_STAMP, _LOCK, feed_builds.PACE}
    for fmt in FORMATS:
        built = sorted(folder.glob(f"catalogue-*-{_settings_key(settings)}.{fmt}"), key=_mtime)
        kept |= {name for path in built[-1:] for name in (path.name, _gz(path).name)}
    for entry in folder.iterdir():
        if entry.name not in kept:
            entry.unlink(missing_ok=True)


def open_feed(
    engine: sa.Engine, settings: Settings, fmt: str, newest: bool = False, gzipped: bool = False
) -> tuple[BinaryIO, FeedVersion]:
    """The current feed in `fmt` (its gzip copy with `gzipped`, when there is one), open for
    reading, built first if this state has none yet.

    With `newest` (the server's readers), when this state has none yet but an older one was
    built, that one at once (its own ETag and Last-Modified) while a build runs in the
    background, paced (`feed_builds`): under a stream of public changes the catalogue
    changes faster than 10,000 datasets are built, and a reader that built or waited for the
    next feed held a thread for seconds, a core busy compressing 46 MB (issue 21: the
    soak's time-outs). Only the first feed of all is built on a request."""
    token, modified = _stamp(settings)
    folder = _folder(settings)
    target = folder / _name(token, settings, fmt)
    try:
        return _opened(target, token, modified, settings, fmt, gzipped)
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    if newest and (found := _newest(folder, settings, fmt, gzipped)) is not None:
        feed_builds.soon(folder, lambda: _step(engine, settings))
        return found
    with _locked(folder):
        if not target.exists():  # another thread or process may have built it meanwhile
            _build_paced(engine, settings, [fmt], token, modified)
        return _opened(target, token, modified, settings, fmt, gzipped)


def _opened(
    target: Path, token: str, modified: float, settings: Settings, fmt: str, gzipped: bool
) -> tuple[BinaryIO, FeedVersion]:
    handle, coded = _open(target, gzipped)
    return handle, FeedVersion(_etag(token, settings, fmt, coded), modified, gzipped=coded)


def _step(engine: sa.Engine, settings: Settings, also: tuple[str, ...] = ()) -> bool | None:
    """One paced build, under the lock: every format in use (one built before, or in
    `also`) that has no feed of the current state yet. True when it built, False when the
    pace says not yet, None when every format in use is current."""
    folder = _folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        if feed_builds.not_before(folder) > time.time():
            return False
        token, modified = _stamp(settings)
        suffix = f"-{_settings_key(settings)}"
        behind = [
            fmt for fmt in FORMATS
            if not (folder / _name(token, settings, fmt)).exists()
            and (fmt in also or any(folder.glob(f"catalogue-*{suffix}.{fmt}")))
        ]  # fmt: skip
        if not behind:
            return None
        _build_paced(engine, settings, behind, token, modified)
        return True


def _build_paced(
    engine: sa.Engine, settings: Settings, fmts: list[str], token: str, modified: float
) -> None:
    """Build the formats' feeds of this state, prune the older ones and set the next build's
    pace by how long these took; only under the lock."""
    folder = _folder(settings)
    began = time.monotonic()
    for fmt in fmts:
        _build(engine, settings, fmt, folder / _name(token, settings, fmt), modified)
    _prune(folder, settings)
    feed_builds.paced(folder, time.monotonic() - began)


def keep_ready(
    engine: sa.Engine, settings: Settings, stop: threading.Event, every: float = 1.0
) -> None:
    """Until `stop` is set: build the RDF/XML feed (what harvesters fetch), and every other
    format in use, soon after each change, at the builds' pace. Several server processes may
    each run this; the lock makes one of them build at a time."""
    while not stop.wait(every):
        try:
            _step(engine, settings, also=("rdf",))
        except Exception:  # a database that is away now may be back at the next round
            log.exception("building the DCAT feed failed")


@dataclass(frozen=True)
class _Outdate:
    """After the commit: the feed is out of date. Equal for equal settings, so that a
    transaction's many events outdate the feed once (`after_commit` keeps one of each)."""

    settings: Settings

    def __call__(self) -> None:
        changed(self.settings)


def _on_change(conn: sa.Connection, _event: Any) -> None:
    after_commit(conn, _Outdate(settings_of(conn)))


def _on_datasets_saved(conn: sa.Connection, events: Sequence[DatasetSaved]) -> None:
    """Datasets saved: the public's view changed only if one of them is public now (one
    leaving the public is `DatasetWithdrawn`). A draft's edits show to its editors alone, whose
    answers are never kept; an editor's stream of them renewed the stamp twice a second, and
    every reader then waited behind the builds of a feed and of kept answers that showed
    nothing new (issue 21: time-outs in the soak at 10,000 datasets)."""
    if any(e.written is not None and e.written.state == "published" for e in events):
        _on_change(conn, events[0])
        return
    unread = [e.dataset_id for e in events if e.written is None]
    public = sa.select(datasets.c.id).where(
        datasets.c.id.in_(unread), datasets.c.state == "published"
    )
    if unread and conn.execute(public.limit(1)).first() is not None:
        _on_change(conn, events[0])


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DatasetSaved, Bulk(_on_datasets_saved)),  # a harvest's datasets together
    *(
        (event, _on_change)
        for event in (
            DatasetWithdrawn,  # unpublished or deleted (a draft's deletion shows nowhere)
            DataServiceSaved,
            DataServiceDeleted,
            OrganisationSaved,
            OrganisationDeleted,
        )
    ),
)
