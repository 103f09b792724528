"""The caller-facing rewrites of graphql-core's messages: no schema hints."""

from __future__ import annotations

from resolvers.errors import without_suggestion


def test_every_kind_of_suggestion_is_cut_off() -> None:
    assert without_suggestion("Unknown argument 'sinc' on field 'Query.multiAgencyPeople'. Did you mean 'since'?") \
        == "Unknown argument 'sinc' on field 'Query.multiAgencyPeople'."
    assert without_suggestion("Unknown type 'ReviewQueu'. Did you mean 'ReviewQueue' or 'ReviewItem'?") \
        == "Unknown type 'ReviewQueu'."
    assert without_suggestion("Unknown fragment 'Z'.") == "Unknown fragment 'Z'."

