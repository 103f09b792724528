"""Stable Person ids across resolution runs.

A Person keeps its id while its records stay together. When clusters merge, the surviving
id is the oldest and the others redirect to it; when a cluster splits, the part holding
most of the records the id was created with keeps it (so a reviewer undoing a wrong 'same'
does not see the surviving id move onto the other person's records), then the part holding
most of its records; the rest get new ids. An id whose records split evenly goes to a part no other id
claims if there is one. Pure: the caller supplies the previous assignment and stores the
result.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence


@dataclass
class IdentityChanges:
    """The new assignment and what happened to the old ids."""

    assignment: dict[str, str]  # record_id -> person_id
    created: list[str] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)  # superseded id -> surviving id
    split_from: dict[str, str] = field(default_factory=dict)  # new id -> the id it split from
    emptied: list[str] = field(default_factory=list)  # old ids left with no records at all


def new_person_id() -> str:
    return "P-" + uuid.uuid4().hex[:16]


def assign_ids(
    clusters: Iterable[Sequence[str]],
    previous: Mapping[str, str],
    created_order: Mapping[str, object],
    make_id: Callable[[], str] = new_person_id,
    founders: Mapping[str, str] | None = None,
) -> IdentityChanges:
    """Give each cluster of record ids a Person id, reusing previous ids by the rules above.

    ``previous`` maps record ids to their old Person id; ``created_order`` gives each old id
    a sortable creation key (older first), used to pick the survivor of a merge; ``founders``
    maps record ids to the id created with them, where one was.
    """
    clusters = [sorted(c) for c in clusters]
    founders = founders or {}
    # Where does each old person's share of records, and of the records it was created with, go now?
    shares: dict[str, Counter[int]] = defaultdict(Counter)
    native: dict[str, Counter[int]] = defaultdict(Counter)
    for index, cluster in enumerate(clusters):
        for record in cluster:
            if record in previous:
                shares[previous[record]][index] += 1
                native[previous[record]][index] += founders.get(record) == previous[record]
    home: dict[str, int] = {}
    tied: dict[str, list[int]] = {}
    for old_id, counter in shares.items():
        rank = {i: (native[old_id][i], counter[i]) for i in counter}
        best = max(rank.values())
        parts = [i for i in counter if rank[i] == best]
        if len(parts) == 1:
            home[old_id] = parts[0]
        else:
            tied[old_id] = parts
    # Even splits, oldest id first: the part fewest other ids claim, then the smallest first record.
    claimed = Counter(home.values())
    for old_id in sorted(tied, key=lambda pid: (created_order.get(pid, ""), pid)):
        home[old_id] = min(tied[old_id], key=lambda i: (claimed[i], clusters[i][0]))
        claimed[home[old_id]] += 1
    claims: dict[int, list[str]] = defaultdict(list)
    for old_id, index in home.items():
        claims[index].append(old_id)

    changes = IdentityChanges(assignment={})
    for index, cluster in enumerate(clusters):
        claimants = sorted(claims.get(index, ()), key=lambda pid: (created_order.get(pid, ""), pid))
        if claimants:
            person_id = claimants[0]
            for loser in claimants[1:]:
                changes.merged[loser] = person_id
        else:
            person_id = make_id()
            changes.created.append(person_id)
            origins = Counter(previous[r] for r in cluster if r in previous)
            if origins:
                changes.split_from[person_id] = max(origins, key=lambda pid: (origins[pid], pid))
        for record in cluster:
            changes.assignment[record] = person_id
    still_used = set(changes.assignment.values())
    changes.emptied = sorted(
        pid for pid in set(previous.values()) if pid not in still_used and pid not in changes.merged
    )
    return changes
