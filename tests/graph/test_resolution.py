"""The resolver against a real Neo4j: quality on the sample, stable ids, decisions, incremental runs."""

from __future__ import annotations

import csv
from pathlib import Path

from app.db import Graph
from app.ingest.pipeline import ingest_file, ingest_rows
from app.resolution.links import read_links, unresolved_records
from app.resolution.run import explain_pair, explain_person, resolve
from matching.evaluation import evaluate

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "sample"


def load_sample(graph: Graph, state: Path) -> None:
    for path in sorted(SAMPLE.glob("*.csv")):
        if path.name != "truth.csv":
            ingest_file(graph, state, path.stem, path)


def links(graph: Graph) -> dict[tuple[str, str], str]:
    return {(s, spid): pid for s, spid, pid in read_links(graph)}


def partition(mapping: dict[tuple[str, str], str]) -> set[frozenset[tuple[str, str]]]:
    groups: dict[str, set[tuple[str, str]]] = {}
    for key, person in mapping.items():
        groups.setdefault(person, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_the_sample_partnership_resolves_well_and_every_record_has_a_person(graph: Graph, tmp_path: Path) -> None:
    load_sample(graph, tmp_path)
    assert unresolved_records(graph) == graph.run("MATCH (s:SourceRecord) RETURN count(s) AS n")[0]["n"] > 0
    summary = resolve(graph)
    assert summary.mode == "full"
    assert unresolved_records(graph) == 0
    with (SAMPLE / "truth.csv").open(newline="") as handle:
        truth = {(r["source"], r["source_person_id"]): r["true_id"] for r in csv.DictReader(handle)}
    resolved = links(graph)
    assert set(resolved) == set(truth)
    result = evaluate(truth, resolved)
    assert result.pairwise.precision > 0.9 and result.bcubed.f1 > 0.95
    assert graph.run("MATCH (s:SourceRecord) WHERE s.needs_resolution RETURN count(s) AS n")[0]["n"] == 0
    households = graph.run("MATCH (a:Address)<-[:LIVES_AT]-(p:Person) WITH a, count(p) AS n WHERE n > 1 RETURN count(a) AS n")
    assert households[0]["n"] > 0
    person = next(iter(resolved.values()))
    assert explain_person(graph, person)["person_id"] == person


def _person(graph: Graph, rid: str) -> str:
    return graph.run("MATCH (:SourceRecord {id: $id})-[:RESOLVES_TO]->(p:Person) RETURN p.id AS id", id=rid)[0]["id"]


ROWS = [
    {"source_person_id": "1", "given_name": "Robert", "family_name": "Quarmby", "date_of_birth": "1980-03-04",
     "nhs_number": "9434765919", "address_line_1": "14 Park Road", "postcode": "LS6 2AB"},
]


def test_ids_are_stable_merges_redirect_and_reviewer_decisions_survive_full_runs(graph: Graph, tmp_path: Path) -> None:
    ingest_rows(graph, tmp_path, "POLICE", ROWS)
    ingest_rows(graph, tmp_path, "NHS", [{**ROWS[0], "given_name": "Bob", "nhs_number": ""}])
    resolve(graph)
    first = _person(graph, "POLICE:1")
    assert _person(graph, "NHS:1") == first
    # A reviewer says they are not the same person: a full run keeps them apart.
    graph.run("CREATE (:ReviewDecision {id: 'd1', record_a: 'NHS:1', record_b: 'POLICE:1', decision: 'different'})")
    resolve(graph, full=True)
    parts = {_person(graph, "NHS:1"), _person(graph, "POLICE:1")}
    assert len(parts) == 2 and first in parts  # on an even split the id stays with one part
    (split_off,) = parts - {first}
    # The reviewer changes their mind: the merge keeps the older id and the other redirects.
    graph.run("MATCH (d:ReviewDecision {id: 'd1'}) SET d.decision = 'same'")
    resolve(graph, full=True)
    assert _person(graph, "NHS:1") == _person(graph, "POLICE:1") == first
    redirect = graph.run("MATCH (p:Person {id: $id}) RETURN p.status AS status, p.superseded_by AS to", id=split_off)
    assert redirect == [{"status": "merged", "to": first}]
    assert explain_pair(graph, "POLICE:1", "NHS:1")["probability"] > 0.5


def test_a_pair_s_latest_review_decision_is_the_one_applied(graph: Graph, tmp_path: Path) -> None:
    ingest_rows(graph, tmp_path, "POLICE", ROWS)
    ingest_rows(graph, tmp_path, "NHS", [{**ROWS[0], "given_name": "Bob", "nhs_number": ""}])
    resolve(graph)
    decide = ("CREATE (:ReviewDecision {id: $id, record_a: 'NHS:1', record_b: 'POLICE:1', decision: $decision, "
              "at: datetime($at)})")
    graph.run(decide, id="d1", decision="same", at="2026-01-01T10:00:00Z")
    graph.run(decide, id="d0", decision="different", at="2026-01-01T11:00:00Z")  # the reviewer corrects it
    resolve(graph, full=True)
    assert _person(graph, "NHS:1") != _person(graph, "POLICE:1")
    apart = {_person(graph, "NHS:1"), _person(graph, "POLICE:1")}
    graph.run(decide, id="d2", decision="same", at="2026-01-01T12:00:00Z")  # and changes their mind again
    graph.run("MATCH (s:SourceRecord) SET s.needs_resolution = true")  # as reviewMatch marks them
    assert resolve(graph).mode == "incremental"
    assert _person(graph, "NHS:1") == _person(graph, "POLICE:1")
    (merged,) = apart - {_person(graph, "POLICE:1")}
    assert _addresses_of(graph, merged) == 0  # merged away: the survivor holds the address now


def test_undoing_a_wrong_same_leaves_each_surviving_id_on_its_own_records(graph: Graph, tmp_path: Path) -> None:
    def row(spid: str, given: str, family: str, dob: str) -> dict[str, str]:
        return {"source_person_id": spid, "given_name": given, "family_name": family, "date_of_birth": dob}

    # Record ids chosen so that the one of the surviving (older) person sorts last.
    ingest_rows(graph, tmp_path, "POLICE", [row("9", "Zed", "Quarmby", "1961-01-01")])
    resolve(graph)
    ingest_rows(graph, tmp_path, "ASC", [row("1", "Amy", "Oddie", "1992-02-02")])
    resolve(graph)
    older, younger = _person(graph, "POLICE:9"), _person(graph, "ASC:1")
    decide = ("CREATE (:ReviewDecision {id: $id, record_a: 'ASC:1', record_b: 'POLICE:9', decision: $decision, "
              "at: datetime()})")
    graph.run(decide, id="d1", decision="same")
    resolve(graph, full=True)
    assert _person(graph, "ASC:1") == _person(graph, "POLICE:9") == older
    graph.run(decide, id="d2", decision="different")
    graph.run("MATCH (s:SourceRecord) SET s.needs_resolution = true")  # as reviewMatch marks them
    resolve(graph)
    assert _person(graph, "POLICE:9") == older  # not moved onto Amy's record
    split_off = _person(graph, "ASC:1")
    assert split_off not in (older, younger)  # known: the merged-away id is not revived
    founders = graph.run("MATCH (s:SourceRecord) RETURN s.id AS id, s.founding_person AS founder ORDER BY id")
    assert founders == [{"id": "ASC:1", "founder": split_off}, {"id": "POLICE:9", "founder": older}]


def _addresses_of(graph: Graph, person_id: str) -> int:
    return graph.run("MATCH (:Person {id: $id})-[l:LIVES_AT]->() RETURN count(l) AS n", id=person_id)[0]["n"]


def test_a_person_whose_records_are_all_retired_keeps_no_address(graph: Graph, tmp_path: Path) -> None:
    def row(spid: str, given: str, dob: str) -> dict[str, str]:
        return {"source_person_id": spid, "given_name": given, "family_name": "Oddie", "date_of_birth": dob,
                "address_line_1": "1 Oak Lane", "postcode": "LS6 2AB"}

    ingest_rows(graph, tmp_path, "POLICE", [row("1", "Ann", "1970-01-01")])
    ingest_rows(graph, tmp_path, "CSC", [row("2", "Ben", "1980-02-02")])
    resolve(graph)
    withdrawn, staying = _person(graph, "POLICE:1"), _person(graph, "CSC:2")
    assert _addresses_of(graph, withdrawn) == _addresses_of(graph, staying) == 1
    ingest_rows(graph, tmp_path, "POLICE", [row("3", "Cal", "1990-03-03")], mode="snapshot")  # POLICE:1 retired
    assert resolve(graph).mode == "incremental"
    status = graph.run("MATCH (p:Person {id: $id}) RETURN p.status AS s", id=withdrawn)[0]["s"]
    assert (status, _addresses_of(graph, withdrawn), _addresses_of(graph, staying)) == ("retired", 0, 1)
    # A full run drops a link an earlier version left on someone no longer active.
    graph.run("MATCH (p:Person {id: $id}), (a:Address) CREATE (p)-[:LIVES_AT]->(a)", id=withdrawn)
    resolve(graph, full=True)
    assert (_addresses_of(graph, withdrawn), _addresses_of(graph, staying)) == (0, 1)


def test_a_name_recorded_in_another_script_resolves_with_the_same_name_in_latin_letters(graph: Graph,
                                                                                       tmp_path: Path) -> None:
    latin = {"source_person_id": "7", "given_name": "Maria", "family_name": "Ivanova", "date_of_birth": "1991-05-06",
             "address_line_1": "3 Mill Lane", "postcode": "LS6 2AB"}
    ingest_rows(graph, tmp_path, "POLICE", [latin])
    ingest_rows(graph, tmp_path, "NHS", [{**latin, "given_name": "Мария", "family_name": "Иванова"}])
    ingest_rows(graph, tmp_path, "CSC", [{**latin, "given_name": "Олег", "family_name": "Петров"}])
    resolve(graph)
    assert _person(graph, "NHS:7") == _person(graph, "POLICE:7") != _person(graph, "CSC:7")


def places(graph: Graph) -> set[frozenset[str]]:
    rows = graph.run("MATCH (s:SourceAddress)-[:RESOLVES_TO]->(a:Address) RETURN a.id AS a, collect(s.id) AS sources")
    return {frozenset(r["sources"]) for r in rows}


def households(graph: Graph) -> set[tuple[frozenset[str], frozenset[str]]]:
    """Who lives where, by the records and source addresses behind each Person and Address."""
    rows = graph.run("""
        MATCH (p:Person)-[:LIVES_AT]->(a:Address)
        RETURN COLLECT { MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p) RETURN s.id } AS records,
               COLLECT { MATCH (x:SourceAddress)-[:RESOLVES_TO]->(a) RETURN x.id } AS sources""")
    return {(frozenset(r["records"]), frozenset(r["sources"])) for r in rows}


def test_incremental_equals_full(graph: Graph, tmp_path: Path) -> None:
    files = sorted(p for p in SAMPLE.glob("*.csv") if p.name != "truth.csv")
    for path in files[:3]:
        ingest_file(graph, tmp_path, path.stem, path)
    resolve(graph)
    for path in files[3:]:
        ingest_file(graph, tmp_path, path.stem, path)
    incremental = resolve(graph)
    assert incremental.mode == "incremental"
    after_incremental = partition(links(graph)), places(graph), households(graph)
    assert all(after_incremental)
    resolve(graph, full=True, keep_model=True)
    assert (partition(links(graph)), places(graph), households(graph)) == after_incremental


def _resident_of(graph: Graph, record_id: str) -> list[frozenset[str]]:
    """The source addresses behind each Address the record's person lives at."""
    rows = graph.run("""
        MATCH (:SourceRecord {id: $id})-[:RESOLVES_TO]->(:Person)-[:LIVES_AT]->(a:Address)
        RETURN COLLECT { MATCH (x:SourceAddress)-[:RESOLVES_TO]->(a) RETURN x.id } AS sources""", id=record_id)
    return [frozenset(r["sources"]) for r in rows]


def test_an_incremental_run_moves_unchanged_people_when_their_address_merges(graph: Graph, tmp_path: Path) -> None:
    def row(spid: str, given: str, family: str, street: str) -> dict[str, str]:
        return {"source_person_id": spid, "given_name": given, "family_name": family, "date_of_birth": "1970-01-0" + spid,
                "address_line_1": f"1 {street}", "town": "Leeds", "postcode": "LS1 1AA"}

    # Two people at what look like two places (the street names are too far apart)...
    ingest_rows(graph, tmp_path, "CSC", [row("1", "Ann", "Oddie", "Oak Lane"), row("2", "Ben", "Pryce", "Oon Lane")])
    resolve(graph)
    assert len(places(graph)) == 2
    # ...until a new record's spelling sits near both: one place, and both people (whose own
    # records did not change) now live at it.
    ingest_rows(graph, tmp_path, "FIRE", [row("3", "Cal", "Quinn", "Ook Lane")])
    assert resolve(graph).mode == "incremental"
    assert len(places(graph)) == 1
    assert _resident_of(graph, "CSC:1") == _resident_of(graph, "CSC:2") == list(places(graph))


def test_a_record_that_names_no_one_follows_who_else_it_could_be_incrementally_as_in_a_full_run(
        graph: Graph, tmp_path: Path) -> None:
    """A fire service visit to "Oddie" at an address joins the one Oddie known there, stands
    alone once a relative is known there too, and joins again when the relative's record goes."""
    home = {"address_line_1": "14 Park Road", "town": "Leeds", "postcode": "LS6 2AB"}
    ann = {"source_person_id": "1", "given_name": "Ann", "family_name": "Oddie", "date_of_birth": "1950-03-04",
           "sex": "F", **home}
    beth = {"source_person_id": "1", "given_name": "Beth", "family_name": "Oddie", "date_of_birth": "1975-06-07",
            "sex": "F", **home}
    elsewhere = {"source_person_id": "2", "given_name": "Cal", "family_name": "Quinn", "date_of_birth": "1990-01-02",
                 "address_line_1": "3 Mill Lane", "town": "Leeds", "postcode": "LS7 1AA"}
    ingest_rows(graph, tmp_path, "CSC", [ann])
    ingest_rows(graph, tmp_path, "FIRE", [{"source_person_id": "1", "family_name": "Oddie", "sex": "F", **home}])
    assert resolve(graph).mode == "full"
    assert _person(graph, "FIRE:1") == _person(graph, "CSC:1")

    def settled(expected_people: int) -> None:
        assert resolve(graph).mode == "incremental"
        after = partition(links(graph))
        assert len(after) == expected_people
        resolve(graph, full=True, keep_model=True)
        assert partition(links(graph)) == after

    ingest_rows(graph, tmp_path, "POLICE", [beth])
    settled(3)
    assert len({_person(graph, r) for r in ("CSC:1", "FIRE:1", "POLICE:1")}) == 3
    ingest_rows(graph, tmp_path, "POLICE", [elsewhere], mode="snapshot")  # Beth's record withdrawn
    settled(2)
    assert _person(graph, "FIRE:1") == _person(graph, "CSC:1")
