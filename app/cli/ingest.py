"""``mast ingest``: load one partner extract into the graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from tqdm import tqdm

from app.db import Graph
from app.ingest.contract import MODES, ExtractRefused
from app.ingest.pipeline import ingest_file, summary_lines
from app.settings import get_settings


@click.command()
@click.option("--source", "agency", required=True, help="The agency the file comes from, e.g. POLICE.")
@click.option("--mode", type=click.Choice(MODES), default="delta", show_default=True,
              help="delta: rows are upserts. snapshot: the agency's complete extract; absent records are retired.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON, for scripts.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def ingest(agency: str, mode: str, as_json: bool, file: Path) -> None:
    """Load FILE (CSV or JSON Lines, the partner extract format) into the graph.

    Exits 0 when the file was accepted, even if some rows were rejected (they are kept in
    the batch's reject file); exits 2 when the file is refused as a whole, leaving the
    graph untouched.
    """
    settings = get_settings()
    bar = tqdm(unit=" rows", disable=as_json or not sys.stderr.isatty(), file=sys.stderr)
    try:
        with Graph(settings) as graph:
            summary = ingest_file(graph, settings.state_dir, agency, file, mode, progress=bar.update)
    except ExtractRefused as error:
        bar.close()
        if as_json:
            click.echo(json.dumps({"refused": str(error)}))
        else:
            click.echo(f"refused: {error}", err=True)
        raise SystemExit(2) from error
    bar.close()
    if as_json:
        click.echo(json.dumps(summary.to_dict(), default=str))
    else:
        for line in summary_lines(summary):
            click.echo(line)
