"""Root reads over people and places: search, look-up, multi-agency lists and traversal."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Optional

import strawberry
from strawberry.types import Info

from app.search import InvalidSearch, address_text, build_query, full_postcode, search_people, search_uprn
from resolvers import data, paging
from resolvers.entities import Address, Person, ctx_of
from resolvers.errors import InvalidInput
from resolvers.loaders import address_loader, person_loader

MAX_DEPTH = 3


@strawberry.type(description="A search candidate: the person and how well they match (0-1).")
class SearchHit:
    score: float
    person: Person


@strawberry.type
class PersonEdge:
    cursor: str
    node: Person
    distance: Optional[int] = None


@strawberry.type
class PersonConnection:
    edges: list[PersonEdge]
    page_info: paging.PageInfo


async def _people(info: Info, ids: list[str]) -> list[Person]:
    ctx = ctx_of(info)
    rows = await person_loader(ctx).load_many(ids)
    return [Person.shown(ctx, r) for r in rows if r]


async def resolve_search_people(
    info: Info,
    name: Optional[str] = None,
    date_of_birth: Optional[str] = None,
    postcode: Optional[str] = None,
    nhs_number: Optional[str] = None,
    first: int = 10,
) -> Optional[list[SearchHit]]:
    ctx = ctx_of(info)
    ctx.authorise("searchPeople")
    limit = paging.page_size(first)
    try:
        query = build_query(name, date_of_birth, postcode, nhs_number)
    except InvalidSearch as error:
        raise InvalidInput(str(error)) from error
    found = await ctx.read(partial(search_people, pseudonymous=ctx.pseudonymous), ctx.graph, query, limit)
    return [SearchHit(score=s.score, person=Person.shown(ctx, found.people[s.person_id])) for s in found.ranked]


async def resolve_person(info: Info, id: strawberry.ID) -> Optional[Person]:
    ctx = ctx_of(info)
    ctx.authorise("person")
    row = await person_loader(ctx).load(str(id))
    return Person.shown(ctx, row) if row else None


async def resolve_search_addresses(
    info: Info,
    text: Optional[str] = None,
    postcode: Optional[str] = None,
    uprn: Optional[str] = None,
    first: int = 20,
) -> Optional[list[Address]]:
    ctx = ctx_of(info)
    ctx.authorise("searchAddresses")
    limit = paging.page_size(first)
    cleaned = address_text(text)
    uprn = (uprn or "").strip() or None
    if not (cleaned or postcode or uprn):
        raise InvalidInput("give at least one of text, postcode, uprn")
    try:
        code = full_postcode(postcode) if postcode else None
        uprn = search_uprn(uprn) if uprn else None
    except InvalidSearch as error:
        raise InvalidInput(str(error)) from error
    ids = await ctx.read(data.address_ids, ctx.graph, cleaned, code, uprn, limit)
    rows = await address_loader(ctx).load_many(ids)
    return [Address.shown(ctx, r) for r in rows if r]


async def resolve_address(info: Info, id: strawberry.ID) -> Optional[Address]:
    ctx = ctx_of(info)
    ctx.authorise("address")
    row = await address_loader(ctx).load(str(id))
    return Address.shown(ctx, row) if row else None


def _connection(people: list[Person], distances: list[Optional[int]], offset: int, more: bool) -> PersonConnection:
    edges = [PersonEdge(cursor=paging.encode(offset + i + 1), node=p, distance=d)
             for i, (p, d) in enumerate(zip(people, distances))]
    return PersonConnection(edges=edges, page_info=paging.PageInfo(has_next_page=more,
                                                                   end_cursor=edges[-1].cursor if edges else None))


async def resolve_multi_agency_people(
    info: Info, since: date, min_agencies: int = 2, first: int = 50, after: Optional[str] = None
) -> Optional[PersonConnection]:
    ctx = ctx_of(info)
    ctx.authorise("multiAgencyPeople")
    limit, offset = paging.page_size(first), paging.decode(after)
    if not 1 <= min_agencies <= 20:
        raise InvalidInput("minAgencies must be between 1 and 20")
    ids = await ctx.read(data.multi_agency_people, ctx.graph, min_agencies, since, offset, limit + 1,
                         ctx.query_params())
    people = await _people(info, ids[:limit])
    return _connection(people, [None] * len(people), offset, len(ids) > limit)


async def resolve_connections(
    info: Info, person_id: strawberry.ID, depth: int = 1, first: int = 20, after: Optional[str] = None
) -> Optional[PersonConnection]:
    ctx = ctx_of(info)
    ctx.authorise("connections")
    limit, offset = paging.page_size(first), paging.decode(after)
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidInput(f"depth must be between 1 and {MAX_DEPTH}")
    start = await person_loader(ctx).load(str(person_id))
    if not start:
        return None
    ctx.audit.person_ids.add(start["id"])  # whose network was read, though the answer lists only others
    found = await ctx.read(data.connections, ctx.graph, start["id"], depth, offset, limit + 1)
    page = found[:limit]
    rows = await person_loader(ctx).load_many([r["id"] for r in page])
    pairs = [(Person.shown(ctx, row), r["distance"]) for row, r in zip(rows, page) if row]
    return _connection([p for p, _ in pairs], [d for _, d in pairs], offset, len(found) > limit)
