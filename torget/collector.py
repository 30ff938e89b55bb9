"""Python's full garbage collections held off while a bulk job runs (a harvest).

A harvest of 10,000 datasets makes millions of objects that live for a stage of the run (the
parsed graph, the records, the DCAT guard's graph of a thousand datasets), nearly none of
them in a reference cycle: reference counting frees them. The cyclic collector's full
collections walk every tracked object each time the heap has grown by a quarter, and they
cost such a first run a third of its CPU (bench/harvest.py, 10,000 datasets: 34.2 s of CPU,
22.4 s with them held off, peak memory unchanged at 501-511 MB). The young generations are
still collected, so a cycle made and dropped within the run is still freed soon; what
reaches the oldest generation waits until the last job holding them off has ended, when
the thresholds are put back and the next full collection comes as it would have.

The thresholds are the process's, so holds are counted: concurrent or nested jobs hold
them off together, and the first one's thresholds are put back by the last one.
(`search/ready.py`'s `gc.freeze` at start-up is a different lever and is left alone.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["full_collections_held"]

# Never reached: the oldest generation is collected when the middle one has been collected
# this many times.
_NEVER = 2**30

_lock = threading.Lock()
_holds = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def full_collections_held() -> Iterator[None]:
    """No full (oldest-generation) collection inside the block unless asked for."""
    global _holds, _saved
    with _lock:
        if _holds == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], _NEVER)
        _holds += 1
    try:
        yield
    finally:
        with _lock:
            _holds -= 1
            if _holds == 0:
                gc.set_threshold(*_saved)
