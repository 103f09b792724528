"""What an audit event records, and how its hash is computed.

The hash covers every field and the previous event's hash, so changing, removing or
reordering any event breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    subject: str
    agency: str
    role: str
    operation: str
    outcome: str  # "allowed", "denied" (the role may not) or "refused" (the input could not be used)
    purpose: str | None = None
    person_ids: tuple[str, ...] = ()
    address_ids: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class StoredEvent(AuditEvent):
    seq: int = 0
    at: datetime = datetime.min
    prev_hash: str = GENESIS_HASH
    hash: str = ""


def event_body(event: AuditEvent) -> dict[str, Any]:
    """The event's own fields as they are stored and hashed, tuples as lists. Read field by
    field: dataclasses.asdict deep-copies every value first."""
    return {f.name: list(v) if isinstance(v := getattr(event, f.name), tuple) else v for f in fields(AuditEvent)}


def event_hash(seq: int, at_iso: str, body: dict[str, Any], prev_hash: str) -> str:
    """The hash of an event's ``event_body`` at its place in the chain."""
    canonical = json.dumps({"seq": seq, "at": at_iso, "event": body, "prev": prev_hash},
                           sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
