"""Applying one chunk of an extract to the graph in one transaction.

The transaction reads what is stored for the chunk's ids, plans the real changes and
writes them, so a chunk either lands whole or not at all, and a chunk already loaded
writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j

from app.ingest import cypher
from app.ingest.changes import ChunkDraft, ChunkWrites, plan


@dataclass(frozen=True)
class BatchContext:
    batch: str
    agency: str
    mode: str
    content_hash: str
    file_name: str

    def params(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "agency": self.agency,
            "mode": self.mode,
            "content_hash": self.content_hash,
            "file_name": self.file_name,
        }


def _stored(tx: neo4j.ManagedTransaction, draft: ChunkDraft) -> tuple[dict, dict, dict]:
    record_ids = list(draft.records)
    records = {row["id"]: row for row in tx.run(cypher.STORED_RECORDS, ids=record_ids).data()}
    involvements = {
        row["involvement"]["id"]: row["involvement"]
        for row in tx.run(cypher.STORED_INVOLVEMENTS, ids=list(draft.involvements)).data()
    }
    links = {
        (row["record_id"], row["address_id"]): (row["first_seen"], row["last_seen"])
        for row in tx.run(cypher.STORED_LINKS, ids=record_ids)
    }
    return records, _as_python_dates(involvements), {k: _dates(v) for k, v in links.items()}


def _dates(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.to_native() if isinstance(v, neo4j.time.Date) else v for v in values)


def _as_python_dates(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key: {k: v.to_native() if isinstance(v, neo4j.time.Date) else v for k, v in row.items()} for key, row in rows.items()}


def _native_records(records: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for row in records.values():
        row["dobs"] = [d.to_native() for d in row.get("dobs") or ()]
    return records


def apply_chunk(tx: neo4j.ManagedTransaction, context: BatchContext, draft: ChunkDraft) -> ChunkWrites:
    """Plan and write one chunk inside the caller's transaction; returns what was written."""
    records, involvements, links = _stored(tx, draft)
    writes = plan(draft, _native_records(records), involvements, links)
    if writes.empty:
        return writes
    params = context.params()
    tx.run(cypher.ENSURE_BATCH, params).consume()
    steps = (
        (cypher.CREATE_RECORDS, "records", writes.new_records),
        (cypher.UPDATE_RECORDS, "records", writes.changed_records),
        (cypher.MERGE_ADDRESSES, "addresses", writes.addresses),
        (cypher.MERGE_LINKS, "links", writes.links),
        (cypher.CREATE_INVOLVEMENTS, "involvements", writes.new_involvements),
        (cypher.UPDATE_INVOLVEMENTS, "involvements", writes.changed_involvements),
    )
    for query, name, rows in steps:
        if rows:
            tx.run(query, {**params, name: rows}).consume()
    return writes
