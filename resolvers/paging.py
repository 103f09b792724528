"""Relay-style pages: opaque cursors that carry an offset, never an id (analysts page too,
and their cursors must not leak real ids)."""

from __future__ import annotations

import base64
import binascii
from typing import Optional

import strawberry

from resolvers.errors import InvalidInput

MAX_PAGE = 100
# Far beyond any page this API hands out; keeps offset arithmetic inside Neo4j's 64-bit integers.
MAX_OFFSET = 2**31 - 1


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: Optional[str]


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}")
    return first


def encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode(cursor: Optional[str]) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidInput("after is not a cursor this API issued") from error
    if kind != "o" or not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput("after is not a cursor this API issued")
    return offset
