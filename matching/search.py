"""How well one source record answers a search: a small, pure score in [0, 1].

Kept apart from the resolver's model so a search stays explainable and fast: names by
Jaro-Winkler on cleaned tokens and nickname roots, dates of birth exact / day-month
transposed / one part off, NHS number exact, postcode full / sector / outward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

from rapidfuzz.distance import JaroWinkler

from matching.normalise import clean_name, given_name_roots

WEIGHTS = {"name": 0.45, "dob": 0.3, "nhs": 0.15, "postcode": 0.1}
JW_FLOOR = 0.6


@dataclass(frozen=True)
class SearchQuery:
    """What the caller gave, already normalised exactly as ingestion normalises records."""

    name_tokens: tuple[str, ...] = ()
    dob: date | None = None
    nhs_number: str | None = None
    postcode: str | None = None
    postcode_sector: str | None = None
    postcode_outward: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.name_tokens or self.dob or self.nhs_number or self.postcode)

    @property
    def parts(self) -> frozenset[str]:
        """The parts ``score`` compares: only the fields the caller gave."""
        given = (("name", self.name_tokens), ("dob", self.dob), ("nhs", self.nhs_number), ("postcode", self.postcode))
        return frozenset(part for part, value in given if value)


class Candidate(NamedTuple):
    """One source record as stored: name variants (``given|middle|family``), sets and postcodes.
    A tuple, since a search builds a couple of hundred and a frozen dataclass costs twice as much."""

    record_id: str
    person_id: str
    name_variants: Sequence[str] = ()
    dobs: Sequence[date] = ()
    nhs_numbers: Sequence[str] = ()
    postcodes: Sequence[str] = ()


@dataclass(frozen=True)
class Scored:
    person_id: str
    record_id: str
    score: float
    parts: dict[str, float] = field(default_factory=dict)


def name_tokens(text: str) -> tuple[str, ...]:
    return tuple(clean_name(text).split())


# A search ranks a couple of hundred candidates that share most of their tokens (the same
# surname, the same few given names), so token pairs and variant splits are memoised.
@lru_cache(maxsize=1 << 16)
def _similar(a: str, b: str) -> float:
    """Jaro-Winkler rescaled so unrelated names score near 0 (raw JW gives them ~0.6), with a
    nickname and its formal name (same root) counting as equal."""
    if a == b or given_name_roots(a) & given_name_roots(b):
        return 1.0
    return max(0.0, (JaroWinkler.similarity(a, b) - JW_FLOOR) / (1 - JW_FLOOR))


@lru_cache(maxsize=1 << 16)
def _variant_tokens(variant: str) -> tuple[str, ...]:
    return tuple(clean_name(variant.replace("|", " ")).split())


@lru_cache(maxsize=1 << 16)
def _variant_fit(query: tuple[str, ...], variant: str) -> tuple[float, int]:
    """(score, literalness). The score matches each query token to its best token of the
    variant, order free, so swaps still match. Literalness breaks ties between equal scores:
    query tokens the variant spells exactly, less variant tokens the query did not name, so
    that for "john smith" a John Smith leads a Jack Smith and a John Paul Smith. Memoised:
    a search's candidates often repeat a name, and popular searches repeat."""
    tokens = _variant_tokens(variant)
    if not tokens:
        return 0.0, 0
    value = sum(max(_similar(q, t) for t in tokens) for q in query) / len(query)
    return value, sum(q in tokens for q in query) - sum(t not in query for t in tokens)


def _name_fit(query: Sequence[str], variants: Iterable[str]) -> tuple[float, int]:
    tokens = tuple(query)
    return max((_variant_fit(tokens, v) for v in variants), default=(0.0, 0))


def name_score(query: Sequence[str], variants: Iterable[str]) -> float:
    return _name_fit(query, variants)[0] if query else 0.0


def dob_score(query: date, dobs: Iterable[date]) -> float:
    """Exact 1; day and month transposed 0.8; exactly one of day/month/year off by a digit or one 0.6."""
    best = 0.0
    for d in dobs:
        if d == query:
            return 1.0
        if (d.year, d.month, d.day) == (query.year, query.day, query.month):
            best = max(best, 0.8)
        elif sum(a != b for a, b in zip((d.year, d.month, d.day), (query.year, query.month, query.day))) == 1:
            if _one_off(d, query):
                best = max(best, 0.6)
    return best


def _one_off(a: date, b: date) -> bool:
    pairs = ((a.year, b.year), (a.month, b.month), (a.day, b.day))
    x, y = next((p, q) for p, q in pairs if p != q)
    if abs(x - y) == 1:
        return True
    sx, sy = f"{x:02d}", f"{y:02d}"
    return len(sx) == len(sy) and sum(c != d for c, d in zip(sx, sy)) == 1


def postcode_score(query: SearchQuery, postcodes: Iterable[str]) -> float:
    """Full postcode 1; same sector (e.g. ``LS6 2``) 0.5; same outward code 0.3."""
    best = 0.0
    for postcode in postcodes:
        if postcode == query.postcode:
            return 1.0
        if query.postcode_sector and postcode[:-2] == query.postcode_sector:
            best = max(best, 0.5)
        elif query.postcode_outward and postcode.split(" ")[0] == query.postcode_outward:
            best = max(best, 0.3)
    return best


def score(query: SearchQuery, candidate: Candidate) -> Scored:
    """Weighted mean over the fields the caller gave; an exact NHS number is near-certain on its own."""
    value, _, parts = _weighted(query, candidate)
    return Scored(candidate.person_id, candidate.record_id, value, parts)


def _weighted(query: SearchQuery, candidate: Candidate) -> tuple[float, int, dict[str, float]]:
    """(score, name literalness, parts)."""
    parts: dict[str, float] = {}
    literal = 0
    if query.name_tokens:
        parts["name"], literal = _name_fit(query.name_tokens, candidate.name_variants)
    if query.dob:
        parts["dob"] = dob_score(query.dob, candidate.dobs)
    if query.nhs_number:
        parts["nhs"] = 1.0 if query.nhs_number in candidate.nhs_numbers else 0.0
    if query.postcode:
        parts["postcode"] = postcode_score(query, candidate.postcodes)
    weights = [WEIGHTS[k] for k in parts]
    total = sum(weights)
    value = sum([w * v for w, v in zip(weights, parts.values())]) / total if total else 0.0
    if parts.get("nhs") == 1.0:
        value = max(value, 0.95)
    return round(value, 4), literal, parts


def rank(query: SearchQuery, candidates: Iterable[Candidate], first: int, floor: float = 0.5) -> list[Scored]:
    """Best score per person, best first; equal scores go to the name spelt most literally as
    typed, then by person id so pages are stable. Only each person's best candidate becomes a
    ``Scored`` (a search ranks up to a couple of hundred)."""
    best: dict[str, tuple[float, int, Candidate, dict[str, float]]] = {}
    for candidate in candidates:
        value, literal, parts = _weighted(query, candidate)
        held = best.get(candidate.person_id)
        if value >= floor and (held is None or (value, literal) > held[:2]):
            best[candidate.person_id] = (value, literal, candidate, parts)
    ordered = sorted(best.values(), key=lambda b: (-b[0], -b[1], b[2].person_id))[:first]
    return [Scored(c.person_id, c.record_id, value, parts) for value, _, c, parts in ordered]
