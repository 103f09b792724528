"""Normalisation on real-world forms: the same person typed many ways gives the same values."""

from __future__ import annotations

from datetime import date

import pytest

from matching import normalise as n


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("Zoë", "zoe"), ("ŁUKASZ", "lukasz"), ("Bjørn", "bjorn"), ("O'Brien", "obrien"), ("O’Neill", "oneill"),
        ("Mrs Jane Smith", "jane smith"), ("DR. Amir  Khan", "amir khan"), ("Smith-Jones", "smith jones"),
        ("  mary-anne ", "mary anne"), ("Jean-Luc", "jean luc"), (None, ""), ("   ", ""), ("Mr", ""),
        ("Strauß", "strauss"), ("Renée", "renee"), ("st. john", "st john"),
    ],
)
def test_clean_name(raw: str | None, cleaned: str) -> None:
    assert n.clean_name(raw) == cleaned


@pytest.mark.parametrize(
    "raw, parts",
    [
        ("Smith-Jones", ("smith", "jones")), ("Bonham Carter", ("bonham", "carter")), ("O'Neill", ("oneill",)),
        ("van der Berg", ("vanderberg",)), ("De Souza", ("desouza",)), ("", ()),
    ],
)
def test_family_name_parts(raw: str, parts: tuple[str, ...]) -> None:
    assert n.family_name_parts(raw) == parts
    assert n.family_name_key(raw) == "".join(parts)


@pytest.mark.parametrize(
    "name, root", [("bob", "robert"), ("robert", "robert"), ("bill", "william"), ("liz", "elizabeth"),
                   ("peggy", "margaret"), ("jim", "james"), ("zebedee", "zebedee")],
)
def test_given_name_root(name: str, root: str) -> None:
    assert n.given_name_root(name) == root


def test_ambiguous_nicknames_keep_every_root() -> None:
    assert n.given_name_roots("alex") == {"alexander", "alexandra"}
    assert n.given_name_roots("sam") == {"samuel", "samantha"}
    assert n.given_name_key("Mr Bob Smith") == "bob"


def test_phonetic_key_brings_spelling_variants_together() -> None:
    assert n.phonetic_key("smith") == n.phonetic_key("smyth")
    assert n.phonetic_key("smith") != n.phonetic_key("jones")


@pytest.mark.parametrize(
    "raw, parsed",
    [("2010-03-04", date(2010, 3, 4)), ("04/03/2010", date(2010, 3, 4)), ("4/3/2010", date(2010, 3, 4)),
     ("2024-02-29", date(2024, 2, 29)), (" 2010-03-04 ", date(2010, 3, 4)), ("", None), (None, None)],
)
def test_parse_date_accepts_the_contract_forms(raw: str | None, parsed: date | None) -> None:
    assert n.parse_date(raw) == parsed


@pytest.mark.parametrize("raw", ["2023-02-29", "2023-02-30", "31/04/2020", "13/13/2020", "2010/03/04",
                                 "03-04-2010", "4 March 2010", "20100304", "yesterday", "04/03/10"])
def test_parse_date_refuses_other_forms_and_impossible_dates(raw: str) -> None:
    with pytest.raises(n.InvalidValue) as error:
        n.parse_date(raw)
    assert raw not in str(error.value)


@pytest.mark.parametrize("raw, sex", [("M", "M"), ("female", "F"), ("Unknown", "U"), ("x", "X"), ("", None)])
def test_normalise_sex(raw: str, sex: str | None) -> None:
    assert n.normalise_sex(raw) == sex


def test_normalise_sex_refuses_other_values() -> None:
    with pytest.raises(n.InvalidValue):
        n.normalise_sex("boy")


@pytest.mark.parametrize("raw", ["9434765919", "943 476 5919", "943-476-5919", "4010232137", " 401 023 2137 "])
def test_valid_nhs_numbers(raw: str) -> None:
    assert n.normalise_nhs_number(raw) == raw.replace(" ", "").replace("-", "")


@pytest.mark.parametrize("raw", ["9434765918", "9434765910", "943476591", "94347659190", "94347659AB", "4010232138"])
def test_invalid_nhs_numbers(raw: str) -> None:
    with pytest.raises(n.InvalidValue):
        n.normalise_nhs_number(raw)


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1,0,0,0,0,0,0,0,1: 10 + 2 = 12, 12 % 11 = 1, 11 - 1 = 10: no valid number starts this way.
    assert n.nhs_check_digit("100000001") is None


@pytest.mark.parametrize(
    "raw, full, sector",
    [("sw1a1aa", "SW1A 1AA", "SW1A 1"), (" SW1A  1AA ", "SW1A 1AA", "SW1A 1"), ("ls6 2ab", "LS6 2AB", "LS6 2"),
     ("M1 1AE", "M1 1AE", "M1 1"), ("b338th", "B33 8TH", "B33 8"), ("cr26xh", "CR2 6XH", "CR2 6"),
     ("GIR 0AA", "GIR 0AA", "GIR 0")],
)
def test_uk_postcodes(raw: str, full: str, sector: str) -> None:
    postcode = n.normalise_postcode(raw)
    assert postcode is not None and (postcode.full, postcode.sector) == (full, sector)
    assert postcode.outward == full.split()[0] == postcode.district


@pytest.mark.parametrize("raw", ["02134", "90210-1234", "K1A 0B1", "LS6", "hello", "GIR 1AA", "1AB 2CD"])
def test_non_uk_postcodes_are_refused(raw: str) -> None:
    with pytest.raises(n.InvalidValue):
        n.normalise_postcode(raw)


@pytest.mark.parametrize("raw, uprn", [("100023336956", "100023336956"), ("000012345", "12345"), ("", None)])
def test_uprn(raw: str, uprn: str | None) -> None:
    assert n.normalise_uprn(raw) == uprn


@pytest.mark.parametrize("raw", ["1000233369561", "12a", "0"])
def test_bad_uprn(raw: str) -> None:
    with pytest.raises(n.InvalidValue):
        n.normalise_uprn(raw)


@pytest.mark.parametrize(
    "line_1, line_2, flat, number, building, street",
    [
        ("Flat 2, 14 Park Road", "", "2", "14", "", "park road"),
        ("FLAT 2 14 PARK RD", "", "2", "14", "", "park road"),
        ("14 Park Road", "Flat 2", "2", "14", "", "park road"),
        ("2/14 Park Road", "", "2", "14", "", "park road"),
        ("Flat 2A, 14 Park Rd.", "", "2a", "14", "", "park road"),
        ("Apt 3, 5 High St", "", "3", "5", "", "high street"),
        ("14A Park Avenue", "", "", "14a", "", "park avenue"),
        ("14-16 Mill Ln", "", "", "14-16", "", "mill lane"),
        ("Rose Cottage, Mill Lane", "", "", "", "rose cottage", "mill lane"),
        ("Flat 3 Kings Court, 22 High St", "", "3", "22", "kings court", "high street"),
        ("Apartment 5, The Maltings, 1 Brewery Lane", "", "5", "1", "the maltings", "brewery lane"),
        ("3 St Mary's Rd", "", "", "3", "", "saint marys road"),
        ("7 Acacia Gdns", "", "", "7", "", "acacia gardens"),
    ],
)
def test_addresses(line_1: str, line_2: str, flat: str, number: str, building: str, street: str) -> None:
    parts = n.normalise_address(line_1, line_2, "Leeds", n.normalise_postcode("LS6 2AB"))
    assert (parts.flat, parts.number, parts.building, parts.street) == (flat, number, building, street)
    assert parts.postcode == "LS6 2AB" and parts.town == "leeds"


def test_two_spellings_of_one_address_share_a_key() -> None:
    postcode = n.normalise_postcode("ls62ab")
    a = n.normalise_address("Flat 2, 14 Park Road", None, "Leeds", postcode)
    b = n.normalise_address("14 PARK RD", "flat 2", "LEEDS", n.normalise_postcode("LS6 2AB"))
    assert a.key == b.key
    assert a.key != n.normalise_address("Flat 3, 14 Park Road", None, "Leeds", postcode).key
