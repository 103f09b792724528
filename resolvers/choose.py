"""Which of a person's recorded values to show: the most common across its records, ties
going to the most recently updated record (a person's records rarely disagree, and when
they do the newest is likeliest to be corrected)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Callable, Iterable, Sequence, TypeVar

T = TypeVar("T")

BANDS: tuple[tuple[int, str], ...] = (
    (5, "0-4"), (11, "5-10"), (16, "11-15"), (18, "16-17"), (25, "18-24"), (35, "25-34"),
    (45, "35-44"), (55, "45-54"), (65, "55-64"),
)


def preferred(records: Sequence[dict[str, Any]], values: Callable[[dict[str, Any]], Iterable[T]],
              placeholder: Callable[[T], bool] = lambda value: False) -> T | None:
    """A placeholder (a value typed when the real one is unknown) is shown only when no record
    holds anything else."""
    counts: Counter[T] = Counter()
    recency: dict[T, str] = {}
    for record in records:
        for value in values(record):
            counts[value] += 1
            recency[value] = max(recency.get(value, ""), record.get("updated") or "")
    if not counts:
        return None
    return max(counts, key=lambda v: (not placeholder(v), counts[v], recency[v], str(v)))


def display_name(variant: str | None) -> str | None:
    """``given|middle|family`` as one display string."""
    if not variant:
        return None
    return " ".join(part for part in variant.split("|") if part) or None


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    return next((label for limit, label in BANDS if age < limit), "65+")
