"""One resolution: block, compare, score, cluster.

``score_pairs`` scores candidate pairs (all of them, or only those touching a focus set
for an incremental run with stored parameters); ``resolve_records`` runs the whole chain
and returns clusters, the scored links worth keeping, and the fitted parameters.

An incremental run scores only the focus records and those sharing a blocking key with
them, so it also needs two facts about all records (a ``Population``): how many hold
each of its ``population_terms`` and how many there are. With them its pairs and scores
are exactly a full run's.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from matching.blocking import blocking_keys, candidate_pairs
from matching.cluster import Link, cluster
from matching.compare import FIELDS, LEVELS, RecordFeatures, compare
from matching.model import (ModelParams, TermFrequencies, address_adjustment, estimate, estimate_u, frequency_terms,
                            match_probability, match_weight, tf_adjustment)
from matching.records import MatchRecord

# The threshold policy. The model's probability is calibrated (its prior is over all pairs
# of records, see model.estimate), so these are chances that two records are one person.
#
# A pair is merged without a person looking when it is more likely one person than two
# (MATCH_PROBABILITY) and corroborated (``_corroborated``). Both errors do harm here: a
# false merge shows a stranger's record to a practitioner, a missed match hides a warning
# from them. Weighing them equally puts the line at 0.5; the chaining guard (cluster.py)
# then undoes merges that contradict an NHS number, a date of birth or twins. A higher line
# buys little precision for much recall and fills the review queue with pairs that are
# mostly one person ("full name, same address, no date of birth"); a lower one merges
# pairs the model thinks more likely strangers. Measured on the synthetic partnership
# (benchmarks/resolve_quality.py --people 900000, 241k records; merged pairwise P / R,
# then pairs left for review per 1,000 records):
#   line 0.2: 0.993 / 0.957, 12 | 0.5: 0.995 / 0.951, 17 | 0.8: 0.997 / 0.897, 39
#   line 0.9: 0.997 / 0.893, 41 | 0.99: 0.998 / 0.800, 76
# The household part of ``_corroborated`` costs recall for precision: without it, at 0.5,
# 0.991 / 0.961 with 12 per 1,000 for review; the pairs it holds back are half one person.
#
# Pairs from POSSIBLE_PROBABILITY up to the line, and uncorroborated pairs above it, go to
# review: about half of them are one person, which is where a reviewer's knowledge is
# worth the time. Below it a pair is kept nowhere. A record that names no one (no given
# name, date of birth or NHS number) is never corroborated; clustering still attaches it
# to the one person its review links reach (cluster._attach).
MATCH_PROBABILITY = 0.5
POSSIBLE_PROBABILITY = 0.2

# Names the version of ``population_terms``: change it whenever they would come out
# differently (blocking keys, name terms, or the normalisers and nickname table behind them),
# so that the terms stored on earlier records are known stale and the next run is full.
# tests/unit/test_matching.py holds a fingerprint of the sample's terms under this name.
TERM_SCHEME = "2026-11-25"


def population_terms(record: MatchRecord, keys: set[str] | None = None) -> set[str]:
    """Every term whose count over all records an incremental run needs: blocking keys
    (``keys``, when the caller has computed them already) and names."""
    return (blocking_keys(record) if keys is None else keys) | frequency_terms(record)


@dataclass(frozen=True)
class Population:
    """All records, as far as scoring a part of them needs: holders of each term, and the count."""

    holders: Mapping[str, int]
    total: int


@dataclass
class ScoredPair:
    a: str
    b: str
    weight: float
    probability: float
    explanation: str  # JSON: field -> [level name, weight contributed]
    corroborated: bool = True  # an identifier (date of birth, NHS number, address) agrees

    @property
    def review(self) -> bool:
        """Below the match threshold, or a name match nothing else backs: a person decides."""
        return self.probability < MATCH_PROBABILITY or not self.corroborated


@dataclass
class Resolution:
    clusters: list[list[str]]
    pairs: list[ScoredPair]  # every pair at or above the "possible" threshold
    params: ModelParams
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def review_queue(self) -> list[ScoredPair]:
        return [p for p in self.pairs if p.review]


def _explanations(levels: np.ndarray, params: ModelParams, name_adjustment: np.ndarray,
                  address_adjustment: np.ndarray) -> list[str]:
    weights = params.level_weights()
    address = FIELDS.index("address")
    out = []
    for row, adjust, address_adjust in zip(levels, name_adjustment, address_adjustment):
        detail = {name: [LEVELS[name][row[i]], round(float(weights[i][row[i]] + (address_adjust if i == address else 0)), 2)]
                  for i, name in enumerate(FIELDS)}
        detail["name_frequency"] = ["adjustment", round(float(adjust), 2)]
        out.append(json.dumps(detail, separators=(",", ":")))
    return out


def _corroborated(levels: np.ndarray) -> np.ndarray:
    """Evidence beyond the name, and beyond the household.

    Beyond the name: a close date of birth, the NHS number, or the same street address —
    a name alone, however rare, is never enough to show one person's record as another's.
    Beyond the household: the given names agree at least by initial, or the date of birth
    or NHS number does — a surname and an address describe a family, and a record with
    no given name is as likely to be the parent as the child.
    """
    dob = levels[:, FIELDS.index("dob")] >= LEVELS["dob"].index("transposed or one off")
    nhs = levels[:, FIELDS.index("nhs")] == LEVELS["nhs"].index("exact")
    address = levels[:, FIELDS.index("address")] >= LEVELS["address"].index("number and street")
    given = levels[:, FIELDS.index("given")] >= LEVELS["given"].index("initial or similar")
    return (dob | nhs | address) & (given | dob | nhs)


def score_pairs(records: Sequence[MatchRecord], params: ModelParams | None = None,
                focus: Iterable[int] | None = None, population: Population | None = None,
                blocks: Mapping[str, Sequence[int]] | None = None,
                ) -> tuple[list[ScoredPair], ModelParams, dict[str, Any]]:
    """Scored pairs above the "possible" threshold; estimates parameters when none are given.

    ``population`` describes all records when ``records`` are only the focus and their blocks.
    ``blocks`` (indexes into ``records`` by blocking key), when the caller has them already,
    spares computing every record's keys again.
    """
    timings: dict[str, Any] = {}
    started = time.perf_counter()
    holders = population.holders if population else None
    candidates = candidate_pairs(records, focus, holders, blocks)
    timings["blocking_s"] = round(time.perf_counter() - started, 2)
    features = RecordFeatures.build(records)
    started = time.perf_counter()
    levels = compare(features, candidates.left, candidates.right)
    timings["compare_s"] = round(time.perf_counter() - started, 2)
    if params is None:
        started = time.perf_counter()
        params = estimate(levels, estimate_u(features, records), total_pairs=len(records) * (len(records) - 1) // 2)
        timings["estimate_s"] = round(time.perf_counter() - started, 2)
    address_adjust = address_adjustment(levels, params)
    frequencies = TermFrequencies.of(records, holders, population.total if population else None)
    adjustment = tf_adjustment(candidates.left, levels, params, frequencies) + address_adjust
    probability = match_probability(levels, params, adjustment)
    weight = match_weight(levels, params) + adjustment
    keep = np.flatnonzero(probability >= POSSIBLE_PROBABILITY)
    corroborated = _corroborated(levels)
    explanations = _explanations(levels[keep], params, adjustment[keep] - address_adjust[keep], address_adjust[keep])
    pairs = [
        ScoredPair(records[candidates.left[k]].record_id, records[candidates.right[k]].record_id,
                   float(weight[k]), float(probability[k]), explanation, bool(corroborated[k]))
        for k, explanation in zip(keep, explanations)
    ]
    stats = {"candidate_pairs": int(len(candidates.left)), "blocks_skipped": candidates.keys_skipped,
             "possible_pairs": len(pairs), **timings}
    return pairs, params, stats


def resolve_records(records: Sequence[MatchRecord], *, must_link: Sequence[tuple[str, str]] = (),
                    cannot_link: Sequence[tuple[str, str]] = (), params: ModelParams | None = None) -> Resolution:
    """A full resolution of ``records``."""
    pairs, params, stats = score_pairs(records, params)
    started = time.perf_counter()
    links = [Link(p.a, p.b, p.weight) for p in pairs if not p.review]
    uncertain = [Link(p.a, p.b, p.weight) for p in pairs if p.review]
    by_id = {r.record_id: r for r in records}
    clusters = cluster(by_id, links, by_id, must_link, cannot_link, uncertain)
    stats["cluster_s"] = round(time.perf_counter() - started, 2)
    stats["people"] = len(clusters)
    return Resolution(clusters, pairs, params, stats)
