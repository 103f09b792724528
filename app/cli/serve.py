"""``mast serve``: the API under uvicorn."""

from __future__ import annotations

import click
import uvicorn

from app.auth.verify import AuthenticationError
from app.settings import get_settings
from app.web import create_app


@click.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1 or MAST_HOST).")
@click.option("--port", type=int, default=None, help="Port (default 8000 or MAST_PORT).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the API (health checks and GraphQL)."""
    settings = get_settings()
    try:
        app = create_app(settings)
    except AuthenticationError as error:
        raise click.ClickException(str(error)) from error
    uvicorn.run(app, host=host or settings.host, port=port or settings.port)
