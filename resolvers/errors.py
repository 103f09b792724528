"""The errors a caller is meant to see; everything else is masked outside development."""

from __future__ import annotations

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
