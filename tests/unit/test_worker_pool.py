"""The supervisor's dealing, without workers: sockets stand in for their channels."""

from __future__ import annotations

import itertools
import socket

import pytest

from app.worker_pool import _deal, listen


def test_connections_are_dealt_in_turn_with_the_connection_itself() -> None:
    with listen("127.0.0.1", 0) as listener:
        listener.setblocking(False)
        pairs = [socket.socketpair() for _ in range(2)]
        clients = [socket.create_connection(listener.getsockname()) for _ in range(4)]
        _deal(listener, itertools.cycle([ours for ours, _ in pairs]))
        for _, theirs in pairs:
            for _ in range(2):
                message, fds, _, _ = socket.recv_fds(theirs, 1, 1)
                assert message == b"c" and len(fds) == 1
                with socket.socket(fileno=fds[0]) as dealt:
                    assert dealt.getsockname() == listener.getsockname()
            theirs.setblocking(False)
            assert _nothing_waiting(theirs)
        for sock in [*clients, *itertools.chain.from_iterable(pairs)]:
            sock.close()


def test_a_connection_that_cannot_be_handed_over_is_closed_and_dealing_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    """A worker that has just died leaves a broken channel: its connection is closed with a
    warning, and the next connection still reaches the live worker."""
    with listen("127.0.0.1", 0) as listener:
        listener.setblocking(False)
        dead_ours, dead_theirs = socket.socketpair()
        dead_theirs.close()
        live_ours, live_theirs = socket.socketpair()
        first = socket.create_connection(listener.getsockname())
        second = socket.create_connection(listener.getsockname())
        _deal(listener, itertools.cycle([dead_ours, live_ours]))
        first.settimeout(5)
        assert first.recv(1) == b""  # closed by the supervisor, unserved
        assert "a connection was closed unserved: Broken pipe" in caplog.text
        _, fds, _, _ = socket.recv_fds(live_theirs, 1, 1)
        assert len(fds) == 1
        socket.socket(fileno=fds[0]).close()
        for sock in (first, second, dead_ours, live_ours, live_theirs):
            sock.close()


def _nothing_waiting(channel: socket.socket) -> bool:
    try:
        channel.recv(1)
    except BlockingIOError:
        return True
    return False
