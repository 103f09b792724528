"""A small resolved graph for API tests: rows ingested through the real pipeline, then the
resolver's output (Person, Address, RESOLVES_TO, SIMILAR, MERGED_INTO) written by hand exactly
as graph_schema/MODEL.md describes it, and LIVES_AT by the resolver's own statement.

Household at 14 Park Road, Leeds LS6 2AB: William Smith (CSC, POLICE, NHS records) and his
mother Sarah Smith (CSC, FIRE). P-old was merged into William's person. A second NHS record,
"Wiliam Smyth", is a possible match for William waiting in the review queue. Dennis Jones
lives elsewhere and is known to POLICE only.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from app.audit.log import StoredEvent, query_events
from app.auth.tokens import issue_token
from app.db import Graph
from app.ingest.pipeline import ingest_rows
from app.resolution.store import rebuild_households
from app.settings import Settings
from app.web import create_app
from graph_schema.migrations import CODE_VERSION, migrate
from resolvers import data

WILLIAM, SARAH, DENNIS, OLD, WILIAM_NHS = "P-william", "P-sarah", "P-dennis", "P-old", "P-wiliam"
PARK_ROAD, HIGH_STREET = "A-park", "A-high"
SENSITIVE = {"POLICE": ("Domestic abuse incident",)}

PARK_ROAD_FIELDS = {"address_line_1": "14 Park Road", "town": "Leeds", "postcode": "ls62ab", "uprn": "100000000014"}
_HIGH = {"address_line_1": "3 High Street", "town": "Bradford", "postcode": "BD1 1AA"}

ROWS: dict[str, list[dict[str, str]]] = {
    "CSC": [
        {"source_person_id": "c1", "involvement_id": "inv-c1", "given_name": "William", "family_name": "Smith",
         "date_of_birth": "2012-03-04", "sex": "M", "nhs_number": "943 476 5919", **PARK_ROAD_FIELDS,
         "involvement_type": "Child Protection Plan", "involvement_start": "2024-01-10", "last_contact": "2025-10-01",
         "status": "open", "lead_name": "Jane Doe", "lead_role": "Social worker", "lead_team": "Leeds North",
         "lead_phone": "0113 496 0001", "lead_email": "jane.doe@csc.example"},
        {"source_person_id": "c2", "involvement_id": "inv-c2", "given_name": "Sarah", "family_name": "Smith",
         "date_of_birth": "1985-07-21", "sex": "F", **PARK_ROAD_FIELDS,
         "involvement_type": "Child in Need", "involvement_start": "2023-05-01", "last_contact": "2024-02-01",
         "status": "closed", "lead_name": "Jane Doe", "lead_role": "Social worker", "lead_team": "Leeds North",
         "lead_phone": "0113 496 0001", "lead_email": "jane.doe@csc.example"},
    ],
    "POLICE": [
        {"source_person_id": "p1", "involvement_id": "inv-p1", "given_name": "Billy", "family_name": "Smith",
         "date_of_birth": "2012-03-04", "sex": "M", **PARK_ROAD_FIELDS,
         "involvement_type": "Domestic abuse incident", "involvement_start": "2025-09-20",
         "last_contact": "2025-09-21", "status": "open", "lead_name": "DC Robin Brown", "lead_role": "Detective",
         "lead_team": "Safeguarding Hub", "lead_phone": "0113 496 0999", "lead_email": "robin.brown@police.example"},
        {"source_person_id": "p9", "involvement_id": "inv-p9", "given_name": "Dennis", "family_name": "Jones",
         "date_of_birth": "1970-01-01", "sex": "M", **_HIGH,
         "involvement_type": "Missing person", "involvement_start": "2022-01-01", "last_contact": "2022-01-02",
         "status": "closed", "lead_name": "PC Alex Green", "lead_phone": "01274 496 000"},
    ],
    "NHS": [
        {"source_person_id": "n1", "involvement_id": "inv-n1", "given_name": "William", "family_name": "Smith",
         "date_of_birth": "2012-03-04", "nhs_number": "9434765919", **PARK_ROAD_FIELDS,
         "involvement_type": "A&E attendance", "involvement_start": "2025-06-01", "last_contact": "2025-06-01",
         "status": "closed", "lead_name": "Nurse Kim Lee", "lead_email": "kim.lee@nhs.example"},
        {"source_person_id": "n2", "involvement_id": "inv-n2", "given_name": "Wiliam", "family_name": "Smyth",
         "date_of_birth": "2012-04-03", "involvement_type": "GP registration", "involvement_start": "2020-01-01",
         "status": "open"},
    ],
    "FIRE": [
        {"source_person_id": "f1", "involvement_id": "inv-f1", "given_name": "Sarah", "family_name": "Smith",
         "date_of_birth": "21/07/1985", **PARK_ROAD_FIELDS, "involvement_type": "Home fire safety visit",
         "involvement_start": "2025-03-03", "last_contact": "2025-03-03", "status": "closed",
         "lead_name": "Watch Manager Sam Hill", "lead_phone": "0113 496 0500"},
    ],
}

PEOPLE: dict[str, list[str]] = {
    WILLIAM: ["CSC:c1", "POLICE:p1", "NHS:n1"],
    SARAH: ["CSC:c2", "FIRE:f1"],
    DENNIS: ["POLICE:p9"],
    WILIAM_NHS: ["NHS:n2"],
}
ADDRESSES = {PARK_ROAD: "14 Park Road", HIGH_STREET: "3 High Street"}

# Every personal value above, for scanning what a pseudonymous caller receives.
PERSONAL_VALUES = (
    "William", "Billy", "Sarah", "Smith", "Dennis", "Jones", "Wiliam", "Smyth", "2012-03-04", "1985-07-21",
    "1970-01-01", "9434765919", "Park Road", "High Street", "LS6 2AB", "BD1 1AA", "100000000014",
    "Jane Doe", "jane.doe", "0113 496", "Robin Brown", "robin.brown", "Kim Lee", "Sam Hill", "Alex Green", "01274 496",
    "Domestic abuse",
)

EXPLANATION = json.dumps({"name": {"level": "exact", "weight": 3.1}, "dob": {"level": "exact", "weight": 5.2}})

_PERSONS = """
UNWIND $people AS x
CREATE (p:Person {id: x.id, status: 'active', record_count: size(x.records), created_at: datetime()})
WITH p, x
UNWIND x.records AS rid
MATCH (s:SourceRecord {id: rid})
CREATE (s)-[:RESOLVES_TO]->(p)
SET s.needs_resolution = false
WITH p, collect(DISTINCT s.agency) AS agencies
SET p.agencies = agencies
"""

_ADDRESS = """
MATCH (sa:SourceAddress) WHERE sa.line_1 = $line_1
WITH collect(sa) AS parts
WITH parts, parts[0] AS first
CREATE (a:Address {id: $id, line_1: first.line_1, line_2: first.line_2, town: first.town,
                   postcode: first.postcode, outward: first.outward, uprn: first.uprn, status: 'active'})
FOREACH (sa IN parts | CREATE (sa)-[:RESOLVES_TO]->(a) SET sa.needs_resolution = false)
"""

_MERGED = """
MATCH (survivor:Person {id: $survivor})
CREATE (old:Person {id: $old, status: 'merged', superseded_by: $survivor, record_count: 0, created_at: datetime()})
CREATE (old)-[:MERGED_INTO {at: datetime(), run: 'run-fixture'}]->(survivor)
"""

_SIMILAR = """
UNWIND $edges AS e
MATCH (a:SourceRecord {id: e.a}), (b:SourceRecord {id: e.b})
CREATE (a)-[:SIMILAR {weight: e.weight, probability: e.probability, review: e.review, explanation: $explanation}]->(b)
"""

SIMILAR_EDGES = [
    {"a": "CSC:c1", "b": "POLICE:p1", "weight": 9.1, "probability": 0.998, "review": False},
    {"a": "CSC:c1", "b": "NHS:n1", "weight": 12.0, "probability": 0.999, "review": False},
    {"a": "CSC:c1", "b": "NHS:n2", "weight": 2.5, "probability": 0.71, "review": True},
]


def settings_for_api(settings: Settings) -> Settings:
    return settings.with_overrides(sensitive_involvement_types=SENSITIVE)


def build(graph: Graph, settings: Settings) -> None:
    """Ingest every agency's rows, then write the resolved layer the resolver would write."""
    for agency, rows in ROWS.items():
        summary = ingest_rows(graph, settings.state_dir, agency, rows)
        assert summary.rows_rejected == 0, summary.problems
    graph.run(_PERSONS, people=[{"id": pid, "records": records} for pid, records in PEOPLE.items()])
    for address_id, line_1 in ADDRESSES.items():
        graph.run(_ADDRESS, id=address_id, line_1=line_1)
    rebuild_households(graph, PEOPLE)
    graph.run(_MERGED, survivor=WILLIAM, old=OLD)
    graph.run(_SIMILAR, edges=SIMILAR_EDGES, explanation=EXPLANATION)


def migrated_from(graph: Graph, version: int) -> list[int]:
    """The migrations ``migrate`` applies to a graph recorded at ``version`` (as one migrated
    by an older MAST); the graph's record is put back to the current version afterwards."""
    graph.run("MATCH (v:SchemaVersion {id: 'mast'}) SET v.version = $v", v=version)
    try:
        return [m.version for m in migrate(graph)]
    finally:
        graph.run("MATCH (v:SchemaVersion {id: 'mast'}) SET v.version = $v", v=CODE_VERSION)


def count(graph: Graph, query: str, **params: Any) -> int:
    return graph.run(query, **params)[0]["n"]


ROLE_AGENCY = {"practitioner": "CSC", "analyst": "CSC", "integrator": "POLICE", "reviewer": "CSC", "auditor": "CSC"}


class Api:
    """A TestClient bound to the running app, minting a token per call with the real issuer."""

    def __init__(self, client: TestClient, settings: Settings, graph: Graph) -> None:
        self.client, self.settings, self.graph = client, settings, graph

    def token(self, role: str, agency: str | None = None, subject: str | None = None) -> str:
        return issue_token(self.settings, subject=subject or f"{role}-1", role=role,
                           agency=agency or ROLE_AGENCY[role])

    def post(self, query: str, variables: dict[str, Any] | None = None, *, role: str = "practitioner",
             purpose: str | None = "CASE-123", agency: str | None = None, subject: str | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
        sent = {"Authorization": f"Bearer {self.token(role, agency, subject)}", **(headers or {})}
        if purpose is not None:
            sent["X-MAST-Purpose"] = purpose
        return self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=sent)

    def gql(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        response = self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def audit_events(self) -> list[StoredEvent]:
        return query_events(self.graph, limit=1000)


@pytest.fixture
def api_settings(settings: Settings) -> Settings:
    return settings_for_api(settings)


@pytest.fixture
def api(graph: Graph, api_settings: Settings) -> Iterator[Api]:
    """The fixture graph built and the app running over it."""
    build(graph, api_settings)
    with TestClient(create_app(api_settings)) as client:
        yield Api(client, api_settings, graph)


def errors_at(body: dict[str, Any]) -> dict[str, str]:
    """Each error's path, dotted, to its message."""
    return {".".join(str(p) for p in e.get("path") or ()): e["message"] for e in body.get("errors", [])}


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the resolvers read with, in order, for tests that count round trips."""
    seen: list[str] = []

    def counted(real: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
        def counting(graph: Any, query: str, **params: Any) -> list[Any]:
            seen.append(query)
            return real(graph, query, **params)
        return counting

    monkeypatch.setattr(data, "read", counted(data.read))
    monkeypatch.setattr(data, "single_list", counted(data.single_list))
    return seen
