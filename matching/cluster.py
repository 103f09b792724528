"""From scored pairs to people: connected components, guarded against chaining.

Links above the match threshold join records into components. A component may chain
through a weak link into someone else (a parent and a child who share a name); where two
of its records strongly disagree — different NHS numbers, dates of birth years apart
(other than by two swapped digits), the pattern of twins, or a reviewer's "not the same
person" — it is cut at its weakest links between them. Reviewers' "same person" always joins.

Measured on the synthetic partnership (benchmarks/resolve_quality.py --people 100000,
26.6k records; merged pairwise P / R): as is 0.996 / 0.960; without the twins rule
0.992 / 0.960; without the date-of-birth gap 0.993 / 0.960; without both 0.989 / 0.961.
On FEBRL, whose people have no twins or namesake parents but whose duplicates often
have a given name or date of birth replaced outright, the same two rules cost 0.06-0.12
of recall (benchmarks/resolve_heldout.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

import networkx as nx
from rapidfuzz.distance import Levenshtein

from matching.compare import SIMILAR, similarity
from matching.normalise import given_name_roots
from matching.records import MatchRecord, usable_dobs, usable_nhs_numbers

DOB_GAP_DAYS = 730
MAX_GUARDED_COMPONENT = 400


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    weight: float


def _given_names(record: MatchRecord) -> set[str]:
    return {n.given.split()[0] for n in record.names if n.given}


def _transposed(x: str, y: str) -> bool:
    """One pair of neighbouring letters swapped ("amy"/"aym"): a typing slip, not another name.

    Jaro-Winkler scores such slips low in short names, but twins are not given names one
    keystroke apart.
    """
    if len(x) != len(y) or x == y:
        return False
    differ = [i for i, (p, q) in enumerate(zip(x, y)) if p != q]
    return len(differ) == 2 and differ[1] == differ[0] + 1 and x[differ[0]] == y[differ[1]] and x[differ[1]] == y[differ[0]]


def _slip(x: str, y: str) -> bool:
    """One keystroke apart after the first letter: a letter wrong, missing or added.

    Jaro-Winkler cannot see such a slip in a short name ("leo" and "lo" come to 0.61: in
    three letters a shifted letter is not counted as matching). The first letters must
    agree, so Eva and Ava stay two names.
    """
    return x[:1] == y[:1] and Levenshtein.distance(x, y, score_cutoff=1) <= 1


def _twins(a: MatchRecord, b: MatchRecord, dobs_a: tuple[date, ...], dobs_b: tuple[date, ...]) -> bool:
    """Same birthday and surname but plainly different given names: twins, not one person."""
    if not set(dobs_a) & set(dobs_b):
        return False
    if not {n.family for n in a.names} & {n.family for n in b.names}:
        return False
    given_a, given_b = _given_names(a), _given_names(b)
    if not given_a or not given_b or any(len(g) == 1 for g in given_a | given_b):
        return False
    for x in given_a:
        for y in given_b:
            if (given_name_roots(x) & given_name_roots(y) or similarity(x, y) >= SIMILAR
                    or _transposed(x, y) or _slip(x, y)):
                return False
    return True


def _year_digits_swapped(x: date, y: date) -> bool:
    """The same day and month, and two neighbouring digits of the year swapped (1968 for
    1986): a typing slip nine or more years wide, which compare scores "transposed or one off".

    Other one-keystroke slips in the year (1984 for 1986) are not exempt: namesakes are
    mostly born in the same era, so two years apart with the same birthday is as often two
    people as one.
    """
    return (x.month, x.day) == (y.month, y.day) and _transposed(f"{x.year:04d}", f"{y.year:04d}")


def conflict(a: MatchRecord, b: MatchRecord) -> bool:
    """Two records that cannot be one person whatever links them."""
    nhs_a, nhs_b = usable_nhs_numbers(a), usable_nhs_numbers(b)
    if nhs_a and nhs_b and not set(nhs_a) & set(nhs_b):
        return True
    dobs_a, dobs_b = usable_dobs(a), usable_dobs(b)
    if dobs_a and dobs_b and all(abs((x - y).days) > DOB_GAP_DAYS and not _year_digits_swapped(x, y)
                                 for x in dobs_a for y in dobs_b):
        return True
    return _twins(a, b, dobs_a, dobs_b)


def _cut_conflicts(component: nx.Graph, records: Mapping[str, MatchRecord], cannot: set[frozenset[str]],
                   must: set[frozenset[str]]) -> None:
    """Remove the cheapest set of links separating every conflicting pair, in place."""
    nodes = sorted(component.nodes)
    if len(nodes) > MAX_GUARDED_COMPONENT:
        return
    conflicts = [
        (x, y) for i, x in enumerate(nodes) for y in nodes[i + 1:]
        if frozenset((x, y)) not in must
        and (frozenset((x, y)) in cannot or conflict(records[x], records[y]))
    ]
    for x, y in conflicts:
        if not nx.has_path(component, x, y):
            continue
        for u, v, data in component.edges(data=True):
            # Reviewers' "same person" links are never cut.
            data["capacity"] = float("inf") if frozenset((u, v)) in must else max(data["weight"], 0.01)
        try:
            _, (side_x, side_y) = nx.minimum_cut(component, x, y, capacity="capacity")
        except nx.NetworkXUnbounded:
            continue  # joined only through reviewers' decisions: the reviewers win
        component.remove_edges_from([(u, v) for u in side_x for v in component[u] if v in side_y])


def names_no_one(record: MatchRecord) -> bool:
    """No given name, date of birth or NHS number: a surname at an address ("Mr Smith").

    Such a record is as likely any of the household as the one it scores best with, so
    none of its links is ever corroborated (pipeline._corroborated); it can only be
    attached (``_attach``).
    """
    return not usable_nhs_numbers(record) and not usable_dobs(record) and not any(n.given for n in record.names)


def _sexes_differ(a: MatchRecord, b: MatchRecord) -> bool:
    return a.sex in ("M", "F") and b.sex in ("M", "F") and a.sex != b.sex


def _attach(clusters: list[list[str]], uncertain: Iterable[Link], records: Mapping[str, MatchRecord],
            cannot: set[frozenset[str]]) -> list[list[str]]:
    """Records that name no one, alone after clustering, join the one person within reach.

    Every person such a record is possibly linked with (a review link) is one it could
    be; when those links all lead to one person, no other known person fits and it is
    that person. Two in reach (a parent and a child) leave it alone, for a reviewer.
    Others that name no one do not count as persons it could be: they are in the same
    position. Decisions are taken on the clusters as the links left them, so they do not
    depend on order. A person with a record of the other sex is not one it could be. A
    reviewer still sees the links in the review queue, and a "not the same person" undoes
    the attachment.

    Measured on the synthetic partnership (`mast seed`, 900,000 people, seed 42: 241k
    records, 1,848 of them naming no one): 919 attached, and pairwise P / R went from
    0.9950 / 0.9518 to 0.9937 / 0.9677 (benchmarks/resolve_quality.py).
    """
    where = {r: i for i, members in enumerate(clusters) for r in members}

    def alone_and_nameless(r: str) -> bool:
        return len(clusters[where[r]]) == 1 and names_no_one(records[r])

    reach: dict[str, set[int]] = {}
    for link in uncertain:
        if link.a in where and link.b in where:
            for x, y in ((link.a, link.b), (link.b, link.a)):
                if alone_and_nameless(x) and not alone_and_nameless(y):
                    reach.setdefault(x, set()).add(where[y])
    joins: dict[int, list[str]] = {}
    for x, targets in reach.items():
        (target, *others) = targets
        if not others and not any(frozenset((x, m)) in cannot or _sexes_differ(records[x], records[m])
                                  for m in clusters[target]):
            joins.setdefault(target, []).append(x)
    if not joins:
        return clusters
    moved = {x for xs in joins.values() for x in xs}
    return [sorted(members + joins.get(i, [])) for i, members in enumerate(clusters)
            if not (len(members) == 1 and members[0] in moved)]


def contradicted(decisions: Iterable[tuple[str, str, str]], a: str, b: str, decision: str) -> list[tuple[str, str]]:
    """The reviewers' decisions that a new ``decision`` on records ``a`` and ``b`` contradicts,
    as record pairs; empty when it contradicts none. ``decisions`` are (record, record,
    'same' or 'different'), each pair's latest; the new decision replaces the pair's own.

    'Same' always joins (``cluster``), so a 'different' said of two records that a chain of
    other 'same' decisions holds together would be stored and never applied: the chain is
    returned. A 'same' that would join two records a reviewer has called different returns
    those pairs."""
    pair = frozenset((a, b))
    same = nx.Graph()
    different: list[tuple[str, str]] = []
    for x, y, said in decisions:
        if frozenset((x, y)) == pair:
            continue
        if said == "same":
            same.add_edge(x, y)
        else:
            different.append((x, y))
    if decision == "different":
        if a in same and b in same and nx.has_path(same, a, b):
            chain = nx.shortest_path(same, a, b)
            return [(x, y) if x < y else (y, x) for x, y in zip(chain, chain[1:])]
        return []
    same.add_edge(a, b)
    joined = nx.node_connected_component(same, a)
    return sorted((x, y) if x < y else (y, x) for x, y in different if x in joined and y in joined)


def cluster(record_ids: Iterable[str], links: Iterable[Link], records: Mapping[str, MatchRecord],
            must_link: Sequence[tuple[str, str]] = (), cannot_link: Sequence[tuple[str, str]] = (),
            uncertain: Iterable[Link] = ()) -> list[list[str]]:
    """Every record id in exactly one cluster.

    ``uncertain`` are the review queue's links (possible matches, below the match
    threshold or uncorroborated): they join nothing, except records that name no one to
    the one person within their reach (``_attach``).
    """
    cannot = {frozenset(p) for p in cannot_link}
    must = {frozenset(p) for p in must_link}
    graph = nx.Graph()
    graph.add_nodes_from(record_ids)
    for link in links:
        if frozenset((link.a, link.b)) not in cannot and link.a in graph and link.b in graph:
            graph.add_edge(link.a, link.b, weight=link.weight)
    for a, b in must_link:
        if a in graph and b in graph:
            graph.add_edge(a, b, weight=float("inf"))
    clusters: list[list[str]] = []
    for nodes in nx.connected_components(graph):
        if len(nodes) > 1:
            component = graph.subgraph(nodes).copy()
            _cut_conflicts(component, records, cannot, must)
            clusters.extend(sorted(part) for part in nx.connected_components(component))
        else:
            clusters.append(sorted(nodes))
    return _attach(clusters, uncertain, records, cannot)

