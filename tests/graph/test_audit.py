"""The access audit against a real Neo4j: appends chain, tampering is found, appends never collide."""

from __future__ import annotations

import asyncio
import importlib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from app.audit import log as audit_log
from app.audit.events import AuditEvent, StoredEvent
from app.audit.log import (AuditWriteError, UnreadableEvent, append_event, append_event_async, people_viewed_by,
                           query_events, verify_chain, viewers_of)
from app.db import Graph
from app.settings import Settings


def event(subject: str = "alice", people: tuple[str, ...] = ("P-1",), outcome: str = "allowed") -> AuditEvent:
    return AuditEvent(subject=subject, agency="CSC", role="practitioner", operation="query person",
                      outcome=outcome, purpose="case 123", person_ids=people, fields=("Person.nhsNumber",))


def test_appended_events_chain_and_verify(graph: Graph) -> None:
    stored = [append_event(graph, event(people=(f"P-{i}",))) for i in range(3)]
    assert [e.seq for e in stored] == [1, 2, 3]
    assert stored[1].prev_hash == stored[0].hash
    assert verify_chain(graph).ok and verify_chain(graph).checked == 3


@pytest.mark.parametrize("change", ["e.purpose = 'curiosity'", "e.person_ids = ['P-999']", "e.outcome = 'denied'",
                                    "e.comment = 'added later'", "e.at = toString(e.at)", "e:Extra"])
def test_tampering_with_any_field_is_found(graph: Graph, change: str) -> None:
    for _ in range(3):
        append_event(graph, event())
    graph.run(f"MATCH (e:AuditEvent {{seq: 2}}) SET {change}")  # test-only literal edit
    report = verify_chain(graph)
    assert not report.ok and report.first_broken_seq == 2


def test_a_deleted_event_is_found_in_the_middle_and_at_the_end(graph: Graph) -> None:
    for _ in range(4):
        append_event(graph, event())
    graph.run("MATCH (e:AuditEvent {seq: 4}) DELETE e")
    assert verify_chain(graph).first_broken_seq == 4
    graph.run("MATCH (e:AuditEvent {seq: 2}) DELETE e")
    assert verify_chain(graph).first_broken_seq == 2


def test_verify_reads_the_log_in_pages(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long log is read a page at a time; a break is found wherever the pages fall."""
    monkeypatch.setattr(audit_log, "VERIFY_PAGE", 3)
    for _ in range(7):
        append_event(graph, event())
    assert verify_chain(graph).ok and verify_chain(graph).checked == 7
    graph.run("MATCH (e:AuditEvent {seq: 6}) SET e.purpose = 'curiosity'")  # test-only tampering
    assert verify_chain(graph).first_broken_seq == 6


def test_verify_checks_the_log_up_to_the_head_it_read_first(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """A running server appends while verify reads: those events are the next verify's, not a
    log that ends before its head. One put beyond an unmoved head by hand is found."""
    stored = [append_event(graph, event()) for _ in range(3)]
    reading = audit_log._events_in_order

    def appended_meanwhile(graph: Graph, upto: int):  # type: ignore[no-untyped-def]
        append_event(graph, event(subject="later"))
        append_event(graph, event(subject="later"))
        yield from reading(graph, upto)

    monkeypatch.setattr(audit_log, "_events_in_order", appended_meanwhile)
    report = verify_chain(graph)
    assert (report.ok, report.checked, report.head) == (True, 3, (3, stored[-1].hash))
    monkeypatch.undo()
    assert verify_chain(graph).ok and verify_chain(graph).checked == 5
    graph.run("MATCH (e:AuditEvent {seq: 5}) CREATE (:AuditEvent {seq: 9, hash: e.hash})")  # test-only tampering
    monkeypatch.setattr(audit_log, "_events_in_order", appended_meanwhile)  # found on a busy log too
    report = verify_chain(graph)
    assert (report.ok, report.first_broken_seq) == (False, 9)
    assert report.reason == "it lies beyond the recorded head: the log never wrote it"


@pytest.mark.parametrize("seq", ["'3'", "null", "3.0", "true"])
def test_an_event_whose_seq_is_not_a_whole_number_is_found_and_not_served(graph: Graph, seq: str) -> None:
    for _ in range(2):
        append_event(graph, event())
    graph.run(f"MATCH (e:AuditEvent {{seq: 2}}) WITH properties(e) AS copy "
              f"CREATE (f:AuditEvent) SET f = copy {{.*, seq: {seq}}}")  # test-only tampering
    report = verify_chain(graph)
    assert (report.ok, report.first_broken_seq) == (False, None)
    assert report.reason == "1 events have a seq that is not a whole number: the log never wrote them"
    if seq != "null":  # an event with no seq falls outside every ordered read
        with pytest.raises(UnreadableEvent):
            query_events(graph)


def test_concurrent_appends_get_consecutive_seqs(graph: Graph) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: append_event(graph, event(subject=f"user{i % 8}")), range(80)))
    seqs = [r["seq"] for r in graph.run("MATCH (e:AuditEvent) RETURN e.seq AS seq ORDER BY seq")]
    assert seqs == list(range(1, 81))
    assert verify_chain(graph).ok


def test_appends_from_separate_processes_interleave_into_one_chain(graph: Graph, settings: Settings) -> None:
    """Each Graph (as each server process) commits its own groups; appends through two of
    them at once must still make one chain, each writer waiting at the head for the other."""
    with Graph(settings) as other:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda i: append_event(graph if i % 2 else other, event(subject=f"user{i}")), range(60)))
    seqs = [r["seq"] for r in graph.run("MATCH (e:AuditEvent) RETURN e.seq AS seq ORDER BY seq")]
    assert seqs == list(range(1, 61))
    assert verify_chain(graph).ok


def test_a_head_moved_back_is_refused_not_forked(graph: Graph) -> None:
    """A head moved back over stored events is read as it stands; the unique sequence
    number refuses a second event 2, so the append fails loudly."""
    first, _ = append_event(graph, event()), append_event(graph, event())
    graph.run("MATCH (h:AuditHead) SET h.seq = 1, h.hash = $hash", hash=first.hash)  # test-only tampering
    with pytest.raises(AuditWriteError):
        append_event(graph, event("mallory"))
    assert [r["subject"] for r in graph.run("MATCH (e:AuditEvent) RETURN e.subject AS subject")] == ["alice"] * 2


def test_an_append_that_cannot_take_the_head_in_time_fails(graph: Graph, settings: Settings,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer stalled while holding the head does not hang everyone behind it."""
    append_event(graph, event())
    monkeypatch.setattr(audit_log, "APPEND_TIMEOUT_S", 1.0)
    with Graph(settings) as stalled, stalled.session() as session, session.begin_transaction() as holder:
        holder.run("MATCH (h:AuditHead) SET h.locked_at = datetime()").consume()
        with pytest.raises(AuditWriteError):
            append_event(graph, event("bob"))
    append_event(graph, event("carol"))
    assert [e.subject for e in query_events(graph)] == ["alice", "carol"]
    assert verify_chain(graph).ok


def test_an_event_that_cannot_be_stored_fails_alone_or_with_its_group_never_silently(graph: Graph) -> None:
    """Appends made together share a transaction: whoever returns was committed, whoever
    raised is absent, and nobody waits for ever behind a failed write."""
    unstorable = AuditEvent(subject="mallory", agency="CSC", role="practitioner", operation="query person",
                            outcome="allowed", purpose="case 123", person_ids=("P-1",),
                            detail={"not": "a storable value"})  # type: ignore[arg-type]
    events = [event(subject=f"user{i}") for i in range(15)] + [unstorable]

    def append(e: AuditEvent) -> str | None:
        try:
            return append_event(graph, e).subject
        except AuditWriteError:
            return None

    with ThreadPoolExecutor(max_workers=16) as pool:
        returned = list(pool.map(append, events))
    assert returned[-1] is None
    stored = [r["subject"] for r in graph.run("MATCH (e:AuditEvent) RETURN e.subject AS subject ORDER BY e.seq")]
    assert sorted(stored) == sorted(s for s in returned if s is not None)
    assert verify_chain(graph).ok


def test_requests_on_an_event_loop_await_their_events_in_shared_commits(
        graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's path: requests await their events without a thread each; events that
    arrive together share a commit, and each request hears of its own event."""
    groups: list[int] = []
    append_all = audit_log._append_all

    def counted(g: Graph, events: list[AuditEvent]) -> list[StoredEvent]:
        groups.append(len(events))
        return append_all(g, events)

    monkeypatch.setattr(audit_log, "_append_all", counted)

    async def requests() -> list[str]:
        stored = await asyncio.gather(*(append_event_async(graph, event(subject=f"user{i}")) for i in range(40)))
        return [e.subject for e in stored]

    assert asyncio.run(requests()) == [f"user{i}" for i in range(40)]
    seqs = [r["seq"] for r in graph.run("MATCH (e:AuditEvent) RETURN e.seq AS seq ORDER BY seq")]
    assert seqs == list(range(1, 41))
    assert sum(groups) == 40 and len(groups) < 40  # grouped, not one transaction per request
    assert verify_chain(graph).ok


def test_requests_awaiting_an_unwritable_log_all_fail() -> None:
    async def requests() -> list[object]:
        return await asyncio.gather(*(append_event_async(dead, event()) for _ in range(5)), return_exceptions=True)

    with Graph(Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")) as dead:
        outcomes = asyncio.run(requests())
    assert all(isinstance(o, AuditWriteError) for o in outcomes)


def test_who_saw_whom(graph: Graph) -> None:
    """An event names only the people its answer included, so carol, whose request was refused
    in part (outcome "denied"), was still shown P-1."""
    append_event(graph, event("alice", ("P-1", "P-2")))
    append_event(graph, event("bob", ("P-2",)))
    append_event(graph, event("carol", ("P-1",), outcome="denied"))
    assert people_viewed_by(graph, "alice") == ["P-1", "P-2"]
    assert people_viewed_by(graph, "carol") == ["P-1"]
    assert viewers_of(graph, "P-2") == ["alice", "bob"]
    assert viewers_of(graph, "P-1") == ["alice", "carol"]
    assert [e.subject for e in query_events(graph, person_id="P-1")] == ["alice", "carol"]
    assert [e.seq for e in query_events(graph, subject="bob")] == [2]
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    assert query_events(graph, start=later) == []
    assert len(query_events(graph, end=later)) == 3


def test_reads_of_a_person_merged_away_still_count_for_the_survivor(graph: Graph) -> None:
    graph.run("CREATE (:Person {id: 'P-new'})<-[:MERGED_INTO]-(:Person {id: 'P-old'})")  # test-only fixture
    append_event(graph, event("dave", ("P-old",)))
    append_event(graph, event("erin", ("P-new",)))
    assert viewers_of(graph, "P-new") == ["dave", "erin"]
    assert viewers_of(graph, "P-old") == ["dave", "erin"]
    assert [e.subject for e in query_events(graph, person_id="P-new")] == ["dave", "erin"]
    assert [e.subject for e in query_events(graph, person_id="P-unknown")] == []


def test_reads_of_the_person_a_part_was_split_from_count_for_the_part_until_the_split(graph: Graph) -> None:
    """Until the split, an answer naming the whole showed the part's records too; after it, the
    whole is someone else. Someone merged into the whole in an earlier run counts the same way;
    someone merged in by the split's own run never held the part's records."""
    graph.run("CREATE (:Person {id: 'P-earlier'})-[:MERGED_INTO {at: datetime(), run: 'r1'}]->"
              "(:Person {id: 'P-whole'})<-[:MERGED_INTO {at: datetime(), run: 'r2'}]-(:Person {id: 'P-same-run'})")
    append_event(graph, event("dave", ("P-whole",)))
    append_event(graph, event("fay", ("P-earlier",)))
    append_event(graph, event("hal", ("P-same-run",)))
    graph.run("MATCH (w:Person {id: 'P-whole'}) "
              "CREATE (:Person {id: 'P-part'})-[:SPLIT_FROM {at: datetime(), run: 'r2'}]->(w)")  # test-only fixture
    append_event(graph, event("erin", ("P-whole",)))  # after the split: not about the part
    append_event(graph, event("gus", ("P-part",)))
    assert viewers_of(graph, "P-part") == ["dave", "fay", "gus"]
    assert [e.subject for e in query_events(graph, person_id="P-part")] == ["dave", "fay", "gus"]
    assert viewers_of(graph, "P-whole") == ["dave", "erin", "fay", "hal"]


def test_verify_reads_a_time_stored_with_a_zone_name_and_names_an_unreadable_one(graph: Graph) -> None:
    for _ in range(3):
        append_event(graph, event())
    graph.run("MATCH (e:AuditEvent {seq: 2}) SET e.at = datetime({datetime: e.at, timezone: 'UTC'})")  # same instant
    assert verify_chain(graph).ok
    graph.run("MATCH (e:AuditEvent {seq: 2}) SET e.at = 'yesterday'")  # test-only tampering
    report = verify_chain(graph)
    assert (report.ok, report.first_broken_seq, report.reason) == (False, 2, "its stored values cannot be read")
    with pytest.raises(UnreadableEvent):
        query_events(graph)


def test_an_unwritable_log_raises() -> None:
    with Graph(Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")) as dead:
        with pytest.raises(AuditWriteError):
            append_event(dead, event())


def test_cli_verify_exit_codes(graph: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import cli

    monkeypatch.setattr(importlib.import_module("app.cli.audit"), "get_settings", lambda: settings)
    append_event(graph, event())
    append_event(graph, event())
    result = CliRunner().invoke(cli.main, ["audit", "verify"])
    assert result.exit_code == 0 and "intact: 2 events" in result.output
    graph.run("MATCH (e:AuditEvent {seq: 1}) SET e.subject = 'mallory'")
    result = CliRunner().invoke(cli.main, ["audit", "verify"])
    assert result.exit_code == 1 and "broken at event 1" in result.output


def _cut_back_to(graph: Graph, kept: StoredEvent) -> None:
    """What someone with write access could do unseen by the chain alone: drop the newest events
    and move the head back to the last one kept (test-only tampering)."""
    graph.run("MATCH (e:AuditEvent) WHERE e.seq > $seq DELETE e", seq=kept.seq)
    graph.run("MATCH (h:AuditHead) SET h.seq = $seq, h.hash = $hash", seq=kept.seq, hash=kept.hash)


def test_an_anchor_finds_the_end_cut_off_or_rewritten(graph: Graph) -> None:
    stored = [append_event(graph, event()) for _ in range(4)]
    anchor = verify_chain(graph).head
    assert anchor == (4, stored[-1].hash)
    _cut_back_to(graph, stored[1])
    assert verify_chain(graph).ok  # the chain alone cannot tell
    report = verify_chain(graph, anchor)
    assert (report.ok, report.first_broken_seq) == (False, 3)
    assert report.reason == "the log ends before anchored event 4: events were removed"
    append_event(graph, event(subject="mallory"))
    append_event(graph, event(subject="mallory"))  # events 3 and 4 again, with other content and hashes
    assert verify_chain(graph).ok
    report = verify_chain(graph, anchor)
    assert (report.ok, report.first_broken_seq) == (False, 4)
    assert "not the anchored one" in report.reason
    assert verify_chain(graph, (2, stored[1].hash)).ok  # what is left up to event 2 is as it was


def test_cli_verify_keeps_and_checks_anchors(graph: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path) -> None:
    from app import cli

    monkeypatch.setattr(importlib.import_module("app.cli.audit"), "get_settings", lambda: settings)
    anchors = tmp_path / "anchors.txt"
    run = CliRunner().invoke
    assert run(cli.main, ["audit", "verify", "--anchor-file", str(anchors)]).exit_code == 0
    assert not anchors.exists()  # an empty log has nothing to anchor
    stored = [append_event(graph, event()) for _ in range(3)]
    result = run(cli.main, ["audit", "verify", "--anchor-file", str(anchors)])
    assert result.exit_code == 0 and f"anchor: 3:{stored[-1].hash}" in result.output
    append_event(graph, event())
    assert run(cli.main, ["audit", "verify", "--anchor-file", str(anchors)]).exit_code == 0
    assert [line.split()[0].split(":")[0] for line in anchors.read_text().splitlines()] == ["3", "4"]

    _cut_back_to(graph, stored[-1])
    result = run(cli.main, ["audit", "verify", "--anchor-file", str(anchors)])
    assert result.exit_code == 1 and "ends before anchored event 4" in result.output
    assert len(anchors.read_text().splitlines()) == 2  # a broken log adds no anchor
    assert run(cli.main, ["audit", "verify", "--anchor", f"3:{stored[-1].hash}"]).exit_code == 0
    assert run(cli.main, ["audit", "verify", "--anchor", f"3:{stored[-1].hash.upper()}"]).exit_code == 0
    for wrong in ["3", f"0:{stored[-1].hash}", "3:xyz", "", " "]:
        result = run(cli.main, ["audit", "verify", "--anchor", wrong])
        assert result.exit_code == 2 and "an anchor is SEQ:HASH" in result.output
    for held in ("not an anchor\n", "", "\n \n"):  # emptied, the file must not let a rewritten log start afresh
        anchors.write_text(held)
        assert run(cli.main, ["audit", "verify", "--anchor-file", str(anchors)]).exit_code == 2
        assert anchors.read_text() == held
