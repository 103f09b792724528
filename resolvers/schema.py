"""The GraphQL schema: root fields, each authorised by role before it reads anything, and
the hardening every request goes through (depth, alias and token limits, masked errors,
no introspection or suggestions outside development)."""

from __future__ import annotations

import logging
import traceback
from typing import Callable, Iterator, Optional

import strawberry
from graphql import (
    ExecutableDefinitionNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions import max_aliases, query_depth_limiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.settings import Settings
from resolvers import audit_log as audit_views
from resolvers import ingest, people, review
from resolvers.context import PURPOSE_HEADER, RequestContext
from resolvers.entities import Address, Person
from resolvers.errors import ApiError, InvalidInput, invalid_variable, variable_error, without_suggestion

MAX_DEPTH = 8
MAX_ALIASES = 15
MAX_TOKENS = 2000
CACHED_DOCUMENTS = 256
OPERATION_NAME_REQUIRED = "Must provide operation name if query contains multiple operations."

log = logging.getLogger(__name__)

DESCRIPTION = f"""MAST: is this person or address known to other agencies, when was the last
intervention, whom do I call. Every request carries a bearer token. Practitioners state the
purpose of every read (e.g. a case reference) in the `{PURPOSE_HEADER}` HTTP header; a read
without it is refused and audited. Every request that touches personal data is audited."""


@strawberry.type(description=DESCRIPTION)
class Query:
    search_people: Optional[list[people.SearchHit]] = strawberry.field(
        resolver=people.resolve_search_people,
        description="Ranked candidates for a name, date of birth, postcode and/or NHS number, "
        "matched however they are spelt (typos, nicknames, day/month swapped).",
    )
    person: Optional[Person] = strawberry.field(
        resolver=people.resolve_person, description="A person by id; a merged id resolves to the survivor."
    )
    search_addresses: Optional[list[Address]] = strawberry.field(
        resolver=people.resolve_search_addresses,
        description="Addresses by UPRN, by postcode (with text to narrow it) or by text: whole words of the "
                    "address lines and town, in order, commas and case ignored.",
    )
    address: Optional[Address] = strawberry.field(resolver=people.resolve_address)
    multi_agency_people: Optional[people.PersonConnection] = strawberry.field(
        resolver=people.resolve_multi_agency_people,
        description="People known to at least minAgencies agencies with activity since a date.",
    )
    connections: Optional[people.PersonConnection] = strawberry.field(
        resolver=people.resolve_connections,
        description=f"People linked through shared addresses, up to depth {people.MAX_DEPTH} hops.",
    )
    review_queue: Optional[review.ReviewQueue] = strawberry.field(resolver=review.resolve_review_queue)
    audit_log: Optional[list[audit_views.AuditEntry]] = strawberry.field(resolver=audit_views.resolve_audit_log)
    people_viewed_by: Optional[list[strawberry.ID]] = strawberry.field(resolver=audit_views.resolve_people_viewed_by)
    viewers_of: Optional[list[str]] = strawberry.field(resolver=audit_views.resolve_viewers_of)


@strawberry.type
class Mutation:
    ingest_records: Optional[ingest.IngestResult] = strawberry.field(
        resolver=ingest.resolve_ingest_records,
        description="Integrators: land rows of the partner extract (its field names) for their own agency.",
    )
    review_match: Optional[review.ReviewDecision] = strawberry.field(
        resolver=review.resolve_review_match,
        description="Reviewers: decide whether two records are the same person ('same' or 'different'). A pair's "
                    "latest decision is the one the resolver applies; earlier ones stay as its history. A decision "
                    "other pairs' decisions would overrule (a 'different' inside a chain of 'same', or a 'same' "
                    "joining records called different) is refused, naming them.",
    )


def _unexpected(error: GraphQLError) -> bool:
    """Deliberate refusals, GraphQL's own validation messages and a variable's refused value are
    the caller's; anything else is unexpected: masked outside development, and logged."""
    original = error.original_error
    return original is not None and not isinstance(original, ApiError) and invalid_variable(error) is None


class MastSchema(strawberry.Schema):
    """Logs only unexpected errors, and never a value: refusals are normal traffic and already audited."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Replaces strawberry's logging, which writes the whole error: its message may quote a
        value and its printed location the query text around it. Logged here: type, path,
        operation and the stack's frames."""
        operation = execution_context.operation_name if execution_context else None
        for error in filter(_unexpected, errors):
            # The frames (files, lines, code) but not the exception's message, which may hold a value.
            frames = "".join(traceback.format_tb(error.original_error.__traceback__)) if error.original_error else ""
            log.error("unexpected %s at %s in operation %s\n%s", type(error.original_error).__name__,
                      ".".join(map(str, error.path or ())) or "-", operation or "-", frames)

    @staticmethod
    def remove_field_suggestion(error: GraphQLError) -> None:
        """Strawberry calls this for every error when field suggestions are disabled, but strips
        only field suggestions; argument, type and enum suggestions reveal the schema as much."""
        error.message = without_suggestion(error.message)


class VariableErrors(SchemaExtension):
    """A variable whose value does not fit its type is the caller's mistake, reported by name
    and type only (graphql-core's message quotes the value); rewritten before MaskErrors runs."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [variable_error(v) if (v := invalid_variable(e)) else e for e in result.errors]


class RefusalsAudited(SchemaExtension):
    """A request refused for its input (a page too large, no such pair, a bad mode) is audited
    as refused, with the reason, not as allowed: probing leaves a trace in the log."""

    def on_execute(self) -> Iterator[None]:
        yield
        result, context = self.execution_context.result, self.execution_context.context
        if result is not None and result.errors and isinstance(context, RequestContext):
            context.audit.refused += [f"{'.'.join(map(str, e.path or ())) or '-'} refused: {e.message}"
                                      for e in result.errors if isinstance(e.original_error, InvalidInput)]


class OperationNameRequired(SchemaExtension):
    """The spec refuses a document of several operations without operationName; strawberry runs
    the first of them instead, so the refusal is set as the result before anything executes."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        operations = sum(isinstance(d, OperationDefinitionNode) for d in context.graphql_document.definitions)
        # ExecutionContext.operation_name falls back to the first operation's name; only this
        # private attribute says whether the caller gave one (strawberry 0.341).
        if operations > 1 and context._provided_operation_name is None:
            context.result = ExecutionResult(data=None, errors=[GraphQLError(OPERATION_NAME_REQUIRED)])
        yield


_DEPTH_LIMIT = query_depth_limiter.create_validator(MAX_DEPTH, None)


class DepthLimit(ValidationRule):
    """Strawberry's depth validator, except on a document spreading an undefined fragment: there
    it raises KeyError, which reaches the caller as the bare fragment name, while graphql-core's
    KnownFragmentNamesRule refuses the document with its usual message."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        if not _spreads_undefined_fragment(context):
            _DEPTH_LIMIT(context)


def _spreads_undefined_fragment(context: ValidationContext) -> bool:
    return any(context.get_fragment(spread.name.value) is None
               for definition in context.document.definitions if isinstance(definition, ExecutableDefinitionNode)
               for spread in context.get_fragment_spreads(definition.selection_set))


class Limits(AddValidationRules):
    """Depth and alias limits: the validators behind QueryDepthLimiter and MaxAliasesLimiter
    (fragments followed), built once so the validation cache can key on them."""

    RULES = (DepthLimit, max_aliases.create_validator(MAX_ALIASES))

    def __init__(self) -> None:
        super().__init__(list(self.RULES))


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        Limits,
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
        OperationNameRequired,
        VariableErrors,
        RefusalsAudited,
    ]
    if not settings.is_development:
        extensions += [DisableIntrospection,
                       lambda: MaskErrors(should_mask_error=_unexpected, error_message="Internal error.")]
    return MastSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.is_development),
    )
