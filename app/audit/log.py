"""The append-only, hash-chained access log.

Appends are serialised by the write lock on a single head node, so concurrent requests
get consecutive sequence numbers and each event chains to the one before; events arriving
together are committed together (group commit). A request whose event cannot be written
must fail, so every error here is an AuditWriteError.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any, Iterator, Protocol

import neo4j

from app.audit import cypher
from app.audit.events import GENESIS_HASH, AuditEvent, StoredEvent, event_body, event_hash
from app.blocking import blocking_pool
from app.db import Graph, PerGraph

Head = tuple[int, str]  # the last event's seq and hash
VERIFY_PAGE = 5000  # events read per statement by verify_chain
# A group's transaction holds the head's lock across a round trip to this process. Should a
# process stall while holding it, Neo4j ends each waiting transaction after this long, so
# the requests behind it fail, as a request whose event cannot be written must, not hang.
APPEND_TIMEOUT_S = 10.0


class AuditWriteError(RuntimeError):
    """The event was not written; the request that caused it must not succeed."""


def _chained(events: list[AuditEvent], times: list[datetime], head: Head) -> tuple[list[dict[str, Any]], list[StoredEvent]]:
    """The events as stored rows and as StoredEvents, chained on from ``head``."""
    seq, prev_hash = head
    rows: list[dict[str, Any]] = []
    stored: list[StoredEvent] = []
    for event, at in zip(events, times):
        seq += 1
        body = event_body(event)
        digest = event_hash(seq, at.isoformat(), body, prev_hash)
        rows.append({**body, "seq": seq, "at": at.isoformat(), "prev_hash": prev_hash, "hash": digest})
        stored.append(StoredEvent(**vars(event), seq=seq, at=at, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    return rows, stored


def _append_all(graph: Graph, events: list[AuditEvent]) -> list[StoredEvent]:
    """Commit ``events`` after the chain's head, in one transaction that locks the head before
    reading it (see ``cypher.LOCK_HEAD``). One attempt: whatever fails, nothing was written."""
    times = [datetime.now(timezone.utc) for _ in events]
    with graph.session() as session, session.begin_transaction(timeout=APPEND_TIMEOUT_S) as tx:
        head = tx.run(cypher.LOCK_HEAD, genesis=GENESIS_HASH).single(strict=True)
        rows, stored = _chained(events, times, (head["seq"], head["hash"]))
        tx.run(cypher.APPEND, events=rows, seq=stored[-1].seq, hash=stored[-1].hash).consume()
        tx.commit()
    return stored


class _Waiting(Protocol):
    """One event waiting for its group's commit, and how to tell its caller the outcome."""

    event: AuditEvent

    def settle(self, stored: StoredEvent | None, error: AuditWriteError | None) -> None: ...


class _ThreadWaiting:
    """A caller blocked in a thread until its event is settled."""

    def __init__(self, event: AuditEvent) -> None:
        self.event = event
        self._done = threading.Event()
        self.stored: StoredEvent | None = None
        self.error: AuditWriteError | None = None

    def settle(self, stored: StoredEvent | None, error: AuditWriteError | None) -> None:
        self.stored, self.error = stored, error
        self._done.set()

    def result(self) -> StoredEvent:
        self._done.wait()
        if self.error is not None:
            raise self.error
        assert self.stored is not None
        return self.stored


class _LoopWaiting:
    """A request awaiting its event on an event loop: settled through the loop, so the
    request holds no thread while its group commits."""

    def __init__(self, event: AuditEvent) -> None:
        self.event = event
        self._loop = asyncio.get_running_loop()
        self.future: asyncio.Future[StoredEvent] = self._loop.create_future()

    def settle(self, stored: StoredEvent | None, error: AuditWriteError | None) -> None:
        try:
            self._loop.call_soon_threadsafe(_resolve, self.future, stored, error)
        except RuntimeError:  # the loop has closed: nobody is waiting any more
            pass


def _resolve(future: "asyncio.Future[StoredEvent]", stored: StoredEvent | None, error: AuditWriteError | None) -> None:
    if future.done():  # the request was cancelled; its event is written all the same
        return
    if stored is not None:
        future.set_result(stored)
    else:
        future.set_exception(error or AuditWriteError("audit event not written"))


class _GroupCommit:
    """Concurrent appends share one transaction: events queue while a group is written, and
    the next group takes every event waiting, so the chain's lock and the commit are paid
    once per group rather than once per request. Groups are written one at a time: by a
    task on the blocking pool when a request on an event loop started the writing, by the
    caller's own thread otherwise. Each caller hears of its own event only once it is
    committed, and gets the error if that commit failed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._writing = False

    def queue(self, waiting: _Waiting) -> bool:
        """Queue ``waiting``; True when no group is being written, and the caller must see
        that ``write_groups`` runs."""
        with self._lock:
            self._waiting.append(waiting)
            if self._writing:
                return False
            self._writing = True
            return True

    def write_groups(self, graph: Graph) -> None:
        """Write group after group until no event is waiting."""
        while True:
            with self._lock:
                group, self._waiting = self._waiting, []
                if not group:
                    self._writing = False
                    return
            self._write(graph, group)

    def _write(self, graph: Graph, group: list[_Waiting]) -> None:
        written: list[StoredEvent] = []
        failure = AuditWriteError("audit event not written")
        try:
            written = _append_all(graph, [w.event for w in group])
        except Exception as error:  # whatever went wrong, every waiter must hear of it
            failure = AuditWriteError(f"audit event not written: {type(error).__name__}")
            failure.__cause__ = error
        for waiting, stored in zip(group, written):
            waiting.settle(stored, None)
        for waiting in group[len(written):]:
            waiting.settle(None, failure)


_group_commits: PerGraph[_GroupCommit] = PerGraph(_GroupCommit)


def append_event(graph: Graph, event: AuditEvent) -> StoredEvent:
    """Write one event, committed before this returns (shared with any events appended at
    the same moment); AuditWriteError when it was not."""
    waiting = _ThreadWaiting(event)
    group_commit = _group_commits.of(graph)
    if group_commit.queue(waiting):
        group_commit.write_groups(graph)
    return waiting.result()


async def append_event_async(graph: Graph, event: AuditEvent) -> StoredEvent:
    """``append_event`` for a request on an event loop: it awaits the commit without
    taking a thread for the wait."""
    waiting = _LoopWaiting(event)
    group_commit = _group_commits.of(graph)
    if group_commit.queue(waiting):
        blocking_pool().submit(group_commit.write_groups, graph)
    return await waiting.future


# Neo4j writes a datetime with a named zone as e.g. ``...Z[UTC]``; Python reads the offset only.
_ZONE_NAME = re.compile(r"\[[^\]]*\]$")


# What the log writes on an event node; anything else was added to it afterwards.
_STORED_KEYS = frozenset(f.name for f in fields(StoredEvent))


class UnreadableEvent(ValueError):
    """A stored event whose values are not what the log writes (it has been altered)."""

    def __init__(self, seq: Any) -> None:
        super().__init__(f"audit event {seq} cannot be read: run `mast audit verify`")
        self.seq = seq


def _stored(row: dict[str, Any]) -> StoredEvent:
    if type(row.get("seq")) is not int:  # noqa: E721 (a bool is not a seq either)
        raise UnreadableEvent(row.get("seq"))
    values = {k: v for k, v in row.items() if k in _STORED_KEYS}
    for key in ("person_ids", "address_ids", "fields"):
        values[key] = tuple(values.get(key) or ())
    try:
        values["at"] = datetime.fromisoformat(_ZONE_NAME.sub("", row["at"]).replace("Z", "+00:00"))
        return StoredEvent(**values)
    except (TypeError, ValueError, AttributeError) as error:
        raise UnreadableEvent(row.get("seq")) from error


def _events_in_order(graph: Graph, upto: int) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every event's stored row by seq up to ``upto``, and whether the node is as the log
    writes it (one label, a zoned time), a page at a time: one sorted read of the whole log
    ran out of Neo4j's transaction memory on a log of 965,322 events (4 GiB heap)."""
    after = -(2**63)  # below any seq, so a tampered zero or negative one is read too
    with graph.session(default_access_mode=neo4j.READ_ACCESS) as session:
        while True:
            page = [(r["e"], r["labels"] == ["AuditEvent"] and str(r["at_type"]).startswith("ZONED DATETIME"))
                    for r in session.run(cypher.EVENTS_AFTER, after=after, upto=upto, limit=VERIFY_PAGE)]
            yield from page
            if len(page) < VERIFY_PAGE:
                return
            after = page[-1][0]["seq"]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str
    head: Head | None = None  # where an intact chain ends: the anchor to keep outside the graph


_REWRITTEN = "its hash is not the anchored one: the log up to here was rewritten"


def _head(graph: Graph) -> Head:
    rows = graph.run_once(cypher.HEAD)
    return (rows[0]["seq"], rows[0]["hash"]) if rows else (0, GENESIS_HASH)


def verify_chain(graph: Graph, anchor: Head | None = None) -> ChainReport:
    """Recompute every hash in order; name the first event where the chain breaks.

    The chain shows that no event was changed, removed or reordered on its own. Someone who
    can write to the graph could still cut its end off, or rewrite it from some event on with
    fresh hashes, and move the head to match. ``anchor`` (an earlier report's head, kept
    where graph writers cannot reach) catches that: the event at its seq must still carry its
    hash, and as each hash covers the one before, so must every event up to it.

    The log is checked up to the head as read first: events a running server appends while
    verify reads are the next verify's to check, not a log that "ends early"."""
    highest = graph.run_once(cypher.HIGHEST)[0]
    head_seq, head_hash = _head(graph)
    if highest["odd"]:
        return ChainReport(False, 0, None, f"{highest['odd']} events have a seq that is not a whole number: "
                                           "the log never wrote them")
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for row, as_written in _events_in_order(graph, head_seq):
        checked += 1
        try:
            event = _stored(row)
        except UnreadableEvent:
            return ChainReport(False, checked, expected_seq, "its stored values cannot be read")
        if row.keys() - _STORED_KEYS or not as_written:
            return ChainReport(False, checked, event.seq, "it holds values the log never wrote")
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "does not chain to the event before it")
        at_iso = event.at.astimezone(timezone.utc).isoformat()
        if event_hash(event.seq, at_iso, event_body(event), prev_hash) != event.hash:
            return ChainReport(False, checked, event.seq, "its content does not match its hash")
        if anchor and event.seq == anchor[0] and event.hash != anchor[1]:
            return ChainReport(False, checked, event.seq, _REWRITTEN)
        expected_seq, prev_hash = event.seq + 1, event.hash
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return ChainReport(False, checked, expected_seq, "the log ends before its recorded head")
    if highest["seq"] is not None and highest["seq"] > head_seq:
        return ChainReport(False, checked, highest["seq"], "it lies beyond the recorded head: the log never wrote it")
    if anchor and anchor[0] > head_seq:
        return ChainReport(False, checked, expected_seq, f"the log ends before anchored event {anchor[0]}: "
                                                         "events were removed")
    return ChainReport(True, checked, None, "intact", (head_seq, head_hash))


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
