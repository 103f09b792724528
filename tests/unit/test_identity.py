"""Stable Person ids through merges and splits."""

from __future__ import annotations

import itertools

from matching.identity import assign_ids


def ids(prefix: str = "N"):  # type: ignore[no-untyped-def]
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter)}"


def test_first_run_creates_an_id_per_cluster() -> None:
    changes = assign_ids([["a", "b"], ["c"]], {}, {}, ids())
    assert changes.assignment == {"a": "N1", "b": "N1", "c": "N2"}
    assert changes.created == ["N1", "N2"]


def test_ids_stay_while_records_stay_together_and_grow() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    changes = assign_ids([["a", "b", "d"], ["c"]], previous, {"P1": 1, "P2": 2}, ids())
    assert changes.assignment == {"a": "P1", "b": "P1", "d": "P1", "c": "P2"}
    assert not (changes.created or changes.merged or changes.split_from)


def test_a_merge_keeps_the_older_id_and_redirects_the_other() -> None:
    previous = {"a": "P1", "b": "P2"}
    changes = assign_ids([["a", "b"]], previous, {"P1": "2024-05-01", "P2": "2024-01-01"}, ids())
    assert changes.assignment == {"a": "P2", "b": "P2"}
    assert changes.merged == {"P1": "P2"}


def test_a_split_keeps_the_id_on_the_larger_part() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P1"}
    changes = assign_ids([["c"], ["a", "b"]], previous, {"P1": 1}, ids())
    assert changes.assignment == {"a": "P1", "b": "P1", "c": "N1"}
    assert changes.split_from == {"N1": "P1"}


def test_an_even_split_gives_the_id_to_the_part_no_other_id_claims() -> None:
    """A reviewer's 'same' moved b from P1 to P2; undoing it leaves P2 split evenly between
    {a, b} and {c}. P2 must stay with c, its own person, not move onto a (P1's person)."""
    previous = {"a": "P1", "b": "P2", "c": "P2"}
    changes = assign_ids([["a", "b"], ["c"]], previous, {"P1": 2, "P2": 1}, ids())
    assert changes.assignment == {"a": "P1", "b": "P1", "c": "P2"}
    assert not (changes.created or changes.merged or changes.split_from)
    # With no part free of other ids, the smallest first record decides, as before.
    changes = assign_ids([["a", "b"], ["c", "d"]], {"a": "P1", "b": "P2", "c": "P2", "d": "P3"},
                         {"P1": 2, "P2": 1, "P3": 3}, ids())
    assert changes.assignment["a"] == "P2" and changes.merged == {"P1": "P2"}


def test_undoing_a_merge_leaves_the_surviving_id_on_the_records_it_began_with() -> None:
    """P1 survived a reviewer's wrong 'same' with P2's records; undone, P1 stays with its own
    record however the ids sort or the parts weigh, and P2's records get a new id."""
    first = {"a": "P2", "z": "P1"}
    changes = assign_ids([["a"], ["z"]], {"a": "P1", "z": "P1"}, {"P1": 1}, ids(), founders=first)
    assert changes.assignment == {"z": "P1", "a": "N1"} and changes.split_from == {"N1": "P1"}
    first = {"a": "P1", "b": "P2", "c": "P2"}  # the larger part is P2's
    changes = assign_ids([["a"], ["b", "c"]], {"a": "P1", "b": "P1", "c": "P1"}, {"P1": 1}, ids(), founders=first)
    assert changes.assignment == {"a": "P1", "b": "N1", "c": "N1"}


def test_an_id_stays_with_the_records_it_was_created_with_when_later_ones_split_off() -> None:
    """N was created for a (split off earlier); b and c, created under M, were merged into N.
    Split again, N stays with a although the other part is larger; and records that joined N
    without founding it (d) count only by number."""
    previous = {"a": "N", "b": "N", "c": "N", "d": "N"}
    changes = assign_ids([["a"], ["b", "c", "d"]], previous, {"N": 1}, ids(), founders={"a": "N", "b": "M", "c": "M"})
    assert changes.assignment["a"] == "N" and changes.assignment["b"] == "N1"


def test_a_person_whose_records_all_went_is_reported_emptied() -> None:
    changes = assign_ids([["b"]], {"a": "P1", "b": "P2"}, {"P1": 1, "P2": 2}, ids())
    assert changes.assignment == {"b": "P2"} and changes.emptied == ["P1"]


def test_split_then_merge_in_one_run() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P1", "d": "P2"}
    changes = assign_ids([["a", "b"], ["c", "d"]], previous, {"P1": 1, "P2": 2}, ids())
    assert changes.assignment == {"a": "P1", "b": "P1", "c": "P2", "d": "P2"}
    assert not changes.merged and not changes.created
