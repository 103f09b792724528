"""``mast resolve`` and ``mast explain``: records to people, and why."""

from __future__ import annotations

import json

import click

from app.db import Graph
from app.resolution.run import explain_pair, explain_person, resolve as run_resolution
from app.settings import get_settings


@click.command()
@click.option("--full", is_flag=True, help="Score every record again with freshly fitted parameters (ids stay stable).")
@click.option("--keep-model", is_flag=True, help="With --full: score with the stored model instead of refitting it.")
def resolve(full: bool, keep_model: bool) -> None:
    """Resolve source records to Person and Address entities (incremental by default)."""
    with Graph(get_settings()) as graph:
        summary = run_resolution(graph, full=full, keep_model=keep_model)
    click.echo(f"{summary.mode} run {summary.run_id}: {summary.records} records ({summary.pending} queued), "
               f"{summary.people} people in scope, {summary.created} new, {summary.merged} merged, "
               f"{summary.split} split, {summary.review_pairs} pairs for review")
    click.echo("timings: " + ", ".join(f"{k} {v}" for k, v in summary.stats.items()))


@click.command()
@click.argument("person_id", required=False)
@click.option("--pair", nargs=2, metavar="RECORD_A RECORD_B", help="Explain one pair of source records.")
def explain(person_id: str | None, pair: tuple[str, str] | None) -> None:
    """Print why records were joined into PERSON_ID, or why a pair was joined or kept apart."""
    if not (person_id or pair):
        raise click.UsageError("give a PERSON_ID or --pair RECORD_A RECORD_B")
    with Graph(get_settings()) as graph:
        result = explain_pair(graph, *pair) if pair else explain_person(graph, person_id or "")
    if not result:
        raise click.ClickException("no such person")
    for link in result.get("links", []) if not pair else [result]:
        if link and isinstance(link.get("explanation"), str):
            link["explanation"] = json.loads(link["explanation"])
    click.echo(json.dumps(result, indent=2, default=str))
