"""Reviewers settle the pairs the model could not: a decision node for the resolver, both
records queued for the next `mast resolve`, and the pair leaves the queue."""

from __future__ import annotations

from tests.graph.api_fixtures import Api, api, api_settings, errors_at  # noqa: F401

QUEUE = "query($after: String) { reviewQueue(first: 1, after: $after) { items { cursor recordA { id names datesOfBirth personId } recordB { id names } probability } pageInfo { hasNextPage endCursor } } }"
DECIDE = """mutation($a: ID!, $b: ID!, $d: String!) { reviewMatch(recordA: $a, recordB: $b, decision: $d, note: "same DOB swapped") {
  id recordA recordB decision note reviewer at } }"""


def test_review_decision_is_stored_and_the_pair_leaves_the_queue(api: Api) -> None:
    queue = api.gql(QUEUE, role="reviewer")["data"]["reviewQueue"]
    item = queue["items"][0]
    assert (item["recordA"]["id"], item["recordB"]["id"]) == ("CSC:c1", "NHS:n2")
    assert item["recordA"]["names"] == ["William Smith"] and item["recordB"]["names"] == ["Wiliam Smyth"]
    api.graph.run("MATCH (s:SourceRecord) SET s.needs_resolution = false")
    decision = api.gql(DECIDE, {"a": "NHS:n2", "b": "CSC:c1", "d": "same"}, role="reviewer", subject="rev-7")
    stored = decision["data"]["reviewMatch"]
    assert (stored["recordA"], stored["recordB"], stored["decision"], stored["reviewer"]) == ("CSC:c1", "NHS:n2", "same", "rev-7")
    node = api.graph.run("MATCH (d:ReviewDecision) RETURN d {.*} AS d")[0]["d"]
    assert (node["record_a"], node["record_b"], node["note"]) == ("CSC:c1", "NHS:n2", "same DOB swapped")
    pending = api.graph.run("MATCH (s:SourceRecord) WHERE s.needs_resolution RETURN s.id AS id ORDER BY id")
    assert [r["id"] for r in pending] == ["CSC:c1", "NHS:n2"]
    assert api.gql(QUEUE, role="reviewer")["data"]["reviewQueue"]["items"] == []


def test_bad_decisions_are_refused(api: Api) -> None:
    for variables, message in (
        ({"a": "CSC:c1", "b": "NHS:n2", "d": "maybe"}, "decision must be"),
        ({"a": "CSC:c1", "b": "CSC:c1", "d": "same"}, "against itself"),
        ({"a": "CSC:c1", "b": "CSC:nope", "d": "different"}, "no such pair"),
        ({"a": "POLICE:p1", "b": "NHS:n1", "d": "same"}, "'same' is for pairs the resolver scored"),
        ({"a": "CSC:c1", "b": "CSC:nope", "d": "same"}, "'same' is for pairs the resolver scored"),
    ):
        body = api.gql(DECIDE, variables, role="reviewer")
        assert message in errors_at(body)["reviewMatch"]
        event = api.audit_events()[-1]  # refused for its input, not allowed: probing shows in the log
        assert (event.operation, event.outcome) == ("reviewMatch", "refused")
        assert f"reviewMatch refused: {errors_at(body)['reviewMatch']}" in event.detail
        assert f'review of records "{min(variables["a"], variables["b"])}" "{max(variables["a"], variables["b"])}"' in event.detail
    assert api.graph.run("MATCH (d:ReviewDecision) RETURN count(d) AS n")[0]["n"] == 0
    practitioner = api.gql(DECIDE, {"a": "CSC:c1", "b": "NHS:n2", "d": "same"})
    assert "not available to the practitioner role" in errors_at(practitioner)["reviewMatch"]
    event = api.audit_events()[-1]
    assert (event.outcome, event.detail) == ("denied", 'review of records "CSC:c1" "NHS:n2"')


def test_different_may_be_said_of_any_two_records(api: Api) -> None:
    """A 'different' decision can only keep records apart, so it needs no scored pair."""
    body = api.gql(DECIDE, {"a": "POLICE:p1", "b": "NHS:n1", "d": "different"}, role="reviewer")
    assert body["data"]["reviewMatch"]["decision"] == "different"
    event = api.audit_events()[-1]
    stored = body["data"]["reviewMatch"]["id"]
    assert (event.outcome, event.detail) == ("allowed", f'review of records "NHS:n1" "POLICE:p1"; decision different; stored as {stored}')


def test_a_decision_that_other_decisions_would_overrule_is_refused_and_named(api: Api) -> None:
    """'Same' always joins, so a 'different' inside a chain of 'same' decisions would be stored
    and never applied; and a 'same' must not silently join records called different."""
    api.graph.run("MATCH (a:SourceRecord {id: 'NHS:n2'}), (b:SourceRecord {id: 'POLICE:p1'}) "
                  "CREATE (a)-[:SIMILAR {weight: 1.0, review: true}]->(b)")
    for a, b in (("CSC:c1", "NHS:n2"), ("NHS:n2", "POLICE:p1")):
        assert api.gql(DECIDE, {"a": a, "b": b, "d": "same"}, role="reviewer")["data"]["reviewMatch"]
    body = api.gql(DECIDE, {"a": "POLICE:p1", "b": "CSC:c1", "d": "different"}, role="reviewer")
    message = errors_at(body)["reviewMatch"]
    assert message.startswith("CSC:c1 and POLICE:p1 are held together by reviewers' 'same' decisions on "
                              "CSC:c1 and NHS:n2, NHS:n2 and POLICE:p1")
    assert (api.audit_events()[-1].outcome, api.graph.run("MATCH (d:ReviewDecision) RETURN count(d) AS n")[0]["n"]) == (
        "refused", 2)

    # Changing a link of the chain is how the reviewer proceeds; then the 'different' is taken.
    assert api.gql(DECIDE, {"a": "NHS:n2", "b": "POLICE:p1", "d": "different"}, role="reviewer")["data"]["reviewMatch"]
    assert api.gql(DECIDE, {"a": "POLICE:p1", "b": "CSC:c1", "d": "different"}, role="reviewer")["data"]["reviewMatch"]
    body = api.gql(DECIDE, {"a": "NHS:n2", "b": "POLICE:p1", "d": "same"}, role="reviewer")
    assert errors_at(body)["reviewMatch"].startswith(
        "this would make one person of records a reviewer decided are different people (CSC:c1 and POLICE:p1)")
    assert api.graph.run("MATCH (d:ReviewDecision) RETURN count(d) AS n")[0]["n"] == 4
