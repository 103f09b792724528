"""``mast evaluate``: match quality of a resolution against ground truth (ids only in output)."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from matching.evaluation import evaluate as score


def _read(path: Path, value: str) -> dict[tuple[str, str], str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {(r["source"], r["source_person_id"]): r[value] for r in csv.DictReader(handle)}


@click.command()
@click.option("--truth", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV source,source_person_id,true_id (as written by mast seed).")
@click.option("--links", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV source,source_person_id,person_id; default: the current graph's resolution.")
def evaluate(truth: Path, links: Path | None) -> None:
    """Print pairwise and B-cubed precision, recall and F1, by agency pair, and the worst errors."""
    if links:
        predicted = _read(links, "person_id")
    else:
        from app.db import Graph
        from app.resolution.links import read_links
        from app.settings import get_settings

        with Graph(get_settings()) as graph:
            predicted = {(s, spid): pid for s, spid, pid in read_links(graph)}
    result = score(_read(truth, "true_id"), predicted)
    for name, s in (("pairwise", result.pairwise), ("B-cubed", result.bcubed)):
        click.echo(f"{name:9} precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}")
    click.echo(f"records {result.counts['records']}, true people {result.counts['true_people']}, "
               f"resolved people {result.counts['predicted_people']}")
    if result.missing_from_links:
        click.echo(f"{result.missing_from_links} records in truth had no link: counted as singletons")
    click.echo("by agency pair (pairwise):")
    for (a, b), s in result.by_agency_pair.items():
        click.echo(f"  {a:>6} - {b:<6} precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}")
    click.echo("worst false merges (person id: distinct true people): "
               + (", ".join(f"{p}: {n}" for p, n in result.worst_false_merges) or "none"))
    click.echo("worst misses (true id: resolved people): "
               + (", ".join(f"{t}: {n}" for t, n in result.worst_misses) or "none"))
