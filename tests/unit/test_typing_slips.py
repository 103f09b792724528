"""Slips in typing that the resolver reads as one person, and look-alikes it must not."""

from __future__ import annotations

from datetime import date

from tests.unit.test_matching import ROBERT, level_names, rec


def test_a_street_one_slip_away_at_the_same_number_is_the_same_street() -> None:
    assert level_names(ROBERT, rec("B:1", "x", "y", number="14", street="prak road"))["address"] == "number and street"
    assert level_names(ROBERT, rec("B:1", "x", "y", number="14", street="park raod"))["address"] == "number and street"


def test_a_street_more_than_one_slip_away_or_another_number_is_not() -> None:
    assert level_names(ROBERT, rec("B:1", "x", "y", number="16", street="prak road"))["address"] == "different"
    assert level_names(ROBERT, rec("B:1", "x", "y", number="14", street="park row"))["address"] == "different"
    # In another postcode district a street one letter away is another street.
    assert level_names(ROBERT, rec("B:1", "x", "y", "", "", "BD3 1AA", "14", "bark road"))["address"] == "different"


def test_two_neighbouring_year_digits_swapped_is_a_slip_not_another_person() -> None:
    from matching.cluster import conflict

    assert level_names(ROBERT, rec("B:1", "robert", "smith", date(1908, 3, 4)))["dob"] == "transposed or one off"
    born = rec("A:1", "robert", "smith", date(1986, 3, 4))
    assert not conflict(born, rec("B:1", "robert", "smith", date(1968, 3, 4)))
    # A year one digit out stays a conflict: namesakes sharing a birthday are born in one era.
    assert conflict(born, rec("B:1", "robert", "smith", date(1996, 3, 4)))
    # Swapped with another slip as well: years apart and two keystrokes off.
    assert conflict(born, rec("B:1", "robert", "smith", date(1968, 4, 3)))


def test_a_swap_within_the_day_is_not_a_slip() -> None:
    # The 12th and the 21st: namesakes born nine days apart are common, so no near level.
    a, b = rec("A:1", "a", "b", date(1980, 3, 12)), rec("B:1", "a", "b", date(1980, 3, 21))
    assert level_names(a, b)["dob"] == "same year"
