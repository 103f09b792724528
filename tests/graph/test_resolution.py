"""The resolver against a real Neo4j: quality on the sample, stable ids, decisions, incremental runs."""

from __future__ import annotations

import csv
from pathlib import Path

from app.db import Graph
from app.ingest.pipeline import ingest_file, ingest_rows
from app.resolution.links import read_links
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
    summary = resolve(graph)
    assert summary.mode == "full"
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


def test_incremental_equals_full(graph: Graph, tmp_path: Path) -> None:
    files = sorted(p for p in SAMPLE.glob("*.csv") if p.name != "truth.csv")
    for path in files[:3]:
        ingest_file(graph, tmp_path, path.stem, path)
    resolve(graph)
    for path in files[3:]:
        ingest_file(graph, tmp_path, path.stem, path)
    incremental = resolve(graph)
    assert incremental.mode == "incremental"
    after_incremental = partition(links(graph))
    resolve(graph, full=True, keep_model=True)
    assert partition(links(graph)) == after_incremental
