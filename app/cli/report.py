"""``mast report overlap``: how much the partners' caseloads overlap."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from app.reports.overlap import heat_map, overlap, table


def _rows(path: Path, column: str) -> list[tuple[str, str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(r["source"], r["source_person_id"], r[column]) for r in csv.DictReader(handle)]


@click.group()
def report() -> None:
    """Reports over the resolved partnership."""


@report.command("overlap")
@click.option("--links", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A links CSV (mast export links).")
@click.option("--truth", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A truth CSV (mast seed).")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="Also write a heat map here.")
def overlap_command(links: Path | None, truth: Path | None, png: Path | None) -> None:
    """Per agency, the share of its people known to another; and the agency-by-agency matrix."""
    if links:
        rows = _rows(links, "person_id")
    elif truth:
        rows = _rows(truth, "true_id")
    else:
        from app.db import Graph
        from app.resolution.links import read_links
        from app.settings import get_settings

        with Graph(get_settings()) as graph:
            rows = list(read_links(graph))
    result = overlap(rows)
    for line in table(result):
        click.echo(line)
    if png:
        heat_map(result, png)
        click.echo(f"heat map written to {png}")
