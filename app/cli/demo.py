"""``mast demo``: a new user's first graph — the committed sample partnership, resolved."""

from __future__ import annotations

from pathlib import Path

import click

from app.db import Graph
from app.ingest.pipeline import ingest_file
from app.resolution.run import resolve
from app.settings import get_settings

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "sample"


@click.command()
def demo() -> None:
    """Load and resolve the sample partnership when the graph holds no records yet."""
    settings = get_settings()
    with Graph(settings) as graph:
        if graph.run("MATCH (s:SourceRecord) RETURN count(s) > 0 AS loaded")[0]["loaded"]:
            click.echo("the graph already holds records: sample not loaded")
            return
        for path in sorted(SAMPLE.glob("*.csv")):
            if path.name != "truth.csv":
                summary = ingest_file(graph, settings.state_dir, path.stem, path)
                click.echo(f"loaded {path.stem}: {summary.rows_landed} rows")
        result = resolve(graph)
    click.echo(f"resolved {result.records} records into {result.people} people")
