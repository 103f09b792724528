"""Several API processes on one port, the connections dealt to them in turn.

uvicorn's ``--workers`` shares one listening socket, and the process that went back to
waiting last takes a whole burst of new connections: under the 16-client benchmark one
worker held 15 connections and the other 1. A ``SO_REUSEPORT`` socket per worker spreads
them by a hash of the addresses, which still gave splits of 4/12 and 3/13, and the
benchmark's p95 followed the split. So the supervisor accepts every connection itself and
hands it to the next worker in turn over a Unix socket pair (``SCM_RIGHTS``); a keep-alive
client then stays with the worker it was dealt to.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import signal
import socket
from collections.abc import Iterator
from multiprocessing.connection import wait
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger(__name__)


class WorkerExited(RuntimeError):
    """A worker stopped on its own (it failed to start, or it died): the pool is stopped."""


class _Stop(Exception):
    """SIGINT or SIGTERM reached the parent."""


class _DealtServer(uvicorn.Server):
    """A uvicorn server with no listening socket of its own: it serves the connections the
    supervisor sends down ``channel``, with uvicorn's own HTTP protocol and graceful shutdown."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self._channel = channel
        self._handing: set[asyncio.Task[Any]] = set()  # the loop holds tasks only weakly

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        self._channel.setblocking(False)
        asyncio.get_running_loop().add_reader(self._channel.fileno(), self._take_connections)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().remove_reader(self._channel.fileno())
        await super().shutdown(sockets)

    def _take_connections(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self._channel, 1, 1)
            except BlockingIOError:
                return
            if not message:  # the supervisor is gone: no more connections will come
                self.should_exit = True
                return
            for fd in fds:
                task = loop.create_task(loop.connect_accepted_socket(self._protocol, socket.socket(fileno=fd)))
                self._handing.add(task)
                task.add_done_callback(self._handing.discard)

    def _protocol(self) -> asyncio.Protocol:
        """What uvicorn's own listener builds for each connection it accepts."""
        return self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config, server_state=self.server_state, app_state=self.lifespan.state)


def _serve_one(channel: socket.socket) -> None:
    """One worker: its own app, built from the environment, serving what it is dealt."""
    _DealtServer(uvicorn.Config("app.web:create_app", factory=True), channel).run()


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def listen(host: str, port: int) -> socket.socket:
    """The pool's one listening socket (``OSError`` when the port is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


def _deal(listener: socket.socket, channels: Iterator[socket.socket]) -> None:
    """Hand every waiting connection to the next worker. A connection that cannot be handed
    over is closed, and the pool goes on: its worker has just died (the pool then stops on
    that worker's sentinel), or, for a user without CAP_SYS_RESOURCE, more connections are
    in flight to the workers than the open-file limit allows (ETOOMANYREFS)."""
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return
        except ConnectionError:  # reset by the client before it was accepted
            continue
        with connection:
            try:
                socket.send_fds(next(channels), [b"c"], [connection.fileno()])
            except OSError as error:
                log.warning("a connection was closed unserved: %s", error.strerror)


def serve_workers(listener: socket.socket, count: int) -> None:
    """Deal ``listener``'s connections to ``count`` workers until a signal stops them all, or
    one of them stops by itself (then the others are stopped too and ``WorkerExited`` says
    which exit code it gave). The listener is closed when the pool stops."""
    context = multiprocessing.get_context("spawn")
    pairs = [socket.socketpair() for _ in range(count)]
    workers = [context.Process(target=_serve_one, args=(theirs,), name=f"mast-worker-{n}")
               for n, (_, theirs) in enumerate(pairs)]
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    exited: int | None = None
    try:
        for worker in workers:
            worker.start()
        for _, theirs in pairs:
            theirs.close()  # the workers hold these now: a dead worker's channel breaks, not fills
        listener.setblocking(False)
        channels = itertools.cycle([ours for ours, _ in pairs])
        sentinels = {worker.sentinel for worker in workers}
        while not sentinels.intersection(ready := wait([listener, *sentinels])):
            _deal(listener, channels)
        first = next(worker for worker in workers if worker.sentinel in ready)
        first.join()  # its sentinel closes a moment before its exit code can be read
        exited = first.exitcode
    except _Stop:
        pass
    finally:
        listener.close()
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for worker in workers:
            worker.join()
        for pair in pairs:
            for end in pair:
                end.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if exited is not None:
        raise WorkerExited(f"a worker process stopped with exit code {exited}; the others were stopped too")
