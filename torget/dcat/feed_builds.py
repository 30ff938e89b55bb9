"""The pace of the whole-catalogue feed's builds, and the one background build per process.

A build of the feed at 10,000 datasets (46 MB of RDF/XML and its gzip copy) takes a core for
one to three seconds. Under a stream of public changes (an editor publishing, a harvest's
runs) each change made the feed out of date, and the feed was built back to back: a core
compressing all the time, every reader slower for it (issue 21: the soak's time-outs with
public writes). So builds are paced: after a build that took `t` seconds the next starts no
sooner than `max(t, MIN_GAP_S)` after it ended, at most half a core and at most one build a
second, whichever server process or thread builds (the pace is a file's modification time
beside the feed, the build's lock makes one build at a time). Readers meanwhile get the
newest feed built (`feed_cache.open_feed`).

Hence the freshness guarantee: a change shows in the feed at most two builds' time plus the
pace's gap after it was committed (the build running then, the wait, the next build): some
2 s at the demo's scale, about 10 s at 10,000 datasets on a quiet core.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["MIN_GAP_S", "PACE", "not_before", "paced", "soon"]

log = logging.getLogger(__name__)

MIN_GAP_S = 1.0
PACE = ".paced"  # in the feed's folder; its modification time: when the next build may start

_running: dict[Path, threading.Lock] = {}  # per feed folder: this process's background build
_guard = threading.Lock()


def not_before(folder: Path) -> float:
    """When the next build may start (seconds since the epoch); 0 when none was paced yet."""
    try:
        return (folder / PACE).stat().st_mtime
    except FileNotFoundError:
        return 0.0


def paced(folder: Path, took: float) -> None:
    """A build that took `took` seconds just ended: the next waits as long, or MIN_GAP_S."""
    until = time.time() + max(took, MIN_GAP_S)
    (folder / PACE).touch()
    os.utime(folder / PACE, (until, until))


def soon(folder: Path, step: Callable[[], bool | None]) -> None:
    """Run `step` in a background thread until it says every feed in use is current (None),
    waiting out the pace between steps (False: not yet); one such thread per folder and
    process, so a crowd of readers starts one."""
    with _guard:
        running = _running.setdefault(folder, threading.Lock())
    if running.acquire(blocking=False):
        threading.Thread(
            target=_steps, args=(folder, step, running), name="feed-build", daemon=True
        ).start()


def _steps(folder: Path, step: Callable[[], bool | None], running: threading.Lock) -> None:
    try:
        while (done := step()) is not None:
            if done is False:
                time.sleep(max(0.05, not_before(folder) - time.time()))
    except Exception:  # a database that is away now: the next reader starts another
        log.exception("building the DCAT feed failed")
    finally:
        running.release()
