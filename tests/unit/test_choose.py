"""Which of a person's recorded values the API shows."""

from __future__ import annotations

from datetime import date

from matching.normalise import is_placeholder_dob, is_placeholder_nhs_number
from resolvers.choose import preferred


def test_the_most_common_value_is_shown_ties_going_to_the_newest_record() -> None:
    records = [{"nhs_numbers": ["4010232137"], "updated": "2026-01-02"}, {"nhs_numbers": ["9434765919"], "updated": "2025"},
               {"nhs_numbers": ["9434765919"], "updated": "2024"}]
    assert preferred(records, lambda r: r["nhs_numbers"]) == "9434765919"
    assert preferred(records[:2], lambda r: r["nhs_numbers"]) == "4010232137"


def test_a_placeholder_is_shown_only_when_nothing_else_is_recorded() -> None:
    """Found by QA: two records holding 2222222222 outvoted the real number of a third."""
    records = [{"nhs_numbers": ["2222222222"], "dobs": [date(1900, 1, 1)], "updated": "2026"},
               {"nhs_numbers": ["2222222222"], "dobs": [date(1900, 1, 1)], "updated": "2026"},
               {"nhs_numbers": ["9434765919"], "dobs": [date(2012, 3, 4)], "updated": "2024"}]
    assert preferred(records, lambda r: r["nhs_numbers"], is_placeholder_nhs_number) == "9434765919"
    assert preferred(records, lambda r: r["dobs"], is_placeholder_dob) == date(2012, 3, 4)
    assert preferred(records[:2], lambda r: r["nhs_numbers"], is_placeholder_nhs_number) == "2222222222"
