"""Slips in typing that the resolver reads as one person, and look-alikes it must not."""

from __future__ import annotations

from tests.unit.test_matching import ROBERT, level_names, rec


def test_a_street_one_slip_away_at_the_same_number_is_the_same_street() -> None:
    assert level_names(ROBERT, rec("B:1", "x", "y", number="14", street="prak road"))["address"] == "number and street"
    assert level_names(ROBERT, rec("B:1", "x", "y", number="14", street="park raod"))["address"] == "number and street"


def test_a_street_more_than_one_slip_away_or_another_number_is_not() -> None:
    assert level_names(ROBERT, rec("B:1", "x", "y", number="16", street="prak road"))["address"] == "different"
    assert level_names(ROBERT, rec("B:1", "x", "y", number="14", street="park row"))["address"] == "different"
    # In another postcode district a street one letter away is another street.
    assert level_names(ROBERT, rec("B:1", "x", "y", "", "", "BD3 1AA", "14", "bark road"))["address"] == "different"
