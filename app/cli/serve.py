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
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Server processes (default MAST_WORKERS, else one per CPU core).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API (health checks and GraphQL)."""
    settings = get_settings()
    try:
        app = create_app(settings)  # refuses bad auth settings here, before any worker starts
    except AuthenticationError as error:
        raise click.ClickException(str(error)) from error
    workers = workers or settings.workers
    target = "app.web:create_app" if workers > 1 else app  # each worker builds its app from the environment
    uvicorn.run(target, factory=workers > 1, host=host or settings.host, port=port or settings.port,
                workers=workers)
