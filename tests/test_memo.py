"""The memo every kept answer lives in (`torget.memo`): an answer missing under its key is made
once, however many threads ask for it at the same moment (issue 21)."""

from __future__ import annotations

import threading
import time

import pytest

from torget.memo import Memo


def test_callers_asking_together_for_a_missing_answer_share_one_making() -> None:
    memo: Memo[str] = Memo(4)
    made: list[int] = []
    started, release = threading.Event(), threading.Event()

    def answer() -> str:
        made.append(1)
        started.set()
        assert release.wait(30)
        return "svar"

    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(memo.get("k", answer)))
               for _ in range(8)]  # fmt: skip
    threads[0].start()
    assert started.wait(30)
    for thread in threads[1:]:
        thread.start()
    deadline = time.monotonic() + 30
    while not _all_in(memo, made) and time.monotonic() < deadline:
        time.sleep(0.001)
    release.set()
    for thread in threads:
        thread.join(30)
    assert got == ["svar"] * 8 and len(made) == 1


def _all_in(memo: Memo[str], made: list[int]) -> bool:
    """Whether all 8 callers are waiting for the making, or (without sharing) making it."""
    making = getattr(memo, "_making", {}).get("k")
    return len(made) == 8 or (making is not None and making.callers == 8)


def test_a_stale_answer_is_made_again_once_and_a_failed_making_is_tried_again() -> None:
    memo: Memo[int] = Memo(4)
    version = [1]
    assert memo.get("k", lambda: version[0]) == 1
    version[0] = 2
    assert memo.get("k", lambda: version[0], current=lambda kept: kept == 2) == 2

    def fails() -> int:
        raise LookupError("not there")

    for _ in range(2):  # nothing kept, nothing left behind
        with pytest.raises(LookupError):
            memo.get("gone", fails)
    assert memo.peek("gone") is None and memo._making == {}
    memo.get("a", lambda: 1), memo.get("b", lambda: 2), memo.get("c", lambda: 3)
    memo.get("d", lambda: 4)  # the bound: the oldest is forgotten
    assert memo.peek("k") is None and memo.peek("d") == 4
