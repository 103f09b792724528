"""A Fellegi-Sunter match model whose parameters come from the data, without labels.

u (how often a level occurs between two random records) is counted on random pairs; m
(how often it occurs between records of one person) on pairs the other fields vouch for;
and the chance that two random records match by expectation-maximisation over the
candidate pairs, so that the match probability is calibrated whatever the data's size. An exact
surname or given name counts for more when the name is rare: its u is the name's own
frequency rather than the average.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from matching.compare import FIELDS, LEVELS, RecordFeatures, compare
from matching.records import MatchRecord

EM_ITERATIONS = 100
RANDOM_PAIRS = 200_000
ADDRESS_OTHER_SURNAME = "address_other_surname"  # a key of ModelParams.u, beside FIELDS
_FLOOR = 1e-6
_MIN_PRIOR = 1e-12


@dataclass
class ModelParams:
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float

    def to_dict(self) -> dict[str, Any]:
        return {"m": self.m, "u": self.u, "prior": self.prior}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelParams":
        return cls(m={k: list(v) for k, v in data["m"].items()}, u={k: list(v) for k, v in data["u"].items()},
                   prior=float(data["prior"]))

    def level_weights(self) -> list[np.ndarray]:
        """log2(m/u) per field and level; level 0 (missing) weighs nothing."""
        weights = []
        for name in FIELDS:
            m, u = np.maximum(self.m[name], _FLOOR), np.maximum(self.u[name], _FLOOR)
            w = np.log2(m / u)
            w[0] = 0.0
            weights.append(w)
        return weights


def _distribution(column: np.ndarray, levels: int, weights: np.ndarray | None = None) -> list[float]:
    counts = np.bincount(column, weights=weights, minlength=levels).astype(float)
    counts[0] = 0.0
    counts[1:] += 0.5  # smoothing: no level is ever impossible
    return list(counts / counts.sum())


def estimate_u(features: RecordFeatures, records: Sequence[MatchRecord], seed: int = 0) -> dict[str, list[float]]:
    """u from random pairs; the address's u from random pairs that share a surname only.

    Relatives share surname and address together, so among candidates (which share a
    surname) an address agreement is far less telling than among random pairs. Pairs whose
    given names also agree are left out of that sample: where many records are duplicates,
    they are mostly one person and would make a shared address look common among strangers.
    The address's u among random pairs is kept too, as ``ADDRESS_OTHER_SURNAME``, for
    pairs whose surnames differ (``address_adjustment``).
    """
    rng = np.random.default_rng(seed)
    n_records = len(records)
    size = min(RANDOM_PAIRS, max(1, n_records * (n_records - 1) // 2))
    a = rng.integers(0, n_records, size)
    b = rng.integers(0, n_records, size)
    keep = a != b
    levels = compare(features, a[keep], b[keep])
    u = {name: _distribution(levels[:, i], len(LEVELS[name])) for i, name in enumerate(FIELDS)}
    u[ADDRESS_OTHER_SURNAME] = u["address"]
    same_a, same_b = _same_surname_pairs(records, rng, size)
    if len(same_a) >= 100:
        conditional = compare(features, same_a, same_b)
        strangers = conditional[conditional[:, FIELDS.index("given")] == LEVELS["given"].index("different")]
        if len(strangers) >= 100:
            u["address"] = _distribution(strangers[:, FIELDS.index("address")], len(LEVELS["address"]))
    return u


def _same_surname_pairs(records: Sequence[MatchRecord], rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of distinct records with the same first surname, each such pair equally likely."""
    codes: dict[str, int] = {}
    family = np.array([codes.setdefault(_first_family(r), len(codes)) if _first_family(r) else -1 for r in records])
    order = np.argsort(family, kind="stable")
    order = order[family[order] >= 0]
    sorted_family = family[order]
    starts = np.searchsorted(sorted_family, sorted_family, side="left")
    ends = np.searchsorted(sorted_family, sorted_family, side="right")
    shared = np.flatnonzero(ends - starts > 1)
    if not len(shared):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Each record drawn in proportion to its number of same-surname partners, so every
    # same-surname pair is equally likely: u is a rate over pairs, as u of the surname is.
    partners = (ends - starts)[shared] - 1
    first = rng.choice(shared, size, p=partners / partners.sum())
    second = starts[first] + rng.integers(0, (ends - starts)[first] - 1)
    second = np.where(second >= first, second + 1, second)  # never the same record
    return order[first], order[second]


def _initial_m() -> dict[str, list[float]]:
    m = {}
    for name in FIELDS:
        n = len(LEVELS[name])
        ramp = np.array([0.0] + [2.0 ** (i * 2) for i in range(n - 1)])
        m[name] = list(ramp / ramp.sum())
    return m


# Fields that each identify a person on their own when they agree in full, with the level
# that counts as full agreement ("number and street" and better for the address).
_IDENTIFYING: dict[str, str] = {"given": "exact", "family": "exact", "dob": "exact", "address": "number and street"}


def _agrees(levels: np.ndarray, name: str) -> np.ndarray:
    return levels[:, FIELDS.index(name)] >= LEVELS[name].index(_IDENTIFYING[name])


def _anchor(levels: np.ndarray, name: str) -> np.ndarray:
    """Pairs that fields other than ``name`` already vouch for as one person.

    A shared NHS number vouches for every other field. Without one (partners that hold no
    NHS numbers, a held-out data set), the pairs agreeing in full on every other
    identifying field do: they can only be strangers by a coincidence of three fields, so
    how ``name`` varies among them is how it varies within one person.
    """
    if name == "nhs":
        return np.all([_agrees(levels, n) for n in ("given", "family", "dob")], axis=0)
    vouched = np.all([_agrees(levels, n) for n in _IDENTIFYING if n != name], axis=0)
    return vouched | (levels[:, FIELDS.index("nhs")] == LEVELS["nhs"].index("exact"))


def _anchored_m(levels: np.ndarray) -> dict[str, list[float]]:
    """m per field as seen among the pairs the other fields vouch for (``_anchor``).

    Fields with too few such pairs keep the textbook starting ramp.
    """
    m = _initial_m()
    for i, name in enumerate(FIELDS):
        column = levels[_anchor(levels, name), i]
        if np.count_nonzero(column) >= 30:
            m[name] = _distribution(column, len(LEVELS[name]))
    return m


def estimate(levels: np.ndarray, u: dict[str, list[float]], total_pairs: int | None = None) -> ModelParams:
    """m from identifier-vouched pairs, u as given, and the match prior by EM.

    Full EM over m drifts: relatives agree on surname and address together, and with
    every iteration households look more like one person. m is therefore taken from the
    pairs the other fields vouch for, and EM estimates only the share of matches.

    That share is taken over ``total_pairs`` — every pair of records, N(N-1)/2, when the
    candidates came from blocking — not over the candidates alone: u is counted on random
    pairs, so the prior must be the chance that two *random* records match. A prior over
    candidates would count again the agreement blocking already demanded, and more so as
    the data grow (candidates grow about as N, all pairs as N²): scores would drift up and
    precision down with size. Over all pairs the probability is calibrated, and a
    threshold on it means the same at 2,000 records and at 2,000,000. Without
    ``total_pairs`` the candidates are taken to be all the pairs there are.
    """
    pairs = float(max(total_pairs or 0, len(levels), 1))
    # Start from the most matches there could be; the iteration then falls to the fixed point.
    params = ModelParams(m=_anchored_m(levels), u=u, prior=_clip_prior(len(levels) / pairs))
    for _ in range(EM_ITERATIONS):
        prior = _clip_prior(float(match_probability(levels, params).sum()) / pairs)
        converged = abs(prior - params.prior) <= 1e-4 * params.prior
        params.prior = prior
        if converged:
            break
    return params


def _clip_prior(prior: float) -> float:
    """Keep the prior's log-odds finite: an empty or one-pair input must not give 0 or 1."""
    return min(max(prior, _MIN_PRIOR), 0.9999)


def match_weight(levels: np.ndarray, params: ModelParams) -> np.ndarray:
    weights = params.level_weights()
    total = np.full(len(levels), np.log2(params.prior / (1 - params.prior)))
    for i, w in enumerate(weights):
        total += w[levels[:, i]]
    return total


def match_probability(levels: np.ndarray, params: ModelParams, adjustment: np.ndarray | None = None) -> np.ndarray:
    weight = match_weight(levels, params) + (0 if adjustment is None else adjustment)
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def address_adjustment(levels: np.ndarray, params: ModelParams) -> np.ndarray:
    """Address weight for pairs whose surnames differ, measured against random pairs.

    The address's u is counted among same-surname strangers, because relatives share a
    surname and an address together: right for the pairs that share a surname, which are
    most candidates. Strangers with different surnames share an address far more rarely
    (lodgers, couples, a hostel), so for those pairs the same address is stronger
    evidence, as when a woman's record under her new surname sits at her old address.
    Models stored before this u was kept get no adjustment.
    """
    adjust = np.zeros(len(levels))
    other = params.u.get(ADDRESS_OTHER_SURNAME)
    if other is None:
        return adjust
    shift = np.log2(np.maximum(params.u["address"], _FLOOR) / np.maximum(other, _FLOOR))
    shift[0] = 0.0
    differ = np.flatnonzero(levels[:, FIELDS.index("family")] == LEVELS["family"].index("different"))
    adjust[differ] = shift[levels[differ, FIELDS.index("address")]]
    return adjust


def _first_given(record: MatchRecord) -> str:
    return record.names[0].given.split()[0] if record.names and record.names[0].given else ""


def _first_family(record: MatchRecord) -> str:
    return record.names[0].family if record.names else ""


_NAME_TERMS = (("given", _first_given), ("family", _first_family))


def frequency_terms(record: MatchRecord) -> set[str]:
    """The names whose frequency the exact-match adjustment looks up, as "field:value" terms."""
    return {f"{field}:{value}" for field, pick in _NAME_TERMS if (value := pick(record))}


@dataclass(frozen=True)
class TermFrequencies:
    """How common each record's first given and family name is, for the exact-match adjustment."""

    given: np.ndarray  # per record: share of records with the same first given name
    family: np.ndarray

    @classmethod
    def of(cls, records: Sequence[MatchRecord], holders: Mapping[str, int] | None = None,
           total: int | None = None) -> "TermFrequencies":
        """Frequencies among ``records``, or, when they are only part of the population, from
        ``holders`` (records holding each ``frequency_terms`` term) and ``total`` records."""
        if holders is None:
            holders = Counter(term for r in records for term in frequency_terms(r))
            total = len(records)
        share = 1 / max(1, total or 0)
        arrays = []
        for field, pick in _NAME_TERMS:
            values = [pick(r) for r in records]
            arrays.append(np.array([holders.get(f"{field}:{v}", 0) * share if v else 0.0 for v in values]))
        return cls(*arrays)


def tf_adjustment(left: np.ndarray, levels: np.ndarray, params: ModelParams, tf: TermFrequencies) -> np.ndarray:
    """Extra weight for exact name matches on rare names (negative for very common ones)."""
    adjust = np.zeros(len(left))
    for name, frequencies in (("given", tf.given), ("family", tf.family)):
        exact_level = len(LEVELS[name]) - 1
        frequency = frequencies[left]
        exact = (levels[:, FIELDS.index(name)] == exact_level) & (frequency > 0)
        adjust[exact] += np.log2(params.u[name][exact_level] / np.maximum(frequency[exact], _FLOOR))
    return adjust
