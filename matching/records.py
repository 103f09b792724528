"""What the matcher sees of a source record: every name variant, date, number and address.

A record folds all the rows an agency sent under one ``source_person_id``, so it carries
several variants of each field and comparisons take the best agreement between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from matching.normalise import is_placeholder_dob, is_placeholder_nhs_number


@dataclass(frozen=True)
class NameVariant:
    given: str  # cleaned by normalise.clean_name
    middle: str
    family: str


@dataclass(frozen=True)
class RecordAddress:
    postcode: str
    uprn: str
    flat: str
    number: str
    building: str
    street: str
    town: str


@dataclass(frozen=True)
class MatchRecord:
    record_id: str  # "AGENCY:source_person_id"
    agency: str
    names: tuple[NameVariant, ...]
    dobs: tuple[date, ...]
    sex: str | None
    nhs_numbers: tuple[str, ...]
    addresses: tuple[RecordAddress, ...]


def usable_dobs(record: MatchRecord) -> tuple[date, ...]:
    """Dates of birth worth comparing: placeholders some systems write are treated as missing."""
    return tuple(d for d in record.dobs if not is_placeholder_dob(d))


def usable_nhs_numbers(record: MatchRecord) -> tuple[str, ...]:
    """NHS numbers worth comparing: a placeholder is stored as the agency sent it, never compared."""
    return tuple(n for n in record.nhs_numbers if not is_placeholder_nhs_number(n))
