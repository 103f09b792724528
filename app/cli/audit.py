"""``mast audit verify|log``: prove the access log intact, and read it."""

from __future__ import annotations

from datetime import datetime

import click

from app.audit.log import UnreadableEvent, query_events, verify_chain
from app.db import Graph
from app.settings import get_settings


@click.group()
def audit() -> None:
    """The append-only, hash-chained access audit."""


@audit.command()
def verify() -> None:
    """Recompute the chain; exit 1 and name the first broken event if it was tampered with."""
    with Graph(get_settings()) as graph:
        report = verify_chain(graph)
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events")
        return
    click.echo(f"audit chain broken at event {report.first_broken_seq}: {report.reason}")
    raise SystemExit(1)


@audit.command("log")
@click.option("--person", help="Events that returned this Person id.")
@click.option("--subject", help="Events by this user.")
@click.option("--from", "start", type=click.DateTime(), help="From this time (UTC).")
@click.option("--to", "end", type=click.DateTime(), help="Up to this time (UTC).")
@click.option("--limit", type=int, default=100, show_default=True)
def log_command(person: str | None, subject: str | None, start: datetime | None, end: datetime | None,
                limit: int) -> None:
    """Print audit events (ids, roles and purposes only)."""
    with Graph(get_settings()) as graph:
        try:
            events = query_events(graph, person_id=person, subject=subject, start=start, end=end, limit=limit)
        except UnreadableEvent as error:
            raise click.ClickException(str(error)) from error
    for e in events:
        click.echo(f"{e.seq:6d} {e.at.isoformat()} {e.subject} ({e.role}, {e.agency}) {e.operation} "
                   f"{e.outcome} purpose={e.purpose or '-'} people={','.join(e.person_ids) or '-'}")
