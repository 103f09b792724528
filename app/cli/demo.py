"""``mast demo``: a new user's first graph — the committed sample partnership, resolved."""

from __future__ import annotations

from pathlib import Path

import click

from app.auth.tokens import issue_token
from app.auth.verify import ROLES
from app.db import Graph
from app.ingest.pipeline import ingest_file
from app.resolution.run import resolve
from app.settings import get_settings

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "sample"


@click.command()
def demo() -> None:
    """Load and resolve the sample partnership on an empty graph; print development tokens."""
    settings = get_settings()
    with Graph(settings) as graph:
        if graph.run("MATCH (s:SourceRecord) RETURN count(s) > 0 AS loaded")[0]["loaded"]:
            click.echo("the graph already holds records: sample not loaded")
        else:
            _load_sample(graph, settings.state_dir)
    _print_tokens()


def _load_sample(graph: Graph, state_dir: Path) -> None:
    for path in sorted(SAMPLE.glob("*.csv")):
        if path.name != "truth.csv":
            summary = ingest_file(graph, state_dir, path.stem, path)
            click.echo(f"loaded {path.stem}: {summary.rows_landed} rows")
    result = resolve(graph)
    click.echo(f"resolved {result.records} records into {result.people} people")


EXAMPLE = """curl -s http://{host}:{port}/graphql -H "Authorization: Bearer $TOKEN" \\
  -H "X-MAST-Purpose: case CSC-2026-0042" -H "Content-Type: application/json" \\
  -d '{{"query": "{{ searchPeople(name: \\"Jack Smith\\", first: 3) {{ score person {{ id name agencySummary {{ agency }} }} }} }}"}}'"""


def _print_tokens() -> None:
    """Development tokens for every role (valid 12 hours) and a query to try."""
    settings = get_settings()
    click.echo("\ndevelopment tokens (local issuer, 12 hours):")
    for role in ROLES:
        token = issue_token(settings, subject=f"dev-{role}", role=role, agency="CSC", ttl_seconds=12 * 3600)
        click.echo(f"  {role:12} {token}")
    click.echo("\nexample (TOKEN=<the practitioner token above>):\n" + EXAMPLE.format(host=settings.host, port=settings.port))
