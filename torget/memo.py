"""A bounded, thread-safe memo for answers that never go stale under their key.

Pages keep a few answers whose key names everything they depend on (a table's file, which
never changes once written; a schema and a header): no expiry is needed, only a bound on how
many are kept, the oldest forgotten first. An answer that also depends on something a key
cannot name in advance (the dataset page's loads, found from the answer itself) is checked
by the caller's `current` and made again when it is not. The server's threads share one memo.

An answer missing under its key is made once however many threads ask for it together: the
first makes it and the others wait for it (a key per kept answer, so one is made at a time).
A write renews the catalogue's token in every key, and before, each of the dozen searches in
flight at that moment built the same answer at once, each slower for the others (issue 21:
time-outs in the soak at 10,000 datasets).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Memo"]

_T = TypeVar("_T")
_MISSING = object()  # a kept answer may be None


class Memo(Generic[_T]):
    def __init__(self, size: int):
        self._size = size
        self._answers: dict[Hashable, _T] = {}
        self._lock = threading.Lock()
        self._making: dict[Hashable, _Making] = {}  # by key, while someone makes its answer

    def peek(self, key: Hashable) -> _T | None:
        """The answer kept for `key`, or None: nothing is made."""
        return self._answers.get(key)

    def get(
        self, key: Hashable, answer: Callable[[], _T], current: Callable[[_T], bool] | None = None
    ) -> _T:
        """The answer kept for `key` (if `current` says it still is), or `answer()` kept for
        it. Callers must not change what it returns: the next caller gets the same object."""
        kept = self._kept(key, current)
        if kept is not _MISSING:
            return kept  # type: ignore[return-value]
        with self._lock:
            making = self._making.setdefault(key, _Making())
            making.callers += 1
        try:
            with making.lock:
                kept = self._kept(key, current)  # made while this caller waited
                if kept is not _MISSING:
                    return kept  # type: ignore[return-value]
                found = answer()
                with self._lock:
                    self._answers[key] = found
                    while len(self._answers) > self._size:
                        del self._answers[next(iter(self._answers))]
                return found
        finally:
            with self._lock:
                making.callers -= 1
                if not making.callers:
                    del self._making[key]

    def _kept(self, key: Hashable, current: Callable[[_T], bool] | None) -> object:
        kept = self._answers.get(key, _MISSING)
        if kept is not _MISSING and (current is None or current(kept)):  # type: ignore[arg-type]
            return kept
        return _MISSING


class _Making:
    """One key's answer being made: its lock, and how many callers hold or wait for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.callers = 0
