"""The full garbage collections held off while a bulk job runs, and put back after it."""

from __future__ import annotations

import gc
import threading

from torget.collector import full_collections_held


def test_the_oldest_generation_waits_and_the_young_ones_do_not() -> None:
    before = gc.get_threshold()
    with full_collections_held():
        young, middle, oldest = gc.get_threshold()
        assert (young, middle) == before[:2]
        assert oldest > 1_000_000
    assert gc.get_threshold() == before


def test_holds_are_counted_across_threads() -> None:
    before = gc.get_threshold()
    inside, release = threading.Event(), threading.Event()

    def job() -> None:
        with full_collections_held():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=job)
    thread.start()
    assert inside.wait(5)
    with full_collections_held():
        pass
    assert gc.get_threshold()[2] > 1_000_000  # the other job still holds them off
    release.set()
    thread.join()
    assert gc.get_threshold() == before
