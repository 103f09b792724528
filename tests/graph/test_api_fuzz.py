"""Schemathesis generates queries and mutations from the schema itself; whatever it sends,
the API answers without a server error. Bounded so the suite stays quick."""

from __future__ import annotations

import graphql
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.case import Case

from app.ingest.contract import COLUMNS
from resolvers.schema import build_schema
from tests.graph.api_fixtures import Api, api, api_settings  # noqa: F401

EXAMPLES_PER_OPERATION = 12
ROLE_FOR = {
    "Query.reviewQueue": "reviewer", "Mutation.reviewMatch": "reviewer", "Mutation.ingestRecords": "integrator",
    "Query.auditLog": "auditor", "Query.peopleViewedBy": "auditor", "Query.viewersOf": "auditor",
}


def _row(fields: dict[str, str]) -> graphql.ObjectValueNode:
    """An extract row as a GraphQL object literal: contract field names, arbitrary text values."""
    nodes = schemathesis.graphql.nodes
    return nodes.Object([graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=nodes.String(v))
                         for k, v in fields.items()])


schemathesis.graphql.scalar("JSON", st.dictionaries(st.sampled_from(COLUMNS), st.text(max_size=12), max_size=6).map(_row))


def test_generated_requests_never_get_a_server_error(api: Api) -> None:
    schema = schemathesis.graphql.from_file(build_schema(api.settings).as_str())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        role = ROLE_FOR.get(operation.label, "practitioner")

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Case) -> None:
            response = api.post(case.body, role=role)
            assert response.status_code < 500, (operation.label, case.body, response.text)

        check()
