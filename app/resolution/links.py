"""The resolved links: which Person each source record belongs to."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from app.db import Graph
from app.resolution import cypher

LINKS_HEADER = ("source", "source_person_id", "person_id")


def read_links(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """(source, source_person_id, person_id) for every active source record, streamed."""
    with graph.session() as session:
        for row in session.run(cypher.LINKS):
            yield row["source"], row["source_person_id"], row["person_id"]


def unresolved_records(graph: Graph) -> int:
    """Current records that no resolution run has given a Person yet."""
    return graph.run(cypher.UNRESOLVED_COUNT)[0]["n"]


def export_links(graph: Graph, out: Path) -> int:
    """Write the contract's links CSV; returns the number of rows written."""
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LINKS_HEADER)
        for row in read_links(graph):
            writer.writerow(row)
            count += 1
    return count
