"""Blocking calls (the Neo4j driver, a JWKS fetch) run off the event loop, on one thread
pool per process.

asyncio's own executor hand-off is used rather than Starlette's ``run_in_threadpool``:
that goes through anyio, which opens a cancel scope and a capacity limiter around every
call. The audit's group commits run here too: one task writes group after group while
requests await their events on the loop, holding no thread.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Callable, TypeVar

T = TypeVar("T")

# anyio's default limit: a thread holds at most one driver connection while it runs.
THREADS = 40

_pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="mast-blocking")


async def run_blocking(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` on the pool; the caller awaits it without holding up other requests."""
    return await asyncio.get_running_loop().run_in_executor(_pool, partial(function, *args))


def blocking_pool() -> ThreadPoolExecutor:
    """The pool itself, for work no caller awaits directly (the audit's group commits)."""
    return _pool
