"""``mast token``: development tokens from the local issuer."""

from __future__ import annotations

import json

import click

from app.auth.keys import local_jwks
from app.auth.tokens import issue_token
from app.auth.verify import ROLES
from app.settings import get_settings


@click.command()
@click.option("--role", type=click.Choice(ROLES), help="What the holder may do.")
@click.option("--agency", help="The holder's agency code, e.g. POLICE.")
@click.option("--sub", "subject", help="Who the holder is (their user id).")
@click.option("--ttl", type=click.IntRange(min=1), default=3600, show_default=True,
              help="Seconds the token is valid.")
@click.option("--jwks", "print_jwks", is_flag=True, help="Print the local issuer's public JWKS instead.")
def token(role: str | None, agency: str | None, subject: str | None, ttl: int, print_jwks: bool) -> None:
    """Print a signed bearer token (only the token, so TOKEN=$(mast token ...) works)."""
    settings = get_settings()
    if print_jwks:
        click.echo(json.dumps(local_jwks(settings)))
        return
    if not (role and agency and subject):
        raise click.UsageError("--role, --agency and --sub are required")
    click.echo(issue_token(settings, subject=subject, role=role, agency=agency, ttl_seconds=ttl))
