"""Practitioners' reads: a person with involvements, contacts, addresses, household,
lineage and match explanation; superseded ids; sensitive types; addresses; traversal."""

from __future__ import annotations

from app.ingest.pipeline import ingest_rows
from app.resolution.store import rebuild_households
from graph_schema.migrations import CODE_VERSION
from tests.graph.api_fixtures import (DENNIS, OLD, PARK_ROAD, PARK_ROAD_FIELDS, SARAH, WILLIAM, Api, api,  # noqa: F401
                                      api_settings, errors_at, migrated_from)

PERSON = """
query($id: ID!) {
  person(id: $id) {
    id name dateOfBirth ageBand sex nhsNumber knownTo
    involvements { agency type sensitive start lastContact status leadWorker { name role team phone email } }
    agencySummary { agency involvementCount openInvolvements lastIntervention contact { name phone } }
    addresses { firstSeen lastSeen address { id line1 town postcode outward uprn } }
    household { person { id name } address { id } }
    sourceRecords { id agency sourcePersonId batches }
    matchExplanation { recordA recordB probability review explanation }
  }
}
"""


def test_person_with_involvements_contacts_and_lineage(api: Api) -> None:
    body = api.gql(PERSON, {"id": WILLIAM})
    assert "errors" not in body, body
    person = body["data"]["person"]
    assert person["id"] == WILLIAM
    assert person["name"] == "William Smith"
    assert person["dateOfBirth"] == "2012-03-04"
    assert person["nhsNumber"] == "9434765919"
    assert person["knownTo"] == ["CSC", "NHS", "POLICE"]
    by_agency = {i["agency"]: i for i in person["involvements"]}
    assert by_agency["CSC"]["type"] == "Child Protection Plan"
    assert by_agency["CSC"]["leadWorker"]["phone"] == "0113 496 0001"
    summary = {s["agency"]: s for s in person["agencySummary"]}
    assert summary["CSC"]["lastIntervention"] == "2025-10-01"
    assert summary["POLICE"]["contact"]["name"] == "DC Robin Brown"
    assert [a["address"]["id"] for a in person["addresses"]] == [PARK_ROAD]
    assert person["addresses"][0]["address"]["postcode"] == "LS6 2AB"
    assert [m["person"]["id"] for m in person["household"]] == [SARAH]
    assert {r["id"] for r in person["sourceRecords"]} == {"CSC:c1", "POLICE:p1", "NHS:n1"}
    assert all(r["batches"] for r in person["sourceRecords"])
    pairs = {(e["recordA"], e["recordB"]) for e in person["matchExplanation"]}
    assert pairs == {("CSC:c1", "POLICE:p1"), ("CSC:c1", "NHS:n1")}
    assert person["matchExplanation"][0]["explanation"]["dob"]["level"] == "exact"


def test_sensitive_type_shows_only_as_known_to_with_contact(api: Api) -> None:
    police = api.gql(PERSON, {"id": WILLIAM})["data"]["person"]["involvements"]
    shown = next(i for i in police if i["agency"] == "POLICE")
    assert shown["type"] == "known to POLICE" and shown["sensitive"] is True
    assert (shown["start"], shown["lastContact"], shown["status"]) == (None, None, None)
    summary = {s["agency"]: s for s in api.gql(PERSON, {"id": WILLIAM})["data"]["person"]["agencySummary"]}
    assert (summary["POLICE"]["involvementCount"], summary["POLICE"]["openInvolvements"]) == (1, None)
    assert summary["CSC"]["openInvolvements"] == 1
    assert shown["leadWorker"]["phone"] == "0113 496 0999"
    assert "Domestic abuse" not in str(api.post(PERSON, {"id": WILLIAM}).text)
    own = api.gql(PERSON, {"id": WILLIAM}, agency="POLICE")["data"]["person"]["involvements"]
    police_own = next(i for i in own if i["agency"] == "POLICE")
    assert police_own["type"] == "Domestic abuse incident" and police_own["start"] and police_own["status"]
    own_summary = api.gql(PERSON, {"id": WILLIAM}, agency="POLICE")["data"]["person"]["agencySummary"]
    assert next(s for s in own_summary if s["agency"] == "POLICE")["openInvolvements"] == 1
    at_address = api.gql('query { address(id: "A-park") { involvements { agency involvements { type start status } } } }')
    police_there = next(a for a in at_address["data"]["address"]["involvements"] if a["agency"] == "POLICE")
    assert police_there["involvements"] == [{"type": "known to POLICE", "start": None, "status": None}]


def test_another_agency_cannot_date_a_sensitive_involvement_through_multi_agency_people(api: Api) -> None:
    """William's only activity after 2025-12-01 is a sensitive POLICE involvement: listing him
    for a CSC caller would date it, by moving `since` until he drops out."""
    later = {"source_person_id": "p1", "involvement_id": "inv-p1b", "given_name": "Billy", "family_name": "Smith",
             "involvement_type": "Domestic abuse incident", "involvement_start": "2026-01-01"}
    assert ingest_rows(api.graph, api.settings.state_dir, "POLICE", [later]).rows_landed == 1
    query = 'query { multiAgencyPeople(minAgencies: 2, since: "2025-12-01") { edges { node { id } } } }'
    listed = {role_agency: [e["node"]["id"] for e in api.gql(query, agency=role_agency)["data"]["multiAgencyPeople"]["edges"]]
              for role_agency in ("CSC", "POLICE")}
    assert listed == {"CSC": [], "POLICE": [WILLIAM]}


def test_another_agency_cannot_date_a_sensitive_involvement_through_address_dates(api: Api) -> None:
    """A later sensitive POLICE row at Park Road would otherwise move William's last date there
    to its own, for every caller, in his addresses, his mother's household and the residents."""
    later = {"source_person_id": "p1", "involvement_id": "inv-p1b", "given_name": "Billy", "family_name": "Smith",
             **PARK_ROAD_FIELDS, "involvement_type": "Domestic abuse incident", "involvement_start": "2026-01-01"}
    assert ingest_rows(api.graph, api.settings.state_dir, "POLICE", [later]).rows_landed == 1
    rebuild_households(api.graph, [WILLIAM, SARAH])
    query = """query($w: ID!, $s: ID!, $a: ID!) {
      william: person(id: $w) { addresses { firstSeen lastSeen } }
      sarah: person(id: $s) { household { person { id } firstSeen lastSeen } }
      address(id: $a) { residents { person { id } firstSeen lastSeen } } }"""
    ids = {"w": WILLIAM, "s": SARAH, "a": PARK_ROAD}

    def william_dates(**caller: str) -> list[tuple[str, str]]:
        body = api.gql(query, ids, **caller)
        assert "errors" not in body, body
        found = body["data"]
        return [(row["firstSeen"], row["lastSeen"]) for row in (
            *found["william"]["addresses"],
            *(m for m in found["sarah"]["household"] if m["person"]["id"] == WILLIAM),
            *(r for r in found["address"]["residents"] if r["person"]["id"] == WILLIAM))]

    assert william_dates(agency="CSC") == [("2024-01-10", "2025-10-01")] * 3
    assert william_dates(agency="POLICE") == [("2024-01-10", "2026-01-01")] * 3
    analyst = api.gql('query { multiAgencyPeople(minAgencies: 3, since: "2025-01-01") { edges { node { addresses { lastSeen } } } } }',
                      role="analyst")
    assert analyst["data"]["multiAgencyPeople"]["edges"] == [{"node": {"addresses": [{"lastSeen": "2025-10-01"}]}}]
    # A row that does not give the type still dates the involvement it names, which stays sensitive.
    untyped = {"source_person_id": "p1", "involvement_id": "inv-p1", "given_name": "Billy", "family_name": "Smith",
               **PARK_ROAD_FIELDS, "last_contact": "2026-02-02"}
    assert ingest_rows(api.graph, api.settings.state_dir, "POLICE", [untyped]).rows_landed == 1
    rebuild_households(api.graph, [WILLIAM, SARAH])
    assert william_dates(agency="CSC") == [("2024-01-10", "2025-10-01")] * 3
    assert william_dates(agency="POLICE") == [("2024-01-10", "2026-02-02")] * 3


def test_an_involvement_made_sensitive_later_no_longer_dates_its_address(api: Api) -> None:
    """Dennis is known at High Street only through a POLICE 'Missing person' involvement; POLICE
    then files it as a domestic abuse incident. No resolution runs in between."""
    query = "query($id: ID!) { person(id: $id) { addresses { firstSeen lastSeen } } }"
    assert api.gql(query, {"id": DENNIS})["data"]["person"]["addresses"] == [
        {"firstSeen": "2022-01-01", "lastSeen": "2022-01-02"}]
    reclassified = {"source_person_id": "p9", "involvement_id": "inv-p9", "given_name": "Dennis", "family_name": "Jones",
                    "involvement_type": "Domestic abuse incident"}
    assert ingest_rows(api.graph, api.settings.state_dir, "POLICE", [reclassified]).rows_landed == 1
    assert api.gql(query, {"id": DENNIS})["data"]["person"]["addresses"] == [{"firstSeen": None, "lastSeen": None}]
    assert api.gql(query, {"id": DENNIS}, agency="POLICE")["data"]["person"]["addresses"] == [
        {"firstSeen": "2022-01-01", "lastSeen": "2022-01-02"}]


def test_dates_the_address_migration_cannot_attribute_are_hidden_where_they_could_be_sensitive(api: Api) -> None:
    """A graph loaded before migration 6 does not say which involvement gave an address. POLICE's
    incident at Park Road has since moved to another of its records, leaving William's POLICE
    record with a theft at no address: filing Park Road's dates under the theft would show the
    incident's dates (found by QA)."""
    moved = [{"source_person_id": "p1", "involvement_id": "inv-p1-theft", "given_name": "Billy", "family_name": "Smith",
              "involvement_type": "Theft", "involvement_start": "2020-01-01", "last_contact": "2026-12-31"},
             {"source_person_id": "p2", "involvement_id": "inv-p1", "given_name": "Billy", "family_name": "Smith",
              "involvement_type": "Domestic abuse incident"}]
    assert ingest_rows(api.graph, api.settings.state_dir, "POLICE", moved).rows_landed == 2
    assert api.graph.run("MATCH (:SourceRecord {id: 'POLICE:p1'})-[:HAS_INVOLVEMENT]->(i) RETURN i.id AS id") == [
        {"id": "POLICE:inv-p1-theft"}]
    api.graph.run("MATCH (:SourceRecord {id: 'POLICE:p1'})-[g:GAVE_ADDRESS]->(), (:Person {id: $id})-[l:LIVES_AT]->() "
                  "SET g.last_seen = date('2025-12-24'), l.last_seen = date('2025-12-24')", id=WILLIAM)
    api.graph.run("MATCH ()-[g:GAVE_ADDRESS]->() REMOVE g.span_involvements, g.span_first, g.span_last")
    api.graph.run("MATCH ()-[l:LIVES_AT]->() REMOVE l.seen_agencies, l.seen_involvements, l.seen_first, l.seen_last")
    assert migrated_from(api.graph, 5) == list(range(6, CODE_VERSION + 1))
    query = "query($id: ID!) { person(id: $id) { addresses { firstSeen lastSeen } } }"
    assert api.gql(query, {"id": WILLIAM})["data"]["person"]["addresses"] == [
        {"firstSeen": "2024-01-10", "lastSeen": "2025-10-01"}]
    assert api.gql(query, {"id": WILLIAM}, agency="POLICE")["data"]["person"]["addresses"] == [
        {"firstSeen": "2024-01-10", "lastSeen": "2025-12-24"}]
    # FIRE has no sensitive types, so the dates of its link show.
    assert api.gql(query, {"id": SARAH})["data"]["person"]["addresses"] == [
        {"firstSeen": "2023-05-01", "lastSeen": "2025-03-03"}]


def test_superseded_id_resolves_to_the_survivor(api: Api) -> None:
    body = api.gql("query($id: ID!) { person(id: $id) { id name } }", {"id": OLD})
    assert body["data"]["person"] == {"id": WILLIAM, "name": "William Smith"}


def test_unknown_id_is_null_without_error(api: Api) -> None:
    body = api.gql("query { person(id: \"P-nobody\") { id } }")
    assert body == {"data": {"person": None}}


def test_address_residents_and_involvements_by_agency(api: Api) -> None:
    query = """query($id: ID!) { address(id: $id) { id line1 postcode
        residents { person { id } firstSeen lastSeen }
        involvements { agency involvements { type leadWorker { name } } } } }"""
    address = api.gql(query, {"id": PARK_ROAD})["data"]["address"]
    assert address["line1"] == "14 Park Road"
    assert {r["person"]["id"] for r in address["residents"]} == {WILLIAM, SARAH}
    assert [a["agency"] for a in address["involvements"]] == ["CSC", "FIRE", "NHS", "POLICE"]


def test_search_addresses_by_postcode_uprn_and_text(api: Api) -> None:
    query = "query($p: String, $u: String, $t: String) { searchAddresses(postcode: $p, uprn: $u, text: $t) { id } }"
    for variables in ({"p": "ls6 2ab"}, {"u": "100000000014"}, {"u": " 100000000014 "}, {"t": "park road"},
                      {"p": "LS62AB", "t": "14 park"}, {"t": "14 Park Road, Leeds"}, {"t": " park  road leeds"},
                      {"p": "LS6 2AB", "t": "road leeds"}, {"t": "14,park road"}):
        assert api.gql(query, variables)["data"]["searchAddresses"] == [{"id": PARK_ROAD}], variables
    for elsewhere in ("4 park road", "park roa", "14 park road leeds ls6"):  # whole words, lines and town only
        assert api.gql(query, {"t": elsewhere})["data"]["searchAddresses"] == [], elsewhere
    for wrong in ("14a", "0100000000014"):  # refused as ingestion refuses them, not searched for as sent
        assert "uprn: a UPRN is a number" in errors_at(api.gql(query, {"u": wrong}))["searchAddresses"]


def test_multi_agency_people_pages_with_cursors(api: Api) -> None:
    query = """query($after: String) { multiAgencyPeople(minAgencies: 2, since: "2025-01-01", first: 1, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    first = api.gql(query)["data"]["multiAgencyPeople"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = api.gql(query, {"after": first["pageInfo"]["endCursor"]})["data"]["multiAgencyPeople"]
    assert second["pageInfo"]["hasNextPage"] is False
    ids = [e["node"]["id"] for e in first["edges"] + second["edges"]]
    assert sorted(ids) == sorted([WILLIAM, SARAH])
    recent = api.gql('query { multiAgencyPeople(minAgencies: 3, since: "2025-01-01") { edges { node { id } } } }')
    assert [e["node"]["id"] for e in recent["data"]["multiAgencyPeople"]["edges"]] == [WILLIAM]


def test_connections_traverse_households_with_depth_and_pages(api: Api) -> None:
    query = """query($id: ID!, $after: String) { connections(personId: $id, depth: 2, first: 1, after: $after) {
        edges { distance node { id } } pageInfo { hasNextPage endCursor } } }"""
    page = api.gql(query, {"id": WILLIAM})["data"]["connections"]
    assert page["edges"] == [{"distance": 1, "node": {"id": SARAH}}]
    assert page["pageInfo"]["hasNextPage"] is False
    assert set(api.audit_events()[-1].person_ids) == {WILLIAM, SARAH}  # whose network, and who is in it
    deep = api.gql('query { connections(personId: "P-william", depth: 9) { edges { node { id } } } }')
    assert deep["data"]["connections"] is None
    assert "depth must be between" in errors_at(deep)["connections"]
