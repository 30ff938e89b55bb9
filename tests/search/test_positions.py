"""Per-position data shared by the states of the kept index (torget.search.positions): each
state sees exactly its own documents, however many states were changed from it since."""

from __future__ import annotations

from torget.search import positions
from torget.search.positions import Positions, grown


def test_positions_after_changes_are_those_of_a_dictionary_built_again() -> None:
    read = Positions({10: 0, 11: 1, 12: 2})
    first = read.changed([11, 99], {13: 3})
    # The newest document removed and added again under its id (SQLite reuses it).
    second = first.changed([13, 12], {13: 4, 14: 5})
    assert dict(read) == {10: 0, 11: 1, 12: 2} and len(read) == 3  # never written
    assert dict(first) == {10: 0, 12: 2, 13: 3} and len(first) == 3
    assert dict(second) == {10: 0, 13: 4, 14: 5} and len(second) == 3
    assert 12 not in second and second.get(12, -1) == -1 and second.get(12) is None
    assert second[13] == 4 and 13 in second and 11 not in first
    assert second.of([10, 11, 12, 13, 14, 15]) == [0, -1, -1, 4, 5, -1]


def test_many_changes_are_folded_into_a_new_dictionary() -> None:
    state = Positions({i: i for i in range(10)})
    for n in range(positions._FOLD + 5):
        state = state.changed([n], {100_000 + n: 10 + n})
    assert len(state._moved) < positions._FOLD  # folded on the way
    assert dict(state) == {100_000 + n: 10 + n for n in range(positions._FOLD + 5)}


def test_a_grown_list_is_shared_unless_a_newer_state_grew_it_first() -> None:
    kept = ["a", "b"]
    newer = grown(kept, 2, ["c"])
    assert newer is kept and kept[:2] == ["a", "b"]
    sibling = grown(kept, 2, ["d"])  # a second state changed from the first one
    assert sibling == ["a", "b", "d"] and newer == ["a", "b", "c"]
