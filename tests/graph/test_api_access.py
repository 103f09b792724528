"""Who sees what: the role x field matrix, purpose, pseudonyms, integrator writes, and one
audit event per request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.graph.api_fixtures import (  # noqa: F401
    PERSONAL_VALUES, SARAH, WILLIAM, Api, api, api_settings, errors_at,
)

PERSON_FIELDS = """
    id name dateOfBirth ageBand sex nhsNumber knownTo
    involvements { agency type leadWorker { name phone email } }
    agencySummary { agency lastIntervention contact { name phone } }
    addresses { address { id line1 line2 town postcode uprn outward } }
    sourceRecords { id }
    matchExplanation { recordA }
"""
PERSON = "query($id: ID!) { person(id: $id) { %s } }" % PERSON_FIELDS
MULTI = 'query { multiAgencyPeople(minAgencies: 2, since: "2020-01-01") { edges { node { %s } } } }' % PERSON_FIELDS
SEARCH = 'query { searchPeople(name: "William Smith") { score person { id name } } }'
ADDRESS = 'query { address(id: "A-park") { id line1 residents { person { id } } } }'
REVIEW_QUEUE = "query { reviewQueue { items { recordA { id names } recordB { id } explanation } } }"
AUDIT_LOG = "query { auditLog { seq subject operation } }"
INGEST = """mutation($source: String!) { ingestRecords(source: $source, rows: [{source_person_id: "x9", given_name: "Ann",
  family_name: "Other"}]) { batchId rowsLanded problems { line field reason } } }"""

PROTECTED_PERSON = {"name", "dateOfBirth", "nhsNumber", "sourceRecords", "matchExplanation"}


def test_practitioner_sees_every_person_field(api: Api) -> None:
    body = api.gql(PERSON, {"id": WILLIAM})
    assert "errors" not in body
    person = body["data"]["person"]
    assert all(person[f] is not None for f in PROTECTED_PERSON)
    assert all(i["leadWorker"] for i in person["involvements"])
    assert person["addresses"][0]["address"]["line1"] == "14 Park Road"


def _scan(value: Any) -> list[str]:
    text = json.dumps(value)
    return [v for v in PERSONAL_VALUES if v.lower() in text.lower()]


def test_analyst_sees_the_pseudonymous_graph_only(api: Api) -> None:
    body = api.gql(MULTI, role="analyst", purpose=None)
    people = [e["node"] for e in body["data"]["multiAgencyPeople"]["edges"]]
    assert len(people) == 2
    assert _scan(body["data"]) == []
    assert not {p["id"] for p in people} & {WILLIAM, SARAH}
    assert sorted(p["ageBand"] for p in people) == ["11-15", "35-44"]
    assert all(p["addresses"][0]["address"]["outward"] == "LS6" for p in people)
    assert all(p["involvements"] and p["knownTo"] for p in people)
    for person in people:
        assert all(person[f] is None for f in PROTECTED_PERSON)
        assert all(i["leadWorker"] is None for i in person["involvements"])
        assert all(s["contact"] is None for s in person["agencySummary"])
        assert all(a["address"][f] is None for a in person["addresses"] for f in ("line1", "postcode", "uprn"))
    errors = errors_at(body)
    assert errors["multiAgencyPeople.edges.0.node.name"] == "Person.name is not available to the analyst role"
    assert "multiAgencyPeople.edges.0.node.involvements.0.leadWorker" in errors
    assert "multiAgencyPeople.edges.0.node.addresses.0.address.line1" in errors


def test_analyst_pseudonyms_are_stable_across_requests(api: Api) -> None:
    ids = [sorted(e["node"]["id"] for e in api.gql(MULTI, role="analyst")["data"]["multiAgencyPeople"]["edges"])
           for _ in range(2)]
    assert ids[0] == ids[1]
    assert all(i.startswith("PX-") for i in ids[0])


@pytest.mark.parametrize("role", ["analyst", "integrator", "reviewer", "auditor"])
def test_only_practitioners_read_people_by_id_or_search(api: Api, role: str) -> None:
    for query in (PERSON, SEARCH, ADDRESS):
        body = api.gql(query, {"id": WILLIAM}, role=role)
        assert body["data"] is None or all(v is None for v in body["data"].values())
        assert "not available to the" in next(iter(errors_at(body).values()))
        assert _scan(body) == []


def test_a_forbidden_id_looks_like_an_unknown_one(api: Api) -> None:
    known = api.post(PERSON, {"id": WILLIAM}, role="integrator")
    unknown = api.post(PERSON, {"id": "P-nobody"}, role="integrator")
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()


def test_practitioner_read_without_purpose_is_refused_and_audited(api: Api) -> None:
    body = api.gql(PERSON, {"id": WILLIAM}, purpose=None)
    assert body["data"]["person"] is None
    assert "X-MAST-Purpose" in errors_at(body)["person"]
    events = api.audit_events()
    assert len(events) == 1
    assert events[0].outcome == "denied" and events[0].operation == "person"
    assert not events[0].person_ids


def test_integrator_writes_only_its_own_agency(api: Api) -> None:
    own = api.gql(INGEST, {"source": "POLICE"}, role="integrator", agency="POLICE")
    assert own["data"]["ingestRecords"]["rowsLanded"] == 1
    other = api.gql(INGEST, {"source": "CSC"}, role="integrator", agency="POLICE")
    assert other["data"]["ingestRecords"] is None
    assert "own agency" in errors_at(other)["ingestRecords"]
    assert api.graph.run("MATCH (s:SourceRecord {id: 'CSC:x9'}) RETURN count(s) AS n")[0]["n"] == 0
    practitioner = api.gql(INGEST, {"source": "CSC"}, role="practitioner")
    assert practitioner["data"]["ingestRecords"] is None


def test_integrator_gets_the_pipelines_problem_report(api: Api) -> None:
    query = """mutation { ingestRecords(source: "POLICE", rows: [
        {source_person_id: "x1", given_name: "Ann", date_of_birth: "31/02/2001"},
        {given_name: "No id"}]) { rowsRead rowsLanded rowsRejected fieldsDropped problems { line field kind } } }"""
    result = api.gql(query, role="integrator", agency="POLICE")["data"]["ingestRecords"]
    assert (result["rowsRead"], result["rowsLanded"], result["rowsRejected"], result["fieldsDropped"]) == (2, 1, 1, 1)
    assert {(p["line"], p["field"], p["kind"]) for p in result["problems"]} == {
        (1, "date_of_birth", "dropped"), (2, "source_person_id", "rejected")}


def test_reviewer_sees_the_queue_and_nothing_else(api: Api) -> None:
    items = api.gql(REVIEW_QUEUE, role="reviewer")["data"]["reviewQueue"]["items"]
    assert [(i["recordA"]["id"], i["recordB"]["id"]) for i in items] == [("CSC:c1", "NHS:n2")]
    assert items[0]["explanation"]["name"]["level"] == "exact"
    assert api.gql(AUDIT_LOG, role="reviewer")["data"]["auditLog"] is None


def test_auditor_reads_the_log_and_nothing_else(api: Api) -> None:
    api.gql(PERSON, {"id": WILLIAM}, subject="pat")
    log = api.gql(AUDIT_LOG, role="auditor")["data"]["auditLog"]
    assert [(e["subject"], e["operation"]) for e in log] == [("pat", "person")]
    viewed = api.gql('query { peopleViewedBy(subject: "pat") }', role="auditor")["data"]["peopleViewedBy"]
    assert WILLIAM in viewed
    viewers = api.gql('query { viewersOf(personId: "P-william") }', role="auditor")["data"]["viewersOf"]
    assert viewers == ["pat"]
    # Whom an auditor asked about is in their own request's event; a blank name is not "everyone".
    assert [e.detail for e in api.audit_events()[-3:]] == [
        "", 'asked about subject "pat"', 'asked about personId "P-william"']
    for blank in ('auditLog(personId: " ") { seq }', 'viewersOf(personId: "")', 'peopleViewedBy(subject: "")',
                  'auditLog(subject: "") { seq }'):
        body = api.gql(f"query {{ {blank} }}", role="auditor")
        assert list(body["data"].values()) == [None] and errors_at(body)[blank.split("(")[0]].endswith(": empty")
    assert api.gql(MULTI, role="auditor")["data"]["multiAgencyPeople"] is None
    assert api.gql(REVIEW_QUEUE, role="auditor")["data"]["reviewQueue"] is None


def test_the_audit_names_everyone_an_answer_includes_whether_or_not_their_id_is_asked_for(api: Api) -> None:
    api.gql("query($id: ID!) { person(id: $id) { name addresses { address { line1 } } } }", {"id": WILLIAM})
    api.gql('query { searchPeople(name: "William Smith") { score person { name } } }')
    api.gql('query { address(id: "A-park") { line1 residents { firstSeen } } }')
    person, search, address = api.audit_events()
    assert set(person.person_ids) == {WILLIAM} and person.address_ids
    assert WILLIAM in search.person_ids
    assert address.address_ids == ("A-park",) and address.person_ids


def test_a_read_refused_in_part_still_answers_who_viewed_whom(api: Api) -> None:
    body = api.gql("query($id: ID!) { person(id: $id) { name } auditLog { seq } }", {"id": WILLIAM}, subject="sneaky")
    assert body["data"]["person"]["name"] and body["data"]["auditLog"] is None
    assert api.audit_events()[-1].outcome == "denied"
    viewers = api.gql('query { viewersOf(personId: "P-william") }', role="auditor")["data"]["viewersOf"]
    viewed = api.gql('query { peopleViewedBy(subject: "sneaky") }', role="auditor")["data"]["peopleViewedBy"]
    assert "sneaky" in viewers and viewed == [WILLIAM]


MATRIX = [
    ("practitioner", PERSON, {"id": WILLIAM}, "allowed"),
    ("practitioner", SEARCH, None, "allowed"),
    ("practitioner", ADDRESS, None, "allowed"),
    ("practitioner", MULTI, None, "allowed"),
    ("analyst", MULTI, None, "denied"),  # protected fields asked for and refused
    ("analyst", PERSON, {"id": WILLIAM}, "denied"),
    ("integrator", PERSON, {"id": WILLIAM}, "denied"),
    ("reviewer", REVIEW_QUEUE, None, "allowed"),
    ("reviewer", PERSON, {"id": WILLIAM}, "denied"),
    ("auditor", AUDIT_LOG, None, "allowed"),
    ("auditor", SEARCH, None, "denied"),
]


def test_every_request_in_the_matrix_leaves_exactly_one_audit_event(api: Api) -> None:
    for number, (role, query, variables, outcome) in enumerate(MATRIX, start=1):
        api.gql(query, variables, role=role, subject=f"{role}-{number}")
        events = api.audit_events()
        assert len(events) == number, (role, query)
        event = events[-1]
        assert (event.subject, event.role, event.outcome) == (f"{role}-{number}", role, outcome)
    person_read = api.audit_events()[0]
    assert person_read.purpose == "CASE-123"
    assert set(person_read.person_ids) == {WILLIAM}
    assert {"Person.name", "Person.nhsNumber", "Involvement.leadWorker"} <= set(person_read.fields)
    analyst = api.audit_events()[4]
    assert "denied:Person.name" in analyst.fields
    assert set(analyst.person_ids) == {WILLIAM, SARAH}


def test_an_answer_that_named_someone_is_allowed_though_another_field_was_refused(api: Api) -> None:
    body = api.gql('query($id: ID!) { person(id: $id) { id } searchAddresses(uprn: "abc") { id } }', {"id": WILLIAM})
    assert body["data"]["person"]["id"] == WILLIAM and body["data"]["searchAddresses"] is None
    event = api.audit_events()[-1]
    assert (event.outcome, event.person_ids) == ("allowed", (WILLIAM,))  # it disclosed William
    assert "searchAddresses refused: uprn:" in event.detail
