"""Reading what the resolver needs from the graph and writing what it decided.

The matching package never sees the driver: this module turns SourceRecords into
``MatchRecord`` values and turns clusters, scored pairs and ids back into Cypher writes,
in chunks sized for throughput.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

import neo4j

from app.db import Graph
from app.resolution import cypher
from matching.addresses import SourceAddressParts
from matching.identity import IdentityChanges
from matching.normalise import clean_name
from matching.records import MatchRecord, NameVariant, RecordAddress

WRITE_CHUNK = 10000
READ_BUCKETS = 64


def _chunks(rows: Sequence[Any], size: int = WRITE_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@lru_cache(maxsize=1 << 18)
def _name(variant: str) -> NameVariant:
    """Variants repeat across records (shared surnames, common given names), so each is parsed once."""
    given, middle, family = (variant.split("|") + ["", ""])[:3]
    return NameVariant(clean_name(given), clean_name(middle), clean_name(family))


def _address(parts: list[str | None]) -> RecordAddress:
    uprn, flat, number, building, street, town, postcode = (value or "" for value in parts)
    return RecordAddress(postcode=postcode, uprn=uprn, flat=flat, number=number, building=building,
                         street=street, town=town)


def _bucketed_rows(graph: Graph, query: str, **params: Any) -> Iterable[list[Any]]:
    """The positional rows of a statement that returns them collected into buckets."""
    with graph.session(default_access_mode=neo4j.READ_ACCESS) as session:
        for record in session.run(query, buckets=READ_BUCKETS, **params):
            yield from record["rows"]


def _bucketed_rows_of(graph: Graph, query: str, ids: Iterable[str]) -> Iterable[list[Any]]:
    """``_bucketed_rows`` of a statement over ``$ids``, sent in chunks."""
    for chunk in _chunks(sorted(ids)):
        yield from _bucketed_rows(graph, query, ids=list(chunk))


def _records(rows: Iterable[list[Any]]) -> list[MatchRecord]:
    return [
        MatchRecord(
            record_id=record_id,
            agency=agency,
            names=tuple(_name(v) for v in variants or ()),
            dobs=tuple(map(date.fromisoformat, dobs)),
            sex=sex,
            nhs_numbers=tuple(nhs_numbers or ()),
            addresses=tuple(map(_address, addresses)),
        )
        for record_id, agency, variants, dobs, sex, nhs_numbers, addresses in rows
    ]


def load_records(graph: Graph) -> list[MatchRecord]:
    """Every active source record with its name variants, identifiers and addresses, by id
    (the order fixes the model's random samples, so runs over the same graph agree)."""
    return sorted(_records(_bucketed_rows(graph, cypher.ACTIVE_RECORDS)), key=lambda r: r.record_id)


def load_records_by_id(graph: Graph, record_ids: Iterable[str]) -> list[MatchRecord]:
    """The active ones among these records."""
    return _records(_bucketed_rows_of(graph, cypher.RECORDS_BY_ID, record_ids))


def count_active_records(graph: Graph) -> int:
    return graph.run(cypher.ACTIVE_RECORD_COUNT)[0]["records"]


def _term_hash(term: str) -> int:
    """A term as a signed 64-bit integer: lists of these scan far faster than of strings."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little", signed=True)


def write_terms(graph: Graph, terms: Mapping[str, Iterable[str]]) -> None:
    """Store records' population terms (by record id), for later incremental runs to find them by."""
    rows = [[record_id, [_term_hash(t) for t in record_terms]] for record_id, record_terms in terms.items()]
    for chunk in _chunks(rows):
        graph.run(cypher.SET_TERMS, rows=list(chunk))


def term_holders(graph: Graph, terms: Iterable[str], max_members: int) -> tuple[dict[str, int], dict[str, list[str]]]:
    """How many active records hold each term, and which records hold it (none listed when
    more than ``max_members`` do). Terms are compared by hash; a 64-bit collision is not a
    concern at a few million terms."""
    by_hash = {_term_hash(t): t for t in terms}
    counts: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    if not by_hash:  # nothing queued: spare the scan
        return counts, members
    for term_hash, count, holders in _bucketed_rows(graph, cypher.TERM_HOLDERS, terms=list(by_hash),
                                                    max_members=max_members):
        counts[by_hash[term_hash]] = count
        members[by_hash[term_hash]] = holders
    return counts, members


@dataclass(frozen=True)
class PendingRecords:
    active: set[str]
    retired: set[str]


def load_pending(graph: Graph) -> PendingRecords:
    rows = graph.run(cypher.PENDING_RECORD_IDS)
    return PendingRecords(
        active={r["id"] for r in rows if not r["retired"]},
        retired={r["id"] for r in rows if r["retired"]},
    )


def _assignment(rows: Iterable[list[Any]]) -> tuple[dict[str, str], dict[str, str]]:
    assignment: dict[str, str] = {}
    created: dict[str, str] = {}
    for record_id, entity_id, created_ms in rows:
        assignment[record_id] = entity_id
        created[entity_id] = f"{created_ms:015d}"  # epoch ms, ordered as text
    return assignment, created


def load_assignment(graph: Graph, query: str = cypher.ASSIGNMENT) -> tuple[dict[str, str], dict[str, str]]:
    """Record -> entity id, and each entity's creation time (for the older-survives rule)."""
    return _assignment(_bucketed_rows(graph, query))


def load_assignment_around(graph: Graph, record_ids: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """``load_assignment`` for every record sharing a Person with one of these."""
    return _assignment(_bucketed_rows_of(graph, cypher.ASSIGNMENT_AROUND, record_ids))


def load_founding_persons(graph: Graph, record_ids: Iterable[str]) -> dict[str, str]:
    """The Person created with each of these records, where one was."""
    return dict(_bucketed_rows_of(graph, cypher.FOUNDING_PERSONS, record_ids))


def load_decisions(graph: Graph) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Reviewers' (must_link, cannot_link) pairs, by each pair's latest decision."""
    must: list[tuple[str, str]] = []
    cannot: list[tuple[str, str]] = []
    for row in graph.run(cypher.DECISIONS):
        (must if row["decision"] == "same" else cannot).append((row["a"], row["b"]))
    return must, cannot


@dataclass(frozen=True)
class StoredModel:
    params: dict[str, Any]
    term_scheme: str | None  # the pipeline.TERM_SCHEME of the records' stored terms


def load_model(graph: Graph) -> StoredModel | None:
    rows = graph.run(cypher.LOAD_MODEL)
    return StoredModel(json.loads(rows[0]["params"]), rows[0]["term_scheme"]) if rows else None


def load_edges_of(graph: Graph, record_ids: Iterable[str]) -> list[dict[str, Any]]:
    ids = list(record_ids)
    edges: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        edges.extend(graph.run(cypher.EDGES_OF_RECORDS, ids=list(chunk)))
    return edges


def replace_edges(graph: Graph, edges: Sequence[dict[str, Any]], run: str, of_records: Iterable[str] | None) -> None:
    """Drop the old scored pairs (all, or those touching ``of_records``) and write the new ones."""
    if of_records is None:
        with graph.session() as session:
            session.run(cypher.DELETE_ALL_EDGES).consume()
    else:
        for chunk in _chunks(list(of_records)):
            graph.run(cypher.DELETE_EDGES_OF_RECORDS, ids=list(chunk))
    for chunk in _chunks(edges):
        graph.run(cypher.CREATE_EDGES, edges=list(chunk), run=run)


def write_identities(graph: Graph, changes: IdentityChanges, previous: dict[str, str], run: str,
                     unassigned: Iterable[str] = ()) -> set[str]:
    """Store Person ids; returns the ids whose records changed (for summaries and households)."""
    created = set(changes.created)
    moved = [
        {"record_id": r, "person_id": p, "founding": p in created}
        for r, p in changes.assignment.items() if previous.get(r) != p
    ]
    for chunk in _chunks(changes.created):
        graph.run(cypher.CREATE_PERSONS, ids=list(chunk), run=run)
    for chunk in _chunks(moved):
        graph.run(cypher.ASSIGN_RECORDS, pairs=list(chunk))
    gone = list(unassigned)
    for chunk in _chunks(gone):
        graph.run(cypher.UNASSIGN_RECORDS, ids=list(chunk))
    merges = [{"old": old, "survivor": new} for old, new in changes.merged.items()]
    graph.run(cypher.MERGE_PERSONS, merges=merges, run=run)
    splits = [{"new": new, "origin": origin} for new, origin in changes.split_from.items()]
    graph.run(cypher.SPLIT_PERSONS, splits=splits, run=run)
    graph.run(cypher.RETIRE_PERSONS, ids=changes.emptied)
    touched = {m["person_id"] for m in moved} | {previous[r] for r in gone if r in previous}
    touched |= {previous[m["record_id"]] for m in moved if m["record_id"] in previous}
    touched -= set(changes.merged) | set(changes.emptied)
    for chunk in _chunks(sorted(touched)):
        graph.run(cypher.REFRESH_PERSON_SUMMARY, ids=list(chunk))
    return touched


def _address_parts(rows: Iterable[list[str | None]]) -> list[SourceAddressParts]:
    return [SourceAddressParts(*(value or "" for value in row)) for row in rows]


def load_source_addresses(graph: Graph) -> list[SourceAddressParts]:
    return _address_parts(_bucketed_rows(graph, cypher.SOURCE_ADDRESSES))


def pending_source_addresses(graph: Graph) -> list[str]:
    return [r["id"] for r in graph.run(cypher.PENDING_SOURCE_ADDRESS_IDS)]


def address_neighbourhood(graph: Graph, seeds: Iterable[str]) -> list[SourceAddressParts]:
    """Every source address that can end up in one place with a seed: grown until nothing new
    shares a UPRN, a usable postcode, a town (for those without a postcode) or an Address."""
    found: dict[str, SourceAddressParts] = {}
    frontier = set(seeds)
    while frontier:
        parts = _address_parts(_bucketed_rows_of(graph, cypher.SOURCE_ADDRESSES_BY_ID, frontier))
        found.update((p.id, p) for p in parts)
        towns = sorted({p.town for p in parts if not p.postcode and p.town})
        near = {r["id"] for chunk in _chunks(sorted(frontier)) for r in graph.run(cypher.SOURCE_ADDRESS_NEIGHBOURS, ids=list(chunk))}
        if towns:
            near |= {r["id"] for r in graph.run(cypher.POSTCODELESS_IN_TOWNS, towns=towns)}
        frontier = near - set(found)
    return list(found.values())


def load_address_assignment(graph: Graph, source_ids: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Source address -> Address id for the given ids, and each Address's creation order."""
    return _assignment(_bucketed_rows_of(graph, cypher.ADDRESS_ASSIGNMENT_OF, source_ids))


def write_addresses(graph: Graph, changes: IdentityChanges, previous: dict[str, str], run: str) -> set[str]:
    """Store Address ids; returns the source addresses whose Address changed."""
    moved = [{"record_id": s, "person_id": a} for s, a in changes.assignment.items() if previous.get(s) != a]
    for chunk in _chunks(changes.created):
        graph.run(cypher.CREATE_ADDRESSES, ids=list(chunk), run=run)
    for chunk in _chunks(moved):
        graph.run(cypher.ASSIGN_SOURCE_ADDRESSES, pairs=list(chunk))
    graph.run(cypher.MERGE_ADDRESSES, merges=[{"old": o, "survivor": s} for o, s in changes.merged.items()], run=run)
    touched = sorted({m["person_id"] for m in moved})
    for chunk in _chunks(touched):
        graph.run(cypher.REFRESH_ADDRESS_DISPLAY, ids=list(chunk))
    graph.run(cypher.MARK_ADDRESSES_RESOLVED)
    return {m["record_id"] for m in moved}


def persons_at(graph: Graph, source_address_ids: Iterable[str]) -> set[str]:
    """People whose records gave any of these source addresses."""
    found: set[str] = set()
    for chunk in _chunks(sorted(source_address_ids)):
        found |= {r["id"] for r in graph.run(cypher.PERSONS_AT_SOURCE_ADDRESSES, ids=list(chunk))}
    return found


def rebuild_households(graph: Graph, person_ids: Iterable[str] | None) -> None:
    """Person-to-address links, for the given people or (None) everyone: a person merged away
    or with every record retired is left with none."""
    if person_ids is None:
        graph.run(cypher.DROP_INACTIVE_LIVES_AT)
    ids = [r["id"] for r in graph.run(cypher.ALL_ACTIVE_PERSON_IDS)] if person_ids is None else list(person_ids)
    for chunk in _chunks(ids, 5000):
        graph.run(cypher.REBUILD_LIVES_AT, ids=list(chunk))


def mark_resolved(graph: Graph, record_ids: Iterable[str]) -> None:
    for chunk in _chunks(list(record_ids)):
        graph.run(cypher.MARK_RESOLVED, ids=list(chunk))


def save_run(graph: Graph, run: str, mode: str, params: dict[str, Any], term_scheme: str, stats: dict[str, Any]) -> None:
    graph.run(cypher.SAVE_RUN, run=run, mode=mode, params=json.dumps(params), term_scheme=term_scheme, stats=stats)
