"""The Starlette application: health checks now, the GraphQL endpoint mounted beside them."""

from __future__ import annotations

import contextlib
import gc
import logging
from typing import AsyncIterator

import neo4j
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.db import Graph
from app.search import load_name_tokens
from app.settings import Settings, get_settings
from graph_schema.migrations import SchemaBehindError, SchemaTooNewError, check_current, check_not_newer
from resolvers.http import MastGraphQL

log = logging.getLogger(__name__)


class PathOnly(logging.Filter):
    """uvicorn's access line without the query string: a GraphQL query sent in a URL (refused
    with 405) would otherwise put the names and dates of birth it searches for in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


async def healthz(request: Request) -> JSONResponse:
    """The process is alive; says nothing about its database."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when Neo4j answers and its schema is exactly the one this code knows."""
    graph: Graph = request.app.state.graph
    try:
        version = check_current(graph)
    except (SchemaTooNewError, SchemaBehindError) as error:
        return JSONResponse({"status": "unavailable", "reason": str(error)}, status_code=503)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as error:
        log.warning("readyz: neo4j unreachable (%s)", type(error).__name__)
        return JSONResponse(
            {"status": "unavailable", "reason": "neo4j is not reachable"}, status_code=503
        )
    return JSONResponse({"status": "ready", "schema_version": version})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, PathOnly) for f in access.filters):
        access.addFilter(PathOnly())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        graph = Graph(settings)
        try:
            check_not_newer(graph)
            load_name_tokens(graph)
        except SchemaTooNewError:
            graph.close()
            raise
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
            log.warning("neo4j not reachable at startup; /readyz reports 503 until it is")
        app.state.graph = graph
        app.state.settings = settings
        # What startup built (modules, the schema, the driver, search's copy of the name tokens)
        # lives as long as the process; frozen, the cycle collector's full passes stop rescanning
        # it in the middle of requests.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            graph.close()

    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", MastGraphQL(settings)),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
