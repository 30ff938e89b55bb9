"""Per-position data of the kept index that every state changed from one full read shares.

A state of the bitmaps (`bitmaps.Bitmaps`) numbers its documents by position; a change never
reuses a position (a removed document's place is left empty, an added one gets the next), so
what a position holds is the same in every state that has it. Copying such data whole at each
change cost the first search after another process's write more than the change itself at
100,000 datasets: the dictionary from id to position and the lists of sort keys and titles, 2-5
ms to copy, as much again to free the older state's copies, and, being new containers of
100,000 references each, some 15 ms in the garbage collector's next young collection (the
structures read whole are frozen out of its walks, `ready.py`; the copies were not).

So `Positions` keeps the full read's dictionary, never written again, with the changes since
in a small one of its own; and `grown` extends a list of per-position values in place, each
state reading only the positions it has (the older states' prefix is never written).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import TypeVar, overload

__all__ = ["Positions", "grown"]

_T = TypeVar("_T")
_D = TypeVar("_D")
_BASE = -2  # not among the changes: as in the full read
_FOLD = 4096  # changes kept apart before they are merged into a new full dictionary


class Positions(Mapping[int, int]):
    """Each live document's position: the full read's (`base`, shared and never written) and
    the documents added (their position) or removed (-1) since, as a copy of their own at each
    change, so a change costs the changes since the full read, not the catalogue."""

    __slots__ = ("_base", "_moved", "_live")

    def __init__(self, base: dict[int, int], moved: dict[int, int] | None = None, live: int = -1):
        self._base, self._moved = base, {} if moved is None else moved
        self._live = len(base) if live < 0 else live

    def _at(self, doc_id: object) -> int:
        p = self._moved.get(doc_id, _BASE)  # type: ignore[call-overload]
        return self._base.get(doc_id, -1) if p == _BASE else p  # type: ignore[call-overload,no-any-return]

    @overload
    def get(self, doc_id: int, /) -> int | None: ...
    @overload
    def get(self, doc_id: int, default: _D, /) -> int | _D: ...
    def get(self, doc_id: int, default: object = None) -> object:
        p = self._at(doc_id)
        return default if p < 0 else p

    def __getitem__(self, doc_id: int) -> int:
        p = self._at(doc_id)
        if p < 0:
            raise KeyError(doc_id)
        return p

    def __contains__(self, doc_id: object) -> bool:
        return self._at(doc_id) >= 0

    def of(self, doc_ids: Sequence[int]) -> list[int]:
        """The position of each of these documents (-1: not here), found by the dictionaries'
        own look-ups: a Python call per document (`get`) cost 14 instead of 5 ms for 70,000."""
        return list(map(self._moved.get, doc_ids, map(self._base.get, doc_ids, repeat(-1))))

    def __len__(self) -> int:
        return self._live

    def __iter__(self) -> Iterator[int]:
        yield from (doc_id for doc_id in self._base if doc_id not in self._moved)
        yield from (doc_id for doc_id, p in self._moved.items() if p >= 0)

    def changed(self, removed: Iterable[int], added: Mapping[int, int]) -> Positions:
        """These positions after the `removed` documents left and the `added` ones came (a
        removed id may come back at a new position)."""
        moved, live = dict(self._moved), self._live
        changing = Positions(self._base, moved)  # sees each step below
        for doc_id in removed:
            if doc_id in changing:
                moved[doc_id], live = -1, live - 1
        for doc_id, p in added.items():
            live += doc_id not in changing
            moved[doc_id] = p
        if len(moved) <= _FOLD:
            return Positions(self._base, moved, live)
        base = dict(self._base)  # a full copy now and then, so that a change stays small
        for doc_id, p in moved.items():
            if p < 0:
                base.pop(doc_id, None)
            else:
                base[doc_id] = p
        return Positions(base)


_growing = threading.Lock()


def grown(values: list[_T], size: int, more: Iterable[_T]) -> list[_T]:
    """`values` (a state's `size` positions) with `more` after them: the same list extended
    when it ends at `size`, so no older state's positions are copied; else (a newer state
    already extended it) a copy of its first `size`."""
    with _growing:  # two states changed from one may grow it at once
        out = values if len(values) == size else values[:size]
        out.extend(more)
    return out
