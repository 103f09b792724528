"""The ``mast`` command: one group, each subcommand in a module of its own."""

from __future__ import annotations

import click

from app.cli.audit import audit
from app.cli.db import db
from app.cli.demo import demo
from app.cli.evaluate import evaluate
from app.cli.export import export
from app.cli.ingest import ingest
from app.cli.neo4j import neo4j_group
from app.cli.report import report
from app.cli.resolve import explain, resolve
from app.cli.seed import seed
from app.cli.serve import serve
from app.cli.token import token


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """MAST, the Multi-Agency Safeguarding Tracker.

    Loads partner agencies' headline extracts into a Neo4j graph, resolves them to
    Person and Address entities, and serves them over an authorised GraphQL API.
    """


main.add_command(neo4j_group)
main.add_command(db)
main.add_command(serve)
main.add_command(ingest)
main.add_command(seed)
main.add_command(evaluate)
main.add_command(export)
main.add_command(resolve)
main.add_command(explain)
main.add_command(demo)
main.add_command(token)
main.add_command(audit)
main.add_command(report)
