"""``mast export links``: the resolved links as CSV, for partners and evaluation."""

from __future__ import annotations

from pathlib import Path

import click

from app.db import Graph
from app.resolution.links import export_links, unresolved_records
from app.settings import get_settings


@click.group()
def export() -> None:
    """Export resolution results."""


@export.command("links")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write: source,source_person_id,person_id.")
def links_command(out: Path) -> None:
    """Write one row per source person with the Person it resolved to."""
    with Graph(get_settings()) as graph:
        count = export_links(graph, out)
        unresolved = unresolved_records(graph)
    click.echo(f"wrote {count} links to {out}")
    if unresolved:
        click.echo(f"warning: {unresolved} current records are not resolved yet and are not in the file; "
                   "run `mast resolve` first", err=True)
