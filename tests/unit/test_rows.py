"""One row against the contract: what rejects it, what is dropped from it, what lands."""

from __future__ import annotations

import sys

import pytest

from app.ingest.extract import SourceRow
from app.ingest.rows import ID_MAX, NAME_MAX, POSTCODE_MAX, CleanRow, Problem, clean, derived_involvement_id
from matching.normalise import clean_name


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


def test_a_json_field_that_is_not_text_is_dropped_with_its_reason_and_the_row_lands() -> None:
    source = SourceRow(line=3, fields={"source_person_id": "P1", "given_name": "Amy"},
                       not_text={"town": "a JSON array, not text", "status": "a JSON true or false, not text"})
    cleaned = clean(source)
    assert isinstance(cleaned, CleanRow)
    assert cleaned.dropped == [Problem(3, "town", "a JSON array, not text"),
                               Problem(3, "status", "a JSON true or false, not text")]
    assert "status" in cleaned.involvement_unsaid  # a dropped value keeps what is stored, as in CSV


@pytest.mark.parametrize("field, expected", [
    ("source_person_id", Problem(3, "source_person_id", "a JSON object, not text")),
    ("given_name", Problem(3, "given_name", "a JSON object, not text, and no other name is given"))])
def test_a_json_id_or_only_name_that_is_not_text_rejects_the_row_with_that_reason(field: str,
                                                                                  expected: Problem) -> None:
    fields = {"source_person_id": "P1", "given_name": "Amy"}
    del fields[field]
    assert clean(SourceRow(line=3, fields=fields, not_text={field: "a JSON object, not text"})) == expected


def test_a_uprn_of_more_than_12_digits_is_dropped_even_when_its_leading_digits_are_zeros() -> None:
    cleaned = clean(row(given_name="Amy", address_line_1="14 Park Road", uprn="000000000000123"))
    assert isinstance(cleaned, CleanRow) and cleaned.address is not None
    assert cleaned.address["uprn"] == ""
    assert cleaned.dropped == [Problem(2, "uprn", "a UPRN is a number of up to 12 digits, not zero")]


# Neo4j 5 indexes a string of 8,150 bytes and refuses one of 8,167 (measured).
INDEXABLE_BYTES = 8150


def _longest_token(name: str) -> int:
    return max(map(len, clean_name(name).split()), default=0)


def test_no_name_within_the_limit_cleans_to_a_token_neo4j_cannot_index() -> None:
    """One character cleans to a word of at most 17 letters (a transliterated Bamum syllable), so a
    name of NAME_MAX of them still makes a token Neo4j can index."""
    widest = max((chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000), key=_longest_token)
    assert _longest_token(widest) == 17
    assert max(len(t.encode()) for t in clean_name(widest * NAME_MAX).split()) <= INDEXABLE_BYTES


@pytest.mark.parametrize("name", ["given_name", "middle_names", "family_name"])
def test_a_value_too_long_to_be_a_name_is_dropped_with_a_warning(name: str) -> None:
    cleaned = clean(row(**{"given_name": "Amy", "family_name": "Jones", name: "x" * (NAME_MAX + 1)}))
    assert isinstance(cleaned, CleanRow)
    assert getattr(cleaned, name) == ""
    assert cleaned.dropped == [Problem(2, name, f"longer than {NAME_MAX} characters: too long to be a name")]
    kept = clean(row(**{"given_name": "Amy", "family_name": "Jones", name: "x" * NAME_MAX}))
    assert isinstance(kept, CleanRow) and getattr(kept, name) == "x" * NAME_MAX and not kept.dropped


def test_a_row_whose_only_name_is_too_long_is_rejected_saying_so() -> None:
    assert clean(row(given_name="x" * 12_000)) == Problem(
        2, "given_name", f"longer than {NAME_MAX} characters: too long to be a name, and no other name is given")


def test_an_overlong_source_person_id_rejects_the_row() -> None:
    assert clean(SourceRow(2, {"source_person_id": "1" * (ID_MAX + 1), "given_name": "Amy"})) == Problem(
        2, "source_person_id", f"longer than {ID_MAX} characters: too long to be an identifier")


def test_an_overlong_involvement_id_is_dropped_and_the_id_derived() -> None:
    cleaned = clean(row(given_name="Amy", involvement_id="i" * (ID_MAX + 1), involvement_type="Visit"))
    assert isinstance(cleaned, CleanRow)
    assert cleaned.involvement["source_id"] == derived_involvement_id("P1", "Visit", None)
    assert cleaned.dropped == [Problem(2, "involvement_id", f"longer than {ID_MAX} characters: too long to be an identifier")]


def test_an_overlong_postcode_is_dropped_rather_than_kept_as_flagged_text() -> None:
    cleaned = clean(row(given_name="Amy", address_line_1="14 Park Road", postcode="Z" * (POSTCODE_MAX + 1)))
    assert isinstance(cleaned, CleanRow) and cleaned.address is not None
    assert (cleaned.address["postcode"], cleaned.address["postcode_flagged"]) == ("", False)
    assert cleaned.dropped == [Problem(2, "postcode", f"longer than {POSTCODE_MAX} characters: too long to be a postcode")]


def test_a_value_that_is_not_valid_unicode_is_dropped_with_a_warning() -> None:
    cleaned = clean(row(given_name="Amy", family_name="Jo\ud800nes", lead_name="\udfff"))
    assert isinstance(cleaned, CleanRow)
    assert (cleaned.family_name, cleaned.involvement["lead_name"]) == ("", "")
    assert cleaned.dropped == [Problem(2, "family_name", "not valid Unicode text"),
                               Problem(2, "lead_name", "not valid Unicode text")]


def test_a_row_whose_id_or_only_name_is_not_valid_unicode_is_rejected() -> None:
    assert clean(SourceRow(2, {"source_person_id": "P\ud800", "given_name": "Amy"})) == Problem(
        2, "source_person_id", "not valid Unicode text")
    assert clean(row(given_name="\ud800", lead_name="\ud800")) == Problem(
        2, "given_name", "not valid Unicode text, and no other name is given")
