"""The append-only, hash-chained access log.

Appends are serialised by the write lock on a single head node, so concurrent requests
get consecutive sequence numbers and each event chains to the one before. A request
whose event cannot be written must fail, so every error here is an AuditWriteError.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any, Iterator

import neo4j

from app.audit import cypher
from app.audit.events import GENESIS_HASH, AuditEvent, StoredEvent, event_hash
from app.db import Graph


class AuditWriteError(RuntimeError):
    """The event was not written; the request that caused it must not succeed."""


def _append(tx: neo4j.ManagedTransaction, event: AuditEvent) -> StoredEvent:
    head = tx.run(cypher.LOCK_HEAD, genesis=GENESIS_HASH).single()
    seq = head["seq"] + 1
    at = datetime.now(timezone.utc)
    at_iso = at.isoformat()
    digest = event_hash(seq, at_iso, event, head["hash"])
    values = {f.name: getattr(event, f.name) for f in fields(AuditEvent)}
    tx.run(cypher.APPEND, seq=seq, at=at_iso, prev_hash=head["hash"], hash=digest,
           **{k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}).consume()
    return StoredEvent(**values, seq=seq, at=at, prev_hash=head["hash"], hash=digest)


def append_event(graph: Graph, event: AuditEvent) -> StoredEvent:
    """Write one event in its own transaction, in a single attempt."""
    try:
        with graph.session() as session:
            with session.begin_transaction() as tx:
                stored = _append(tx, event)
                tx.commit()
                return stored
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as error:
        raise AuditWriteError(f"audit event not written: {type(error).__name__}") from error


def _stored(row: dict[str, Any]) -> StoredEvent:
    names = {f.name for f in fields(StoredEvent)}
    values = {k: v for k, v in row.items() if k in names}
    for key in ("person_ids", "address_ids", "fields"):
        values[key] = tuple(values.get(key) or ())
    values["at"] = datetime.fromisoformat(row["at"].replace("Z", "+00:00"))
    return StoredEvent(**values)


def _events_in_order(graph: Graph) -> Iterator[tuple[dict[str, Any], StoredEvent]]:
    with graph.session(default_access_mode=neo4j.READ_ACCESS) as session:
        for record in session.run(cypher.ALL_IN_ORDER):
            yield record["e"], _stored(record["e"])


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str


def verify_chain(graph: Graph) -> ChainReport:
    """Recompute every hash in order; name the first event where the chain breaks."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for raw, event in _events_in_order(graph):
        checked += 1
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "does not chain to the event before it")
        at_iso = event.at.astimezone(timezone.utc).isoformat()
        if event_hash(event.seq, at_iso, event, prev_hash) != event.hash:
            return ChainReport(False, checked, event.seq, "its content does not match its hash")
        expected_seq, prev_hash = event.seq + 1, event.hash
    head = graph.run_once(cypher.HEAD)
    head_seq, head_hash = (head[0]["seq"], head[0]["hash"]) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return ChainReport(False, checked, expected_seq, "the log ends before its recorded head")
    return ChainReport(True, checked, None, "intact")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def query_events(graph: Graph, *, person_id: str | None = None, subject: str | None = None,
                 start: datetime | None = None, end: datetime | None = None, limit: int = 100,
                 after_seq: int | None = None) -> list[StoredEvent]:
    """Events in order; ``person_id`` matches the ids as they were returned at the time."""
    rows = graph.run(cypher.QUERY, subject=subject, person_id=person_id, start=_iso(start), end=_iso(end),
                     after_seq=after_seq, limit=limit)
    return [_stored(r["e"]) for r in rows]


def people_viewed_by(graph: Graph, subject: str, *, start: datetime | None = None,
                     end: datetime | None = None) -> list[str]:
    return [r["id"] for r in graph.run(cypher.PEOPLE_VIEWED_BY, subject=subject, start=_iso(start), end=_iso(end))]


def viewers_of(graph: Graph, person_id: str, *, start: datetime | None = None,
               end: datetime | None = None) -> list[str]:
    """The subjects who were shown this person."""
    return [r["subject"] for r in graph.run(cypher.VIEWERS_OF, person_id=person_id, start=_iso(start), end=_iso(end))]
