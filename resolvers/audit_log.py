"""The auditor's view: the audit log, who viewed whom, and whom a subject viewed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Optional

import strawberry
from strawberry.types import Info

from app.audit.log import UnreadableEvent, people_viewed_by, query_events, viewers_of
from resolvers import paging
from resolvers.context import RequestContext
from resolvers.entities import ctx_of
from resolvers.errors import InvalidInput


@strawberry.type(description="One audit event, with its place in the hash chain.")
class AuditEntry:
    seq: int
    at: str
    subject: str
    agency: str
    role: str
    operation: str
    outcome: str
    purpose: Optional[str]
    person_ids: list[strawberry.ID]
    address_ids: list[strawberry.ID]
    fields: list[str]
    detail: str
    prev_hash: str
    hash: str


def _entry(event: Any) -> AuditEntry:
    return AuditEntry(
        seq=event.seq, at=str(event.at), subject=event.subject, agency=event.agency, role=event.role,
        operation=event.operation, outcome=event.outcome, purpose=event.purpose,
        person_ids=[strawberry.ID(i) for i in event.person_ids],
        address_ids=[strawberry.ID(i) for i in event.address_ids],
        fields=list(event.fields), detail=event.detail, prev_hash=event.prev_hash, hash=event.hash,
    )


def _asked(ctx: RequestContext, argument: str, value: str) -> str:
    """Whom an auditor asked about, refused if blank (not read as "everyone") and named in the
    request's own audit event: looking into someone's access history leaves a trace too."""
    value = str(value).strip()
    if not value:
        raise InvalidInput(f"{argument}: empty")
    ctx.audit.asked(f"asked about {argument}", value)
    return value


async def resolve_audit_log(
    info: Info,
    person_id: Optional[strawberry.ID] = None,
    subject: Optional[str] = None,
    from_: Annotated[Optional[datetime], strawberry.argument(name="from")] = None,
    to: Optional[datetime] = None,
    first: int = 100,
    after_seq: Optional[int] = None,
) -> Optional[list[AuditEntry]]:
    ctx = ctx_of(info)
    ctx.authorise("auditLog")
    limit = paging.page_size(first)
    asked_person = _asked(ctx, "personId", person_id) if person_id is not None else None
    asked_subject = _asked(ctx, "subject", subject) if subject is not None else None
    try:
        events = await ctx.read(
            lambda: query_events(ctx.graph, person_id=asked_person, subject=asked_subject,
                                 start=from_, end=to, limit=limit, after_seq=after_seq)
        )
    except UnreadableEvent as error:
        raise InvalidInput(str(error)) from error
    return [_entry(e) for e in events]


async def resolve_people_viewed_by(info: Info, subject: str) -> Optional[list[strawberry.ID]]:
    ctx = ctx_of(info)
    ctx.authorise("peopleViewedBy")
    found = await ctx.read(people_viewed_by, ctx.graph, _asked(ctx, "subject", subject))
    return [strawberry.ID(str(i)) for i in found]


async def resolve_viewers_of(info: Info, person_id: strawberry.ID) -> Optional[list[str]]:
    ctx = ctx_of(info)
    ctx.authorise("viewersOf")
    found = await ctx.read(viewers_of, ctx.graph, _asked(ctx, "personId", person_id))
    return [str(s) for s in found]
