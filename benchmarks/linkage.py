"""What the linkage benchmarks share: scoring and printing a result, blocking's reach, the
chaining guard's ceiling, and Splink trained and clustered the textbook way (so both
benchmarks run it identically)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any, Sequence

from matching.blocking import candidate_pairs
from matching.cluster import conflict
from matching.evaluation import RecordKey, blocking_recall, evaluate
from matching.records import MatchRecord


def record_key(record_id: str) -> RecordKey:
    """A ``SOURCE:id`` record id as the (source, id) key truth and evaluation use."""
    source, source_id = record_id.split(":", 1)
    return source, source_id


def as_links(clusters: list[list[str]]) -> dict[RecordKey, str]:
    """Clusters of ``SOURCE:id`` record ids as (source, id) -> cluster label."""
    return {record_key(m): str(i) for i, members in enumerate(clusters) for m in members}


def report(name: str, truth: dict, links: dict, seconds: float, indent: str = "") -> None:
    result = evaluate(truth, links)
    print(f"{indent}{name:6} pairwise P {result.pairwise.precision:.4f} R {result.pairwise.recall:.4f} "
          f"F1 {result.pairwise.f1:.4f} | B-cubed F1 {result.bcubed.f1:.4f} | {seconds:.1f} s")


def report_blocking(records: Sequence[MatchRecord], truth: dict, indent: str = "") -> None:
    candidates = candidate_pairs(records)
    found = blocking_recall([truth[record_key(r.record_id)] for r in records], candidates.left, candidates.right)
    print(f"{indent}blocking: {len(candidates.left)} pairs generated, {found:.4f} of true pairs found")


def report_guard_ceiling(records: Sequence[MatchRecord], truth: dict, indent: str = "") -> None:
    """The best pairwise recall and F1 any clustering could reach while the chaining guard
    holds: a true pair in ``conflict`` (cluster.py) is never put in one person. The bound
    is loose, with precision taken as 1 and only the conflicting pairs themselves lost."""
    people: dict[str, list[MatchRecord]] = defaultdict(list)
    for record in records:
        people[truth[record_key(record.record_id)]].append(record)
    pairs = kept_apart = 0
    for members in people.values():
        for a, b in combinations(members, 2):
            pairs += 1
            kept_apart += conflict(a, b)
    recall = 1 - kept_apart / pairs if pairs else 1.0
    print(f"{indent}guard: {kept_apart} of {pairs} true pairs conflict; with the guard, "
          f"R <= {recall:.4f}, F1 <= {2 * recall / (1 + recall):.4f}")


def splink_links(frame: Any, settings: Any) -> dict[RecordKey, str]:
    """Splink 4 with u from random pairs, m by EM on two blockings, clusters at 0.999."""
    from splink import DuckDBAPI, Linker, block_on

    linker = Linker(frame, settings, db_api=DuckDBAPI())
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family", "given"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.999).as_pandas_dataframe()
    return {record_key(row.unique_id): str(row.cluster_id) for row in clusters.itertuples()}
