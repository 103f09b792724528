"""Address entities: what is one place and what is not."""

from __future__ import annotations

from matching.addresses import SourceAddressParts, address_clusters


def a(id: str, uprn: str = "", flat: str = "", number: str = "14", building: str = "",
      street: str = "park road", postcode: str = "LS6 2AB", town: str = "leeds") -> SourceAddressParts:
    return SourceAddressParts(id, uprn, flat, number, building, street, postcode, town)


def groups(*addresses: SourceAddressParts) -> set[frozenset[str]]:
    return {frozenset(c) for c in address_clusters(addresses)}


def test_a_shared_uprn_joins_even_different_text() -> None:
    assert groups(a("1", uprn="100"), a("2", uprn="100", street="parks road", postcode="")) == {frozenset({"1", "2"})}


def test_same_parts_join_a_uprn_address_with_one_given_without() -> None:
    assert groups(a("1", uprn="100"), a("2")) == {frozenset({"1", "2"})}


def test_street_typo_in_the_same_postcode_and_number_joins() -> None:
    assert groups(a("1"), a("2", street="prak road")) == {frozenset({"1", "2"})}


def test_flats_stay_apart_from_each_other_and_the_building() -> None:
    assert groups(a("1", flat="1"), a("2", flat="2"), a("3")) == {frozenset({"1"}), frozenset({"2"}), frozenset({"3"})}


def test_different_numbers_or_postcodes_stay_apart() -> None:
    assert groups(a("1"), a("2", number="16"), a("3", postcode="LS6 3CD")) == {frozenset({"1"}), frozenset({"2"}), frozenset({"3"})}


def test_an_address_with_only_a_town_is_its_own_place() -> None:
    assert groups(a("1", number="", street="", postcode=""), a("2", number="", street="", postcode="")) == {
        frozenset({"1"}), frozenset({"2"})
    }
