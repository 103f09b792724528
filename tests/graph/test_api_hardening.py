"""What a hostile or careless client cannot do: deep or wide queries (fragments included),
huge bodies, GET, batches, introspection and suggestions in production, leaked internals,
and reading data when the audit cannot be written."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from app.audit.log import AuditWriteError
from app.settings import Settings
from app.web import create_app
from resolvers import data, http
from tests.graph.api_fixtures import WILLIAM, Api, api, api_settings, errors_at  # noqa: F401


def _nested(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"household {{ person {{ {inner} }} }}"
    return f'query {{ person(id: "{WILLIAM}") {{ {inner} }} }}'


def test_depth_limit(api: Api) -> None:
    assert "errors" not in api.gql(_nested(3))
    body = api.gql(_nested(5))
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_depth_limit_holds_through_fragments(api: Api) -> None:
    query = f"""query {{ person(id: "{WILLIAM}") {{ ...A }} }}
    fragment A on Person {{ household {{ person {{ ...B }} }} }}
    fragment B on Person {{ household {{ person {{ ...C }} }} }}
    fragment C on Person {{ household {{ person {{ ...D }} }} }}
    fragment D on Person {{ household {{ person {{ ...E }} }} }}
    fragment E on Person {{ household {{ person {{ id }} }} }}"""
    body = api.gql(query)
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_alias_limit_including_fragments(api: Api) -> None:
    fields = " ".join(f"a{i}: id" for i in range(10))
    query = f"""query {{ person(id: "{WILLIAM}") {{ ...F {" ".join(f"b{i}: id" for i in range(10))} }} }}
    fragment F on Person {{ {fields} }}"""
    body = api.gql(query)
    assert body.get("data") is None
    assert "aliases found" in body["errors"][0]["message"]
    assert api.audit_events() == []


def test_token_limit(api: Api) -> None:
    body = api.gql("query { " + "__typename " * 3000 + "}")
    assert body.get("data") is None
    assert "token" in body["errors"][0]["message"].lower()


def test_get_batches_and_oversized_bodies_are_refused(api: Api) -> None:
    token = api.token("practitioner")
    headers = {"Authorization": f"Bearer {token}", "X-MAST-Purpose": "CASE-1"}
    assert api.client.get("/graphql", params={"query": "{ __typename }"}, headers=headers).status_code == 405
    assert api.client.get("/graphql", headers={"Accept": "text/html"}).status_code == 405
    batch = [{"query": "{ __typename }"}, {"query": "{ __typename }"}]
    assert api.client.post("/graphql", json=batch, headers=headers).status_code == 400
    huge = {"query": "{ __typename }", "variables": {"x": "a" * 1_100_000}}
    assert api.client.post("/graphql", json=huge, headers=headers).status_code == 413


def test_no_introspection_or_suggestions_outside_development(api: Api) -> None:
    body = api.gql("query { __schema { types { name } } }")
    assert body.get("data") is None and "introspection" in body["errors"][0]["message"].lower()
    typo = api.gql(f'query {{ person(id: "{WILLIAM}") {{ nam }} }}')
    assert "Did you mean" not in typo["errors"][0]["message"]


def test_development_allows_introspection(api_settings: Settings, graph: object) -> None:
    with TestClient(create_app(api_settings.with_overrides(env="development"))) as client:
        dev = Api(client, api_settings, graph)  # type: ignore[arg-type]
        assert dev.gql("query { __schema { queryType { name } } }")["data"]["__schema"]["queryType"]["name"] == "Query"
        assert "graphiql" in client.get("/graphql", headers={"Accept": "text/html"}).text.lower()
        assert client.get("/graphql", params={"query": "{ __typename }"}).status_code == 405


def test_unexpected_errors_are_masked(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("bolt://secret-host internal detail")

    monkeypatch.setattr(data, "persons", broken)
    body = api.gql(f'query {{ person(id: "{WILLIAM}") {{ id }} }}')
    assert errors_at(body)["person"] == "Internal error."
    assert "secret-host" not in str(body)


def test_no_data_leaves_when_the_audit_cannot_be_written(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*args: object) -> None:
        raise AuditWriteError("chain unavailable")

    monkeypatch.setattr(http, "append_event_async", refuse)
    response = api.post(f'query {{ person(id: "{WILLIAM}") {{ name }} }}')
    assert response.status_code == 500
    assert "William" not in response.text and "chain" not in response.text


def test_missing_or_garbage_tokens_get_401(api: Api) -> None:
    query = {"query": f'query {{ person(id: "{WILLIAM}") {{ id }} }}'}
    assert api.client.post("/graphql", json=query).status_code == 401
    bad = {"Authorization": "Bearer not-a-token", "X-MAST-Purpose": "CASE-1"}
    assert api.client.post("/graphql", json=query, headers=bad).status_code == 401
    assert api.audit_events() == []


def _headers(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.token('practitioner')}", "X-MAST-Purpose": "CASE-1",
            "Content-Type": "application/json"}


@pytest.mark.parametrize("raw", [
    b'"abc"', b"null", b"1", b'{"query":"\xff\xfe"}',
    b'{"query":"{__typename}","variables":{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
], ids=["string", "null", "number", "invalid-utf8", "deeply-nested"])
def test_malformed_bodies_get_400_not_a_server_error(api: Api, raw: bytes) -> None:
    response = api.client.post("/graphql", content=raw, headers=_headers(api))
    assert response.status_code == 400
    assert "Traceback" not in response.text and "Error" not in response.text
    assert api.audit_events() == []


MULTI_AGENCY = "multiAgencyPeople(minAgencies: {}, since: {}) {{ pageInfo {{ hasNextPage }} }}"


@pytest.mark.parametrize(("query", "variable", "value", "expected_type"), [
    ("query($f: Int) { " + MULTI_AGENCY.format("$f", '"2000-01-01"') + " }", "f", "3", "Int"),
    ("query($n: String) { searchPeople(name: $n) { score } }", "n", {"a": "Smyth"}, "String"),
    ("query($n: ID!) { person(id: $n) { id } }", "n", True, "ID!"),
    ("query($d: Date!) { " + MULTI_AGENCY.format(2, "$d") + " }", "d", "2020-02-30", "Date!"),
], ids=["int", "string", "id", "date"])
def test_wrong_typed_variables_get_a_graphql_message_without_the_value(
        api: Api, query: str, variable: str, value: object, expected_type: str) -> None:
    body = api.gql(query, {variable: value})
    assert body.get("data") is None
    messages = [e["message"] for e in body["errors"]]
    assert messages == [f"Variable '${variable}' expects a value of type '{expected_type}'."]
    assert "Smyth" not in str(body)
    assert api.audit_events() == []


def test_logs_carry_no_query_values_or_variables(api: Api, monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    secret = "William Smith 2012-03-04"

    def broken(*args: object) -> None:
        raise RuntimeError(secret)

    caplog.set_level(logging.DEBUG)
    api.gql('query { searchPeople(name: "Wiliam Smyth", postcode: "LS6 2AB") { nme } }')
    api.gql("query($n: ID!, $d: Date!) { person(id: $n) { id } multiAgencyPeople(since: $d) { pageInfo { hasNextPage } } }",
            {"n": {"nhs": "9434765919"}, "d": "1985-07-21"})
    monkeypatch.setattr(data, "persons", broken)
    api.gql(f'query Lookup {{ person(id: "{WILLIAM}") {{ name }} }}')
    for value in ("Wiliam", "Smyth", "LS6 2AB", "9434765919", "1985-07-21", "William", "2012-03-04", WILLIAM):
        assert value not in caplog.text
    unexpected = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(unexpected) == 1
    assert "RuntimeError" in unexpected[0] and "person" in unexpected[0] and "Lookup" in unexpected[0]
    assert "in broken" in unexpected[0]  # the frames, to find the fault by


@pytest.mark.parametrize(("query", "expected"), [
    ('query { multiAgencyPeople(minAgencies: 2, sinc: "2000-01-01") { pageInfo { hasNextPage } } }',
     "Unknown argument 'sinc' on field 'Query.multiAgencyPeople'."),
    (f'query {{ person(id: "{WILLIAM}") {{ ...F }} }} fragment F on Persn {{ id }}', "Unknown type 'Persn'."),
    ("query($x: ReviewQueu) { __typename }", "Unknown type 'ReviewQueu'."),
    ('query { person(id: "x") { ...Z } }', "Unknown fragment 'Z'."),
], ids=["argument", "fragment-type", "variable-type", "unknown-fragment"])
def test_no_suggestions_of_any_kind_outside_development(api: Api, query: str, expected: str) -> None:
    messages = [e["message"] for e in api.gql(query)["errors"]]
    assert expected in messages
    assert not any("Did you mean" in m for m in messages)


def test_several_operations_need_an_operation_name(api: Api) -> None:
    query = f'query A {{ __typename }} query B {{ person(id: "{WILLIAM}") {{ name }} }}'
    body = api.client.post("/graphql", json={"query": query}, headers=_headers(api)).json()
    assert body.get("data") is None
    assert [e["message"] for e in body["errors"]] == ["Must provide operation name if query contains multiple operations."]
    assert api.audit_events() == []
    chosen = api.client.post("/graphql", json={"query": query, "operationName": "B"}, headers=_headers(api)).json()
    assert chosen["data"]["person"]["name"] is not None
