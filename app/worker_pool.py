"""Several API processes on one port, each accepting on its own listening socket.

uvicorn's ``--workers`` shares one socket, and the process that went back to waiting last
takes a whole burst of new connections: under the 16-client benchmark one worker held 15
connections and the other 1, so one process did all the work. With a socket per process
bound with ``SO_REUSEPORT``, the kernel spreads connections over the processes by a hash of
their addresses.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
from multiprocessing.connection import wait
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("uvicorn.error")  # configured by uvicorn.Config in each worker


class WorkerExited(RuntimeError):
    """A worker stopped on its own (it could not bind, or it failed): the pool is stopped."""


class _Stop(Exception):
    """SIGINT or SIGTERM reached the parent."""


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket of the port's reuse group: bound by every worker, each accepting its share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _serve_one(host: str, port: int) -> None:
    """One worker: its own socket, and its own app built from the environment."""
    config = uvicorn.Config("app.web:create_app", factory=True, host=host, port=port)
    try:
        sock = _listening_socket(host, port)
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", host, port, error)
        raise SystemExit(STARTUP_FAILURE) from error  # uvicorn's own code for this
    uvicorn.Server(config).run(sockets=[sock])


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def serve_workers(host: str, port: int, count: int) -> None:
    """Run ``count`` workers until a signal stops them all, or one of them stops by itself
    (then the others are stopped too and ``WorkerExited`` says which exit code it gave)."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_serve_one, args=(host, port), name=f"mast-worker-{n}") for n in range(count)]
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    exited: int | None = None
    try:
        for worker in workers:
            worker.start()
        ended = wait([worker.sentinel for worker in workers])
        first = next(worker for worker in workers if worker.sentinel in ended)
        first.join()  # its sentinel closes a moment before its exit code can be read
        exited = first.exitcode
    except _Stop:
        pass
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for worker in workers:
            worker.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if exited is not None:
        raise WorkerExited(f"a worker process stopped with exit code {exited}; the others were stopped too")
