"""Per-request DataLoaders: every person, household or address a level of the query needs
is fetched in one statement, in a worker thread."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from resolvers import data
from resolvers.context import RequestContext

MAX_BATCH = 500


def person_loader(ctx: RequestContext) -> DataLoader[str, dict[str, Any] | None]:
    """Requested id (a superseded one too) -> the surviving person's row for this role."""
    if "person" not in ctx.loaders:
        async def load(ids: list[str]) -> list[dict[str, Any] | None]:
            found = await ctx.read(data.persons, ctx.graph, ids, ctx.pseudonymous, ctx.query_params())
            return [found.get(i) for i in ids]

        ctx.loaders["person"] = DataLoader(load, max_batch_size=MAX_BATCH)
    return ctx.loaders["person"]


def household_loader(ctx: RequestContext) -> DataLoader[str, list[dict[str, Any]]]:
    if "household" not in ctx.loaders:
        async def load(ids: list[str]) -> list[list[dict[str, Any]]]:
            found = await ctx.read(data.households, ctx.graph, ids, ctx.query_params())
            return [found.get(i, []) for i in ids]

        ctx.loaders["household"] = DataLoader(load, max_batch_size=MAX_BATCH)
    return ctx.loaders["household"]


def address_loader(ctx: RequestContext) -> DataLoader[str, dict[str, Any] | None]:
    if "address" not in ctx.loaders:
        async def load(ids: list[str]) -> list[dict[str, Any] | None]:
            found = await ctx.read(data.addresses, ctx.graph, ids, ctx.query_params())
            return [found.get(i) for i in ids]

        ctx.loaders["address"] = DataLoader(load, max_batch_size=MAX_BATCH)
    return ctx.loaders["address"]


def lineage_loader(ctx: RequestContext) -> DataLoader[str, dict[str, Any]]:
    """Surviving person id -> its records' batches and its match edges (see data.lineage)."""
    if "lineage" not in ctx.loaders:
        async def load(ids: list[str]) -> list[dict[str, Any]]:
            found = await ctx.read(data.lineage, ctx.graph, ids)
            return [found.get(i, {"batches": {}, "similar": []}) for i in ids]

        ctx.loaders["lineage"] = DataLoader(load, max_batch_size=MAX_BATCH)
    return ctx.loaders["lineage"]
