"""Cursors: only offsets this API could have issued are accepted."""

from __future__ import annotations

import base64

import pytest

from resolvers import paging
from resolvers.errors import InvalidInput


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_an_issued_cursor_round_trips() -> None:
    assert paging.decode(paging.encode(40)) == 40
    assert paging.decode(None) == 0


@pytest.mark.parametrize("forged", ["o:-1", "o:99999999999999999999999", "o:9223372036854775807", "x:3", "o:three"])
def test_a_forged_cursor_is_a_clear_error(forged: str) -> None:
    """Offsets past 64 bits overflowed in the driver or in Neo4j's arithmetic: an internal error."""
    with pytest.raises(InvalidInput):
        paging.decode(_cursor(forged))
