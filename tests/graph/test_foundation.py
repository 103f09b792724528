"""The foundation against a real Neo4j: migrations, readiness, the schema guard, the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app import local_neo4j
from app.audit.log import verify_chain
from app.auth.tokens import issue_token
from app.db import Graph
from app.ingest.pipeline import ingest_rows
from app.search import build_query, search_people
from app.settings import Settings
from app.web import create_app
from graph_schema.migrations import CODE_VERSION, SchemaTooNewError, graph_version, migrate
from tests.conftest import free_port, start_test_server
from tests.graph.api_fixtures import build, migrated_from, settings_for_api


def schema_names(graph: Graph) -> set[str]:
    constraints = {row["name"] for row in graph.run("SHOW CONSTRAINTS YIELD name")}
    indexes = {row["name"] for row in graph.run("SHOW INDEXES YIELD name")}
    return constraints | indexes


def test_migrations_applied_twice_change_nothing(graph: Graph) -> None:
    before = schema_names(graph)
    assert graph_version(graph) == CODE_VERSION
    assert migrate(graph) == []
    assert schema_names(graph) == before
    assert graph.run("MATCH (v:SchemaVersion) RETURN count(v) AS n")[0]["n"] == 1


def test_the_search_vocabulary_migration_fills_it_from_records_already_held(graph: Graph, tmp_path: Path) -> None:
    ingest_rows(graph, tmp_path, "CSC", [{"source_person_id": "c1", "given_name": "Amy", "family_name": "Jones"}])
    graph.run("MATCH (t:NameToken) DELETE t")  # as a graph loaded before the vocabulary was kept
    assert migrated_from(graph, 4) == list(range(5, CODE_VERSION + 1))
    assert sorted(row["text"] for row in graph.run("MATCH (t:NameToken) RETURN t.text AS text")) == ["amy", "jones"]


def test_the_address_dates_migration_files_old_dates_under_no_involvement(graph: Graph, settings: Settings) -> None:
    """Which involvement gave an address was not stored before migration 6, so none is named."""
    build(graph, settings_for_api(settings))
    graph.run("MATCH ()-[g:GAVE_ADDRESS]->() REMOVE g.span_involvements, g.span_first, g.span_last")
    graph.run("MATCH ()-[l:LIVES_AT]->() REMOVE l.seen_agencies, l.seen_involvements, l.seen_first, l.seen_last")
    assert migrated_from(graph, 5) == list(range(6, CODE_VERSION + 1))
    links = graph.run("MATCH ()-[g:GAVE_ADDRESS]->() RETURN g.span_involvements = [''] AND g.span_first = [g.first_seen] "
                      "AND g.span_last = [g.last_seen] AS filed")
    assert links and all(row["filed"] for row in links)
    seen = graph.run("MATCH (p)-[l:LIVES_AT]->() RETURN p.id AS p, l.seen_agencies AS agencies, l.seen_involvements AS ids")
    assert {row["p"]: row["agencies"] for row in seen if set(row["ids"]) == {""}} == {
        "P-william": ["CSC", "NHS", "POLICE"], "P-sarah": ["CSC", "FIRE"], "P-dennis": ["POLICE"]}


def test_migration_7_drops_the_address_links_of_people_no_longer_active(graph: Graph, settings: Settings) -> None:
    build(graph, settings_for_api(settings))
    graph.run("MATCH (p:Person {id: 'P-sarah'}) SET p.status = 'retired'")  # as a run before migration 7 left it
    assert migrated_from(graph, 6) == list(range(7, CODE_VERSION + 1))
    linked = graph.run("MATCH (p:Person)-[:LIVES_AT]->() RETURN DISTINCT p.id AS p ORDER BY p")
    assert "P-sarah" not in [row["p"] for row in linked] and "P-william" in [row["p"] for row in linked]


def test_migration_8_gives_each_record_its_person_as_its_founding_one(graph: Graph, settings: Settings) -> None:
    build(graph, settings_for_api(settings))
    graph.run("MATCH (s:SourceRecord) REMOVE s.founding_person")  # as records resolved before migration 8
    assert migrated_from(graph, 7) == list(range(8, CODE_VERSION + 1))
    rows = graph.run("MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p) RETURN s.founding_person = p.id AS same")
    assert rows and all(row["same"] for row in rows)


def test_migration_9_indexes_names_split_on_spaces_and_search_finds_them_as_before(graph: Graph,
                                                                                     settings: Settings) -> None:
    build(graph, settings_for_api(settings))
    graph.run("DROP INDEX source_record_names")  # as migration 2 made it, with the standard analyzer
    graph.run("CREATE FULLTEXT INDEX source_record_names FOR (n:SourceRecord) ON EACH [n.names_text]")
    assert migrated_from(graph, 8) == [9]
    index = graph.run("SHOW FULLTEXT INDEXES YIELD name, state, options WHERE name = 'source_record_names' "
                      "RETURN state, options.indexConfig.`fulltext.analyzer` AS analyzer")
    assert index == [{"state": "ONLINE", "analyzer": "whitespace"}]
    found = search_people(graph, build_query("SARAH SMITH", None, None, None), 10, pseudonymous=False)
    assert [hit.person_id for hit in found.ranked][:1] == ["P-sarah"]


def test_newer_schema_is_refused(graph: Graph, settings: Settings) -> None:
    graph.run("MATCH (v:SchemaVersion {id: 'mast'}) SET v.version = $v", v=CODE_VERSION + 1)
    try:
        with pytest.raises(SchemaTooNewError):
            migrate(graph)
        app = create_app(settings)
        with pytest.raises(SchemaTooNewError):
            with _client(app):
                pass
    finally:
        graph.run("MATCH (v:SchemaVersion {id: 'mast'}) SET v.version = $v", v=CODE_VERSION)


def _client(app: Starlette) -> TestClient:
    return TestClient(app)


def test_readyz_follows_the_server_and_data_survives_restart(tmp_path: Path) -> None:
    server = start_test_server(tmp_path / "neo4j")
    settings = Settings(neo4j_uri=server.uri, neo4j_password=server.password, state_dir=tmp_path, env="test")
    try:
        assert local_neo4j.start(server) is False  # already running: a no-op
        with Graph(settings) as graph:
            migrate(graph)
            graph.run("CREATE (:Agency {code: 'POLICE'})")
        with _client(create_app(settings)) as client:
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 200
            assert local_neo4j.stop(server) is True
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["reason"] == "neo4j is not reachable"
            assert client.get("/healthz").status_code == 200
            local_neo4j.start(server)
            assert client.get("/readyz").json() == {"status": "ready", "schema_version": CODE_VERSION}
        with Graph(settings) as graph:
            assert graph.run("MATCH (a:Agency) RETURN a.code AS code") == [{"code": "POLICE"}]
    finally:
        local_neo4j.stop(server)


def test_readyz_reports_a_schema_behind_the_code(graph: Graph, settings: Settings) -> None:
    graph.run("MATCH (v:SchemaVersion {id: 'mast'}) SET v.version = 0")
    try:
        with _client(create_app(settings)) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        assert "mast db migrate" in response.json()["reason"]
    finally:
        migrate(graph)


def _start_serve(settings: Settings, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """`mast serve --workers 2` on ``port`` against the test graph, its output in ``log_path``."""
    env = {**os.environ, "NEO4J_URI": settings.neo4j_uri, "NEO4J_PASSWORD": settings.neo4j_password,
           "MAST_STATE_DIR": str(settings.state_dir), "MAST_ENV": "test", "MAST_PSEUDONYM_KEY": settings.pseudonym_key}
    with log_path.open("w") as log:
        return subprocess.Popen([str(Path(sys.executable).parent / "mast"), "serve", "--workers", "2",
                                 "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)


def test_serve_runs_worker_processes_that_share_one_audit_chain(graph: Graph, settings: Settings,
                                                                tmp_path: Path) -> None:
    """`mast serve --workers 2`: each worker builds the app from the environment, and their
    audit events still form one unbroken chain."""
    port = free_port()
    log_path = tmp_path / "serve.log"
    server = _start_serve(settings, port, log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, server)
        token = issue_token(settings, subject="worker-test", role="practitioner", agency="CSC")
        headers = {"Authorization": f"Bearer {token}", "X-MAST-Purpose": "test"}
        query = {"query": 'query { searchPeople(name: "nobody known") { score } }'}
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: httpx.post(f"{url}/graphql", json=query, headers=headers).status_code,
                                     range(24)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0
    assert statuses == [200] * 24
    assert log_path.read_text().count("Started server process") == 2
    report = verify_chain(graph)
    assert report.ok and report.checked == 24


def test_serve_stops_every_worker_when_one_dies(graph: Graph, settings: Settings, tmp_path: Path) -> None:
    """A dead worker's share of connections would go unanswered: the whole server stops, and
    says so with a non-zero exit, so a supervisor restarts it."""
    port = free_port()
    server = _start_serve(settings, port, tmp_path / "serve.log")
    try:
        _wait_ready(f"http://127.0.0.1:{port}", server)
        workers = _workers(server.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        assert server.wait(timeout=30) == 1
    finally:
        if server.poll() is None:
            server.kill()
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert "a worker process stopped" in (tmp_path / "serve.log").read_text()


def test_serve_deals_connections_to_workers_in_turn(graph: Graph, settings: Settings, tmp_path: Path) -> None:
    """Keep-alive clients stay with the worker they were dealt to, so an uneven deal would
    leave one process doing most of the work: four clients are two per worker."""
    port = free_port()
    server = _start_serve(settings, port, tmp_path / "serve.log")
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(4)]
    try:
        _wait_ready(f"http://127.0.0.1:{port}", server)
        assert [client.get("/healthz").status_code for client in clients] == [200] * 4
        workers = _workers(server.pid)
        assert sorted(_connections_held(pid, port) for pid in workers) == [2, 2]
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=30)


def _connections_held(pid: int, port: int) -> int:
    """Established connections to local ``port`` among the sockets process ``pid`` has open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    held = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].split(":")[1], 16), fields[3], fields[9]
        held += local_port == port and state == "01" and inode in inodes
    return held


def test_serve_refuses_a_port_another_program_holds(settings: Settings, tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        server = _start_serve(settings, held.getsockname()[1], tmp_path / "serve.log")
        assert server.wait(timeout=60) == 1
    assert "cannot listen on 127.0.0.1" in (tmp_path / "serve.log").read_text()


def _workers(pid: int) -> list[int]:
    """The worker processes of the server ``pid``: its children but multiprocessing's resource
    tracker (read from /proc: Linux only)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and b"resource_tracker" not in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
        except OSError:
            continue
    return found


def _wait_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "mast serve exited"
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("mast serve not ready within 60 s")
