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
