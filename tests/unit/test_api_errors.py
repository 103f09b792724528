"""The caller-facing rewrites of graphql-core's messages: no schema hints, no variable values."""

from __future__ import annotations

from graphql import GraphQLError, OperationDefinitionNode, parse

from resolvers.errors import invalid_variable, variable_error, without_suggestion


def test_every_kind_of_suggestion_is_cut_off() -> None:
    assert without_suggestion("Unknown argument 'sinc' on field 'Query.multiAgencyPeople'. Did you mean 'since'?") \
        == "Unknown argument 'sinc' on field 'Query.multiAgencyPeople'."
    assert without_suggestion("Unknown type 'ReviewQueu'. Did you mean 'ReviewQueue' or 'ReviewItem'?") \
        == "Unknown type 'ReviewQueu'."
    assert without_suggestion("Unknown fragment 'Z'.") == "Unknown fragment 'Z'."


def test_a_refused_variable_value_is_named_by_variable_and_type_only() -> None:
    operation = parse("query($n: [ID!]!) { person(id: $n) { id } }").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    definition = operation.variable_definitions[0]
    refused = GraphQLError("Variable '$n' has invalid value: ID cannot represent value: '943 476 5919'",
                           definition, original_error=GraphQLError("ID cannot represent value: '943 476 5919'"))
    assert invalid_variable(refused) is definition
    assert variable_error(definition).message == "Variable '$n' expects a value of type '[ID!]!'."


def test_other_errors_are_not_taken_for_a_refused_variable() -> None:
    operation = parse("query($n: ID) { person(id: $n) { id } }").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    assert invalid_variable(GraphQLError("Variable '$n' is never used.", operation.variable_definitions[0])) is None
    assert invalid_variable(GraphQLError("boom", original_error=GraphQLError("inner"))) is None
    assert invalid_variable(GraphQLError("boom", operation, original_error=GraphQLError("inner"))) is None
