"""Test fixtures: one real Neo4j per test session, on a free port in a throwaway directory.

Tests that store or read the graph take ``graph`` (schema applied, data wiped before the
test); pure-function tests take nothing and never start the server.
"""

from __future__ import annotations

import secrets
import socket
from pathlib import Path
from typing import Iterator

import pytest

from app import local_neo4j
from app.db import Graph
from app.settings import Settings
from graph_schema.migrations import migrate


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_test_server(data_dir: Path) -> local_neo4j.LocalServer:
    server = local_neo4j.LocalServer(
        data_dir=data_dir, port=free_port(), password=secrets.token_urlsafe(16), heap="1g", pagecache="512m"
    )
    local_neo4j.start(server)
    return server


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[local_neo4j.LocalServer]:
    server = start_test_server(tmp_path_factory.mktemp("neo4j"))
    yield server
    local_neo4j.stop(server)


@pytest.fixture(scope="session")
def settings(neo4j_server: local_neo4j.LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        neo4j_uri=neo4j_server.uri,
        neo4j_password=neo4j_server.password,
        state_dir=tmp_path_factory.mktemp("state"),
        env="test",
        pseudonym_key="test-pseudonym-key",
    )


@pytest.fixture(scope="session")
def session_graph(settings: Settings) -> Iterator[Graph]:
    with Graph(settings) as graph:
        migrate(graph)
        yield graph


def wipe(graph: Graph) -> None:
    """Remove every node but the schema version, in chunks so large test graphs fit."""
    with graph.session() as session:
        session.run(
            "MATCH (n) WHERE NOT n:SchemaVersion "
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


@pytest.fixture
def graph(session_graph: Graph) -> Graph:
    """The session's graph, empty but for its schema."""
    wipe(session_graph)
    return session_graph
