"""One row against the contract: what rejects it, what is dropped from it, what lands."""

from __future__ import annotations

import pytest

from app.ingest.extract import SourceRow
from app.ingest.rows import CleanRow, Problem, clean


def row(**fields: str) -> SourceRow:
    return SourceRow(line=2, fields={"source_person_id": "P1", **fields})


@pytest.mark.parametrize("given, family", [("Зорка", ""), ("", "李"), ("Mr", ""), ("---", "")])
def test_a_name_that_cleans_to_nothing_is_still_a_name_and_lands_as_recorded(given: str, family: str) -> None:
    cleaned = clean(row(given_name=given, family_name=family))
    assert isinstance(cleaned, CleanRow)
    assert (cleaned.given_name, cleaned.family_name) == (given, family)


@pytest.mark.parametrize("given, family", [("", ""), ("  ", "\t"), (" ", "")])
def test_a_row_with_neither_name_is_rejected(given: str, family: str) -> None:
    assert clean(row(given_name=given, family_name=family)) == Problem(
        2, "given_name", "neither given_name nor family_name is given")


@pytest.mark.parametrize("name", ["date_of_birth", "involvement_start", "last_contact"])
def test_a_date_in_d_m_yyyy_form_is_dropped_with_a_warning_and_the_row_lands(name: str) -> None:
    cleaned = clean(row(given_name="Amy", **{name: "1/2/2020"}))
    assert isinstance(cleaned, CleanRow)
    assert cleaned.date_of_birth is None and cleaned.involvement["start"] is cleaned.involvement["last_contact"] is None
    assert cleaned.dropped == [Problem(2, name, "not a date in YYYY-MM-DD or DD/MM/YYYY form")]


def test_a_uprn_of_more_than_12_digits_is_dropped_even_when_its_leading_digits_are_zeros() -> None:
    cleaned = clean(row(given_name="Amy", address_line_1="14 Park Road", uprn="000000000000123"))
    assert isinstance(cleaned, CleanRow) and cleaned.address is not None
    assert cleaned.address["uprn"] == ""
    assert cleaned.dropped == [Problem(2, "uprn", "a UPRN is a number of up to 12 digits, not zero")]
