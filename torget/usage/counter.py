"""The counter buffer: requests are counted in memory and written behind, in batches.

Counting a request is a dict increment under a lock (about a microsecond): no database, no
regular expression. A background thread, started by the first count, writes what was counted
every `usage_flush_seconds`, or at once when `usage_flush_events` requests have waited, in
one transaction (`store.add_counts`: one additive upsert for the batch). Each server process
of `torget serve --workers N` has its own buffer and adds its own deltas, so processes never
overwrite each other's counts, on SQLite or PostgreSQL. `close` (the site's) writes the
rest. A batch that cannot be written (the database busy for longer than its wait) is kept and
added to the next one; a process that dies loses at most its unwritten seconds of counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Literal, NamedTuple

__all__ = ["UsageCounter", "Hit", "Kind", "KINDS", "Writer"]

log = logging.getLogger(__name__)

Kind = Literal["view", "download", "api", "query"]
KINDS: tuple[Kind, ...] = ("view", "download", "api", "query")


class Hit(NamedTuple):
    """What one buffered count is about. The user agent is kept only until the flush decides
    whether it is a bot; it is never written."""

    day: dt.date
    dataset_id: str  # "" when only the distribution is known (resolved at the flush)
    distribution_id: str  # "" for the dataset as a whole (its page, its record)
    kind: Kind
    user_agent: str


Writer = Callable[[dict[Hit, int]], None]


class _Today:
    """Today's date (UTC), worked out again only when the day has ended: a count asks for it
    on every request, and `datetime.now().date()` costs more than the count itself."""

    def __init__(self) -> None:
        self._ends = 0.0
        self._day = dt.date.min

    def __call__(self) -> dt.date:
        now = time.time()
        if now >= self._ends:
            self._day = dt.datetime.fromtimestamp(now, dt.UTC).date()
            self._ends = (now // 86400 + 1) * 86400
        return self._day


class UsageCounter:
    """One process's buffer of counts, written by `writer` in batches."""

    def __init__(
        self,
        writer: Writer,
        *,
        every_seconds: float,
        most_events: int,
        enabled: bool = True,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self._writer = writer
        self._every = every_seconds
        self._most = most_events
        self.enabled = enabled
        self._today = today or _Today()
        self._pending: dict[Hit, int] = {}
        self._events = 0
        self._lock = threading.Lock()  # guards the buffer: held for an increment only
        self._flushing = threading.Lock()  # one batch at a time, in the order taken
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def count(
        self,
        kind: Kind,
        user_agent: str,
        *,
        dataset_id: str = "",
        distribution_id: str = "",
    ) -> None:
        """Count one request of `kind` for a dataset or a distribution (either may be left
        out when the other is known); unpublished datasets are dropped at the flush."""
        if not self.enabled or self._stop.is_set():
            return
        hit = Hit(self._today(), dataset_id, distribution_id, kind, user_agent[:512])
        with self._lock:
            self._pending[hit] = self._pending.get(hit, 0) + 1
            self._events += 1
            full = self._events >= self._most
            if self._thread is None:
                self._start()
        if full:
            self._wake.set()

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="usage-flush", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._every)
            self._wake.clear()
            if not self._stop.is_set():
                self.flush()

    def _take(self) -> dict[Hit, int]:
        with self._lock:
            batch, self._pending, self._events = self._pending, {}, 0
        return batch

    def _give_back(self, batch: dict[Hit, int]) -> None:
        with self._lock:
            for hit, n in batch.items():
                self._pending[hit] = self._pending.get(hit, 0) + n

    def flush(self) -> int:
        """Write what has been counted so far; returns the number of requests written. When
        the write fails, the counts wait for the next flush."""
        with self._flushing:
            batch = self._take()
            if not batch:
                return 0
            try:
                self._writer(batch)
            except Exception:
                log.exception("could not write %d usage counts; kept for the next flush",
                              sum(batch.values()))  # fmt: skip
                self._give_back(batch)
                return 0
            return sum(batch.values())

    def close(self) -> None:
        """Stop the background thread and write what is left."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.flush()
