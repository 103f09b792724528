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


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.Date) else value


def _stored(tx: neo4j.ManagedTransaction, draft: ChunkDraft) -> tuple[dict, dict, dict]:
    """What the graph holds for the chunk's records, their address links and involvements, in one round trip."""
    row = tx.run(
        cypher.STORED_STATE, record_ids=list(draft.records), involvement_ids=list(draft.involvements)
    ).single(strict=True)
    records: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], tuple[Any, Any]] = {}
    for record in row["records"]:
        for address_id, first_seen, last_seen in record.pop("links"):
            links[(record["id"], address_id)] = (_native(first_seen), _native(last_seen))
        records[record["id"]] = record
    return records, {i["id"]: i for i in row["involvements"]}, links


def apply_chunk(tx: neo4j.ManagedTransaction, context: BatchContext, draft: ChunkDraft) -> ChunkWrites:
    """Plan and write one chunk inside the caller's transaction; returns what was written."""
    records, involvements, links = _stored(tx, draft)
    writes = plan(draft, records, involvements, links)
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
