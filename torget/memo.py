"""A bounded, thread-safe memo for answers that never go stale under their key.

Pages keep a few answers whose key names everything they depend on (a table's file, which
never changes once written; a schema and a header): no expiry is needed, only a bound on how
many are kept, the oldest forgotten first. The server's threads share one memo.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Memo"]

_T = TypeVar("_T")


class Memo(Generic[_T]):
    def __init__(self, size: int):
        self._size = size
        self._answers: dict[Hashable, _T] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, answer: Callable[[], _T]) -> _T:
        """The answer kept for `key`, or `answer()` kept for it. Callers must not change
        what it returns: the next caller gets the same object."""
        if key in self._answers:
            return self._answers[key]
        found = answer()
        with self._lock:
            self._answers[key] = found
            while len(self._answers) > self._size:
                del self._answers[next(iter(self._answers))]
        return found
