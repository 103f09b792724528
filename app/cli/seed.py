"""``mast seed``: generate the synthetic partnership."""

from __future__ import annotations

import time
from pathlib import Path

import click

from seeds.generator import ROWS_PER_PERSON, generate


@click.command()
@click.option("--people", type=int, required=True,
              help=f"People in the population; each gives about {ROWS_PER_PERSON} rows (900000 gives ~400,000 rows).")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives byte-identical files.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write to.")
def seed(people: int, seed: int, out: Path) -> None:
    """Write one extract per agency plus truth.csv (source,source_person_id,true_id)."""
    started = time.perf_counter()
    figures = generate(people, seed, out)
    click.echo(f"{'agency':8} {'rows':>8} {'people':>8}  known to another agency")
    for f in figures:
        click.echo(f"{f.code:8} {f.rows:8d} {f.people:8d}  {f.known_elsewhere:6.1%}")
    total = sum(f.rows for f in figures)
    click.echo(f"{total} rows written to {out} in {time.perf_counter() - started:.1f} s")
