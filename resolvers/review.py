"""The review queue and reviewers' decisions: pairs the model could not settle, and the
human answer that always wins over it on the next ``mast resolve``."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import date
from typing import Any, Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from resolvers import data, paging
from resolvers.choose import display_name
from resolvers.entities import ctx_of
from resolvers.errors import InvalidInput

DECISIONS = ("same", "different")
MAX_NOTE = 2000


@strawberry.type(description="One record of a pair under review, as its agency holds it.")
class ReviewRecord:
    id: strawberry.ID
    agency: str
    source_person_id: str
    names: list[str]
    dates_of_birth: list[date]
    sex: Optional[str]
    nhs_numbers: list[str]
    postcodes: list[str]
    person_id: Optional[strawberry.ID]


@strawberry.type(description="A scored pair between the thresholds with no decision yet.")
class ReviewItem:
    cursor: str
    probability: Optional[float]
    weight: Optional[float]
    explanation: Optional[JSON]
    record_a: ReviewRecord
    record_b: ReviewRecord


@strawberry.type
class ReviewQueue:
    items: list[ReviewItem]
    page_info: paging.PageInfo


@strawberry.type(description="A reviewer's decision, applied by the next resolution run.")
class ReviewDecision:
    id: strawberry.ID
    record_a: strawberry.ID
    record_b: strawberry.ID
    decision: str
    note: str
    reviewer: str
    at: str


def _record(row: dict[str, Any]) -> ReviewRecord:
    names = [n for n in (display_name(v) for v in row.get("name_variants") or ()) if n]
    return ReviewRecord(
        id=strawberry.ID(row["id"]), agency=row["agency"], source_person_id=row["source_person_id"], names=names,
        dates_of_birth=row.get("dobs") or [], sex=row.get("sex"), nhs_numbers=row.get("nhs_numbers") or [],
        postcodes=[p for p in row.get("postcodes") or [] if p],
        person_id=strawberry.ID(row["person_id"]) if row.get("person_id") else None,
    )


def _cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _after(cursor: Optional[str]) -> Optional[str]:
    if not cursor:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise InvalidInput("after is not a cursor this API issued") from error


async def resolve_review_queue(info: Info, first: int = 20, after: Optional[str] = None) -> Optional[ReviewQueue]:
    ctx = ctx_of(info)
    ctx.authorise("reviewQueue")
    limit = paging.page_size(first)
    found = await ctx.read(data.review_queue, ctx.graph, _after(after), limit + 1)
    items = []
    for row in found[:limit]:
        a, b = (_record(r) for r in row["records"])
        ctx.audit.person_ids.update(str(r.person_id) for r in (a, b) if r.person_id)
        items.append(ReviewItem(cursor=_cursor(row["key"]), probability=row.get("probability"),
                                weight=row.get("weight"), explanation=row.get("explanation"), record_a=a, record_b=b))
    ctx.audit.fields.add("ReviewItem.records")
    more = len(found) > limit
    return ReviewQueue(items=items, page_info=paging.PageInfo(has_next_page=more,
                                                              end_cursor=items[-1].cursor if items else None))


async def resolve_review_match(
    info: Info, record_a: strawberry.ID, record_b: strawberry.ID, decision: str, note: str = ""
) -> Optional[ReviewDecision]:
    ctx = ctx_of(info)
    first, second = sorted((str(record_a), str(record_b)))
    # Which records were asked about, found or not, allowed or not: probing shows in the log.
    ctx.audit.asked("review of records", first, second)
    ctx.authorise("reviewMatch")
    if decision not in DECISIONS:
        raise InvalidInput("decision must be 'same' or 'different'")
    ctx.audit.details.append(f"decision {decision}")
    if first == second:
        raise InvalidInput("a record cannot be reviewed against itself")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"note is limited to {MAX_NOTE} characters")
    params = {"id": f"review-{uuid.uuid4().hex}", "record_a": first, "record_b": second,
              "decision": decision, "note": note, "reviewer": ctx.principal.subject}
    try:
        stored = await ctx.read(data.create_review_decision, ctx.graph, params)
    except data.ContradictsDecisions as error:
        raise InvalidInput(_contradiction(decision, first, second, error.pairs)) from error
    if stored is None and decision == "same":
        raise InvalidInput("no such pair of records scored as a possible match: 'same' is for pairs the resolver scored")
    if stored is None:
        raise InvalidInput("no such pair of records")
    ctx.audit.details.append(f"stored as {stored['id']}")
    return ReviewDecision(id=strawberry.ID(stored["id"]), record_a=strawberry.ID(first), record_b=strawberry.ID(second),
                          decision=decision, note=note, reviewer=ctx.principal.subject, at=stored["at"])


def _contradiction(decision: str, first: str, second: str, pairs: list[tuple[str, str]]) -> str:
    """Why the decision was not stored, naming the decisions in its way by their records' ids."""
    named = ", ".join(f"{a} and {b}" for a, b in pairs)
    if decision == "different":
        return (f"{first} and {second} are held together by reviewers' 'same' decisions on {named}: "
                "a 'same' always joins, so change one of those to 'different' first")
    return (f"this would make one person of records a reviewer decided are different people ({named}): "
            "change that decision first")
