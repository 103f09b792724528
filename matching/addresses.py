"""Address entities from the addresses records give.

Two source addresses are one place when they share a UPRN, or the same flat, house number
or name, street and postcode, or the same flat and number in one postcode with streets
spelt nearly alike. Flats are never joined with each other or with the whole building.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import networkx as nx
from rapidfuzz.distance import JaroWinkler

STREET_TYPO_SIMILARITY = 0.9


@dataclass(frozen=True)
class SourceAddressParts:
    id: str
    uprn: str
    flat: str
    number: str
    building: str
    street: str
    postcode: str
    town: str


def _exact_key(a: SourceAddressParts) -> tuple[str, ...] | None:
    place = a.number or a.building
    if not place or not (a.street or a.building):
        return None
    area = a.postcode or a.town
    return (a.flat, a.number, a.building, a.street, area) if area else None


def address_clusters(addresses: Iterable[SourceAddressParts]) -> list[list[str]]:
    """Group source address ids into places; every id lands in exactly one group."""
    graph = nx.Graph()
    by_key: dict[tuple[str, ...], str] = {}
    by_postcode_place: dict[tuple[str, str, str], list[SourceAddressParts]] = defaultdict(list)
    for a in addresses:
        graph.add_node(a.id)
        keys: list[tuple[str, ...]] = []
        if a.uprn:
            keys.append(("uprn", a.uprn))
        exact = _exact_key(a)
        if exact:
            keys.append(exact)
        for key in keys:
            if key in by_key:
                graph.add_edge(a.id, by_key[key])
            else:
                by_key[key] = a.id
        if a.postcode and a.number and a.street:
            by_postcode_place[(a.postcode, a.flat, a.number)].append(a)
    for group in by_postcode_place.values():
        streets: dict[str, str] = {}
        for a in group:
            streets.setdefault(a.street, a.id)
        names = list(streets)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                if JaroWinkler.normalized_similarity(first, second) >= STREET_TYPO_SIMILARITY:
                    graph.add_edge(streets[first], streets[second])
    return [sorted(component) for component in nx.connected_components(graph)]
