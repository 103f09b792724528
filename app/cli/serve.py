"""``mast serve``: the API under uvicorn."""

from __future__ import annotations

import click
import uvicorn

from app.auth.verify import AuthenticationError
from app.settings import get_settings
from app.web import create_app
from app.worker_pool import WorkerExited, listen, serve_workers


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
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    if workers == 1:
        uvicorn.run(app, host=host, port=port)
        return
    try:
        listener = listen(host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from error
    click.echo(f"{workers} worker processes on {host}:{port}, connections dealt to them in turn")
    try:
        serve_workers(listener, workers)
    except WorkerExited as error:
        raise click.ClickException(str(error)) from error
