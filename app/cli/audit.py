"""``mast audit verify|log``: prove the access log intact, and read it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import click

from app.audit.log import Head, UnreadableEvent, query_events, verify_chain
from app.db import Graph
from app.settings import get_settings


@click.group()
def audit() -> None:
    """The append-only, hash-chained access audit."""


_ANCHOR = re.compile(r"([1-9][0-9]*):([0-9a-f]{64})")


def _anchor(text: str, where: str) -> Head:
    match = _ANCHOR.fullmatch(text.strip().lower())
    if not match:
        raise click.UsageError(f"{where}: an anchor is SEQ:HASH as `mast audit verify` prints it")
    return int(match[1]), match[2]


def _last_anchor(path: Path) -> Head | None:
    """The newest anchor in the file (its last line), or None for a file not yet written. A
    file holding none is refused: emptied, it would let a rewritten log be trusted afresh."""
    if not path.exists():
        return None
    try:
        lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path}: the anchors cannot be read ({error})") from error
    if not lines:
        raise click.UsageError(f"{path} holds no anchor: if it is new, remove it and verify again")
    return _anchor(lines[-1].split()[0], str(path))  # a line: "SEQ:HASH VERIFIED_AT"


@audit.command()
@click.option("--anchor", "anchor_text", metavar="SEQ:HASH",
              help="An anchor an earlier verify printed: the log must still hold that event unchanged.")
@click.option("--anchor-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Check the newest anchor in this file, then add the head to it if intact. Keep it "
                   "where those who can write to the graph cannot.")
def verify(anchor_text: str | None, anchor_file: Path | None) -> None:
    """Recompute the chain; exit 1 and name the first broken event if it was tampered with.

    The chain alone cannot show its end cut off, or all of it rewritten, by someone with write
    access to the graph: an anchor kept elsewhere does."""
    if anchor_text is not None and anchor_file:
        raise click.UsageError("give --anchor or --anchor-file, not both")
    anchor = (_anchor(anchor_text, "--anchor") if anchor_text is not None
              else _last_anchor(anchor_file) if anchor_file else None)
    with Graph(get_settings()) as graph:
        report = verify_chain(graph, anchor)
    if not report.ok:
        where = f" at event {report.first_broken_seq}" if report.first_broken_seq is not None else ""
        click.echo(f"audit chain broken{where}: {report.reason}")
        raise SystemExit(1)
    click.echo(f"audit chain intact: {report.checked} events")
    if report.head and report.head[0]:
        head = f"{report.head[0]}:{report.head[1]}"
        click.echo(f"anchor: {head}")
        if anchor_file:
            try:
                with anchor_file.open("a", encoding="utf-8") as file:
                    file.write(f"{head} {datetime.now(timezone.utc).isoformat(timespec='seconds')}\n")
            except OSError as error:
                raise click.ClickException(f"{anchor_file}: the anchor was not added ({error.strerror})") from error


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
