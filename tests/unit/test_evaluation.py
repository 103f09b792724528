"""Evaluation numbers on hand-made cases, worked out by hand in the comments."""

from __future__ import annotations

import pytest

from matching.evaluation import evaluate


def keys(*names: str) -> list[tuple[str, str]]:
    return [(name[0], name) for name in names]  # agency = first letter


def test_perfect_resolution_scores_one() -> None:
    truth = dict(zip(keys("a1", "b1", "c1"), ["x", "x", "y"]))
    result = evaluate(truth, {k: v.upper() for k, v in truth.items()})
    assert (result.pairwise.f1, result.bcubed.f1) == (1.0, 1.0)
    assert result.worst_false_merges == [] and result.worst_misses == []


def test_a_false_merge() -> None:
    # truth: {a1, b1} {c1}; predicted: {a1, b1, c1}.
    # predicted pairs 3, true pairs 1, correct 1 -> P 1/3, R 1, F1 = 2*(1/3)/(4/3) = 0.5.
    # B-cubed precision: a1 2/3, b1 2/3, c1 1/3 -> 5/9; recall 1.
    truth = dict(zip(keys("a1", "b1", "c1"), ["x", "x", "y"]))
    result = evaluate(truth, {k: "P" for k in truth})
    assert result.pairwise.precision == pytest.approx(1 / 3)
    assert result.pairwise.recall == 1.0
    assert result.pairwise.f1 == pytest.approx(0.5)
    assert result.bcubed.precision == pytest.approx(5 / 9)
    assert result.bcubed.recall == 1.0
    assert result.worst_false_merges == [("P", 2)]


def test_a_missed_match_and_a_record_missing_from_the_links() -> None:
    # truth: {a1, b1, c1}; predicted: {a1, b1}, c1 absent (a singleton).
    # true pairs 3, predicted 1, correct 1 -> P 1, R 1/3, F1 0.5.
    # B-cubed recall: a1 2/3, b1 2/3, c1 1/3 -> 5/9; precision 1.
    truth = dict(zip(keys("a1", "b1", "c1"), ["x", "x", "x"]))
    result = evaluate(truth, {("a", "a1"): "P", ("b", "b1"): "P"})
    assert (result.pairwise.precision, result.pairwise.recall) == (1.0, pytest.approx(1 / 3))
    assert result.bcubed.recall == pytest.approx(5 / 9)
    assert result.missing_from_links == 1
    assert result.worst_misses == [("x", 2)]


def test_breakdown_by_agency_pair() -> None:
    # truth: {a1, b1, b2}; predicted {a1, b1} {b2}.
    # (a, b): true pairs a1-b1, a1-b2 = 2; predicted a1-b1 = 1, correct 1 -> P 1, R 0.5.
    # (b, b): true b1-b2 = 1; predicted 0 -> P 1 (nothing claimed), R 0.
    truth = dict(zip(keys("a1", "b1", "b2"), ["x", "x", "x"]))
    result = evaluate(truth, {("a", "a1"): "P", ("b", "b1"): "P", ("b", "b2"): "Q"})
    assert result.by_agency_pair[("a", "b")].precision == 1.0
    assert result.by_agency_pair[("a", "b")].recall == 0.5
    assert result.by_agency_pair[("b", "b")].recall == 0.0
    assert ("a", "a") not in result.by_agency_pair


def test_blocking_recall_is_the_share_of_true_pairs_generated() -> None:
    import numpy as np

    from matching.evaluation import blocking_recall

    # x is records 0-2, y is 3-4: four true pairs; two of them generated, and one false pair
    found = blocking_recall(["x", "x", "x", "y", "y"], np.array([0, 1, 0]), np.array([1, 3, 2]))
    assert found == 0.5
