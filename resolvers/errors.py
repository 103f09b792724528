"""The errors a caller is meant to see; everything else is masked outside development."""

from __future__ import annotations

from graphql import GraphQLError, VariableDefinitionNode, print_ast

SUGGESTION = "Did you mean"


class ApiError(Exception):
    """A deliberate refusal or validation message, safe to show as it is."""


class AccessDenied(ApiError):
    """The caller's role may not do or see this; says nothing about whether data exists."""


class PurposeRequired(AccessDenied):
    """A practitioner read without a stated purpose."""


class InvalidInput(ApiError):
    """An argument the API cannot use (bad date, empty search, page too large)."""


def without_suggestion(message: str) -> str:
    """graphql-core ends messages with "Did you mean ...?" naming fields, arguments, types and
    enum values of the schema; outside development the schema is not to be guessed at."""
    return message.split(SUGGESTION)[0].strip()


def invalid_variable(error: GraphQLError) -> VariableDefinitionNode | None:
    """The variable, if this is graphql-core's report that a variable's value does not fit its
    declared type: the caller's mistake, wrapping the scalar's own error, on the definition."""
    node = error.nodes[0] if error.nodes else None
    if isinstance(error.original_error, GraphQLError) and isinstance(node, VariableDefinitionNode):
        return node
    return None


def variable_error(definition: VariableDefinitionNode) -> GraphQLError:
    """Names only the variable and its type: graphql-core's message quotes the value, which may
    be personal data."""
    return GraphQLError(f"Variable '${definition.variable.name.value}' expects a value of type "
                        f"'{print_ast(definition.type)}'.", definition)
