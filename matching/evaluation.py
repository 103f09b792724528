"""Match quality against ground truth: pairwise and B-cubed precision, recall and F1.

Counts come from the contingency of predicted and true clusters (pairs inside each cell
are n·(n-1)/2), so 400,000 records are scored without listing a single pair.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

RecordKey = tuple[str, str]  # (source, source_person_id)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


def _scores(true_positive: float, predicted: float, actual: float) -> Scores:
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)


@dataclass
class Evaluation:
    pairwise: Scores
    bcubed: Scores
    by_agency_pair: dict[tuple[str, str], Scores]
    worst_false_merges: list[tuple[str, int]]  # predicted cluster id, distinct true people in it
    worst_misses: list[tuple[str, int]]  # true id, predicted clusters it is split across
    missing_from_links: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _agency_pairs(agencies: Counter[str]) -> Counter[tuple[str, str]]:
    pairs: Counter[tuple[str, str]] = Counter()
    names = sorted(agencies)
    for i, a in enumerate(names):
        pairs[(a, a)] += _pairs(agencies[a])
        for b in names[i + 1 :]:
            pairs[(a, b)] += agencies[a] * agencies[b]
    return pairs


def evaluate(truth: Mapping[RecordKey, str], predicted: Mapping[RecordKey, str], worst: int = 10) -> Evaluation:
    """Score ``predicted`` clusters against ``truth``; records missing from ``predicted`` are singletons."""
    missing = 0
    pred: dict[RecordKey, str] = {}
    for key in truth:
        if key in predicted:
            pred[key] = "p:" + predicted[key]
        else:
            pred[key] = "missing:" + "\x1f".join(key)
            missing += 1
    cells: Counter[tuple[str, str]] = Counter((pred[k], t) for k, t in truth.items())
    pred_sizes: Counter[str] = Counter(pred.values())
    true_sizes: Counter[str] = Counter(truth.values())
    true_positive = sum(_pairs(n) for n in cells.values())
    pairwise = _scores(true_positive, sum(_pairs(n) for n in pred_sizes.values()), sum(_pairs(n) for n in true_sizes.values()))

    precision_sum = recall_sum = 0.0
    for (p, t), n in cells.items():
        precision_sum += n * n / pred_sizes[p]
        recall_sum += n * n / true_sizes[t]
    total = len(truth)
    bcubed = Scores(1.0, 1.0, 1.0)
    if total:
        bp, br = precision_sum / total, recall_sum / total
        bcubed = Scores(bp, br, 2 * bp * br / (bp + br) if bp + br else 0.0)

    def agency_counts(group_of: Mapping[RecordKey, str]) -> Counter[tuple[str, str]]:
        per_group: dict[str, Counter[str]] = defaultdict(Counter)
        for key, group in group_of.items():
            per_group[group][key[0]] += 1
        result: Counter[tuple[str, str]] = Counter()
        for agencies in per_group.values():
            result.update(_agency_pairs(agencies))
        return result

    cell_of = {k: f"{pred[k]}\x1e{t}" for k, t in truth.items()}
    tp_ab, pred_ab, true_ab = agency_counts(cell_of), agency_counts(pred), agency_counts(truth)
    by_pair = {ab: _scores(tp_ab[ab], pred_ab[ab], true_ab[ab]) for ab in sorted(set(pred_ab) | set(true_ab))
               if pred_ab[ab] or true_ab[ab]}

    people_in: Counter[str] = Counter(p for p, _ in cells)
    clusters_of: Counter[str] = Counter(t for _, t in cells)
    merges = sorted(((p.removeprefix("p:"), n) for p, n in people_in.items() if n > 1), key=lambda x: (-x[1], x[0]))
    misses = sorted(((t, n) for t, n in clusters_of.items() if n > 1), key=lambda x: (-x[1], x[0]))
    return Evaluation(pairwise, bcubed, by_pair, merges[:worst], misses[:worst], missing,
                      {"records": total, "true_people": len(true_sizes), "predicted_people": len(pred_sizes)})


def blocking_recall(true_ids: Sequence[str], left: np.ndarray, right: np.ndarray) -> float:
    """Share of true pairs among the candidate pairs: what blocking lets the scorer see at all."""
    codes = np.unique(np.asarray(true_ids, dtype=object), return_inverse=True)[1]
    sizes = np.bincount(codes)
    actual = int((sizes * (sizes - 1) // 2).sum())
    return int(np.count_nonzero(codes[left] == codes[right])) / actual if actual else 1.0
