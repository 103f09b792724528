"""``mast db migrate|version``: the graph schema."""

from __future__ import annotations

import click

from app.db import Graph
from app.settings import get_settings
from graph_schema.migrations import CODE_VERSION, SchemaTooNewError, graph_version, migrate


@click.group()
def db() -> None:
    """Manage the graph schema (constraints and indexes)."""


@db.command("migrate")
def migrate_command() -> None:
    """Apply every schema migration the graph does not have yet."""
    with Graph(get_settings()) as graph:
        try:
            applied = migrate(graph)
        except SchemaTooNewError as error:
            raise click.ClickException(str(error)) from error
    for migration in applied:
        click.echo(f"applied {migration.version}: {migration.description}")
    click.echo(f"schema at version {CODE_VERSION}" + ("" if applied else " (nothing to do)"))


@db.command("version")
def version_command() -> None:
    """Print the graph's schema version and the version this code knows."""
    with Graph(get_settings()) as graph:
        click.echo(f"graph: {graph_version(graph)}, code: {CODE_VERSION}")
