"""``mast neo4j start|stop|status``: the local, self-started Neo4j server."""

from __future__ import annotations

from pathlib import Path

import click

from app import local_neo4j
from app.settings import get_settings


def _server(port: int | None, data_dir: Path | None) -> local_neo4j.LocalServer:
    settings = get_settings()
    return local_neo4j.LocalServer(
        data_dir=(data_dir or settings.local_neo4j_data_dir).resolve(),
        port=port or settings.local_neo4j_port,
        password=settings.neo4j_password,
        heap=settings.local_neo4j_heap,
        pagecache=settings.local_neo4j_pagecache,
    )


_port = click.option("--port", type=int, default=None, help="Bolt port (default 7687 or MAST_NEO4J_PORT).")
_data_dir = click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data directory (default .mast/neo4j)."
)


@click.group("neo4j")
def neo4j_group() -> None:
    """Run the local Neo4j 5.26 Community server (built with Maven on first use)."""


@neo4j_group.command()
def build() -> None:
    """Build the launcher with Maven if its sources changed (downloads Neo4j once)."""
    try:
        local_neo4j.build_launcher()
    except local_neo4j.LocalNeo4jError as error:
        raise click.ClickException(str(error)) from error


@neo4j_group.command()
@_port
@_data_dir
def start(port: int | None, data_dir: Path | None) -> None:
    """Start the server in the background and wait until Bolt answers."""
    server = _server(port, data_dir)
    try:
        started = local_neo4j.start(server)
    except local_neo4j.LocalNeo4jError as error:
        raise click.ClickException(str(error)) from error
    if started:
        click.echo(f"Neo4j started on {server.uri} (data {server.data_dir}, log {server.log_file})")
    else:
        click.echo(f"Neo4j already running on {server.uri} (pid {local_neo4j.running_pid(server)})")


@neo4j_group.command()
@_port
@_data_dir
def stop(port: int | None, data_dir: Path | None) -> None:
    """Shut the server down cleanly; its data stays."""
    server = _server(port, data_dir)
    try:
        stopped = local_neo4j.stop(server)
    except local_neo4j.LocalNeo4jError as error:
        raise click.ClickException(str(error)) from error
    click.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_group.command()
@_port
@_data_dir
def status(port: int | None, data_dir: Path | None) -> None:
    """Say whether the server runs and answers; exit 1 when it does not."""
    server = _server(port, data_dir)
    pid = local_neo4j.running_pid(server)
    if pid is None:
        click.echo("Neo4j is not running")
        raise SystemExit(1)
    answering = local_neo4j.bolt_answers(server)
    click.echo(f"Neo4j running (pid {pid}) on {server.uri}: {'answering' if answering else 'not answering'}")
    raise SystemExit(0 if answering else 1)
