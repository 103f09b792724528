"""The one Neo4j driver a process holds, and the database it talks to."""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Generic, TypeVar

import neo4j

from app.settings import Settings


class Graph:
    """A driver bound to MAST's database; open once per process, close on shutdown."""

    def __init__(self, settings: Settings) -> None:
        self.database = settings.neo4j_database
        self.driver = neo4j.GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password),
            # Schema hints ("label does not exist yet") are noise on a young graph.
            notifications_min_severity="OFF",
        )

    def session(self, **config: Any) -> neo4j.Session:
        return self.driver.session(database=self.database, **config)

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run one auto-committed-by-retry query and return its rows as dicts."""
        records, _, _ = self.driver.execute_query(query, params, database_=self.database)
        return [record.data() for record in records]

    def run_once(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run one auto-committed query in a single attempt: probes that must answer at once, and
        statements that commit in batches of their own (``CALL ... IN TRANSACTIONS``)."""
        with self.session() as session:
            return session.run(query, params).data()

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "Graph":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


T = TypeVar("T")


class PerGraph(Generic[T]):
    """Process-wide state kept once for each Graph (the audit's group commits, search's copy
    of the name tokens): made on first use and let go with its graph, so the graphs a
    process opens (as tests open many) never share it."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._made: "weakref.WeakKeyDictionary[Graph, T]" = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, graph: Graph) -> T:
        with self._lock:
            made = self._made.get(graph)
            if made is None:
                made = self._made[graph] = self._make()
            return made
