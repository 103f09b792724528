"""Blocking graph reads for the API, one statement per call and per page: the resolvers run
them in worker threads and batch them through DataLoaders."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Mapping, Sequence

import neo4j
import neo4j.time

from app.db import Graph
from app.resolution import cypher as resolution_cypher
from matching.cluster import contradicted
from resolvers import cypher


def native(value: Any) -> Any:
    """Neo4j temporal values to Python ones, through lists and maps."""
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime)):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    return value


def read(graph: Graph, query: str, **params: Any) -> list[dict[str, Any]]:
    """One auto-commit read: a single round trip, where a managed transaction costs three.
    Statements here return plain values and maps, never nodes, so ``dict(record)`` is the row
    (the driver's ``data()`` walks every value again looking for nodes)."""
    with graph.session(default_access_mode=neo4j.READ_ACCESS) as session:
        return [dict(record) for record in session.run(query, params)]


def single_list(graph: Graph, query: str, **params: Any) -> list[Any]:
    """The one list a statement returns in its one row (hot paths collect rows server-side)."""
    with graph.session(default_access_mode=neo4j.READ_ACCESS) as session:
        record = session.run(query, params).single(strict=True)
        return record[0]


def rows(graph: Graph, query: str, **params: Any) -> list[dict[str, Any]]:
    return [native(row) for row in read(graph, query, **params)]


_PERSONS = {False: cypher.PERSONS_FULL, True: cypher.PERSONS_PSEUDONYMOUS}  # by pseudonymous


def persons(graph: Graph, ids: Sequence[str], pseudonymous: bool,
            params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each requested id (superseded ids included) to its surviving person's data."""
    return {row["requested"]: person_dates(row)
            for row in single_list(graph, _PERSONS[pseudonymous], ids=list(ids), **params)}


def person_dates(row: dict[str, Any]) -> dict[str, Any]:
    """The ISO date strings of a person row (see ``cypher.PERSONS_FULL``) as dates; a search's
    headline row (``cypher.candidate_rows``) has only the records."""
    for record in row["records"]:
        if "dobs" in record:
            record["dobs"] = [date.fromisoformat(d) for d in record["dobs"]]
    _involvement_dates(row)
    for address in row.get("addresses", ()):
        _seen_dates(address)
    return row


def _seen_dates(row: dict[str, Any]) -> dict[str, Any]:
    row["first_seen"] = _day(row["first_seen"])
    row["last_seen"] = _day(row["last_seen"])
    return row


def _involvement_dates(row: dict[str, Any]) -> dict[str, Any]:
    for involvement in row.get("involvements", ()):
        involvement["start"] = _day(involvement["start"])
        involvement["last_contact"] = _day(involvement["last_contact"])
    return row


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def lineage(graph: Graph, person_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per surviving person: each record's ingest batches, and the scored links between its records."""
    found = {}
    for row in read(graph, cypher.PERSON_LINEAGE, ids=list(person_ids)):
        for edge in row["similar"]:
            edge["explanation"] = _json(edge.get("explanation"))
        found[row["pid"]] = {"batches": {r["id"]: r["batches"] for r in row["batches"]}, "similar": row["similar"]}
    return found


def households(graph: Graph, ids: Sequence[str], params: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {row["pid"]: [_seen_dates(m) for m in row["members"]]
            for row in rows(graph, cypher.HOUSEHOLDS, ids=list(ids), **params)}


def addresses(graph: Graph, ids: Sequence[str], params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for row in rows(graph, cypher.ADDRESSES_FULL, ids=list(ids), **params):
        for resident in row["residents"]:
            _seen_dates(resident)
        found[row["id"]] = _involvement_dates(row)
    return found


def address_ids(graph: Graph, text: str, postcode: str | None, uprn: str | None, limit: int) -> list[str]:
    if uprn:
        found = read(graph, cypher.ADDRESSES_BY_UPRN, uprn=uprn, limit=limit)
    elif postcode:
        found = read(graph, cypher.ADDRESSES_BY_POSTCODE, postcode=postcode, text=text, limit=limit)
    else:
        found = read(graph, cypher.ADDRESSES_BY_TEXT, text=text, limit=limit)
    return [row["id"] for row in found]


def multi_agency_people(graph: Graph, min_agencies: int, since: Any, skip: int, limit: int,
                        params: Mapping[str, Any]) -> list[str]:
    found = read(graph, cypher.MULTI_AGENCY_PEOPLE, min_agencies=min_agencies, since=since, skip=skip, limit=limit,
                 **params)
    return [row["id"] for row in found]


def connections(graph: Graph, person_id: str, depth: int, skip: int, limit: int) -> list[dict[str, Any]]:
    return read(graph, cypher.CONNECTIONS, id=person_id, depth=depth, skip=skip, limit=limit)


def review_queue(graph: Graph, after: str | None, limit: int) -> list[dict[str, Any]]:
    found = rows(graph, cypher.REVIEW_QUEUE, after=after, limit=limit)
    for row in found:
        row["explanation"] = _json(row.get("explanation"))
    return found


class ContradictsDecisions(ValueError):
    """A review decision that other reviewers' decisions would overrule (``matching.cluster.contradicted``)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__("contradicts reviewers' decisions")
        self.pairs = pairs


def create_review_decision(graph: Graph, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """Store the decision unless it contradicts the decisions already held (ContradictsDecisions),
    read in the same transaction; None when the records (or, for 'same', their scored pair)
    are not there. Two reviewers deciding at the same moment are not serialised: each is
    checked against what was committed before it, and the resolver's rule ('same' joins)
    settles any contradiction between them, as it did before this check."""
    with graph.session() as session, session.begin_transaction() as tx:
        held = [(row["a"], row["b"], row["decision"]) for row in tx.run(resolution_cypher.DECISIONS)]
        pairs = contradicted(held, params["record_a"], params["record_b"], params["decision"])
        if pairs:
            raise ContradictsDecisions(pairs)
        found = [dict(row) for row in tx.run(cypher.CREATE_REVIEW_DECISION, **params)]
        tx.commit()
    return found[0] if found else None


def _json(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return None
    return raw
