"""The integrator's write: rows sent in a request go through exactly the CLI's pipeline
and come back with the same report, per-row problems included. The response lists only
the first problems the pipeline keeps (so it stays bounded) and says so; the whole report
stays in the call's folder on the server, as the CLI's does."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from app.ingest.contract import ExtractRefused
from app.ingest.pipeline import ingest_rows
from resolvers.entities import ctx_of
from resolvers.errors import AccessDenied, InvalidInput

MAX_ROWS = 5000


@strawberry.type(description="A rejected row or a dropped field: line = position of the row in the request.")
class IngestProblem:
    line: int
    field: str
    reason: str
    kind: str


@strawberry.type(description="The ingest summary, as `mast ingest` prints it.")
class IngestResult:
    batch_id: Optional[str]
    source: str
    mode: str
    content_hash: str
    rows_read: int
    rows_landed: int
    rows_rejected: int
    fields_dropped: int
    records_created: int
    records_updated: int
    records_retired: int
    involvements_created: int
    involvements_updated: int
    involvements_retired: int
    unknown_columns: list[str]
    unnamed_key_line: Optional[int] = strawberry.field(
        description="The first row holding a field whose name is blank: such fields are ignored in every row.")
    duplicate_columns: list[str] = strawberry.field(
        description="Fields a row names twice, ignoring case and surrounding spaces: the row's first is kept.")
    unchanged_since_batch: Optional[str]
    problems: list[IngestProblem]
    problem_count: int = strawberry.field(
        description="Every rejected row, dropped field and kept record the report holds, shown or not.")
    problems_truncated: bool = strawberry.field(
        description="True when `problems` lists only the first of the `problemCount`; all are kept under `reportId`.")
    report_id: str = strawberry.field(
        description="The server-side folder keeping this call's whole report (rejects.csv, warnings.csv), "
        "as the CLI keeps a file's; the batch id when the call wrote anything.")


async def resolve_ingest_records(
    info: Info, source: str, rows: list[Optional[JSON]], mode: str = "delta"
) -> Optional[IngestResult]:
    ctx = ctx_of(info)
    ctx.audit.asked("rows for source", source.strip())  # allowed or not
    ctx.authorise("ingestRecords")
    if source.strip().upper() != ctx.principal.agency.upper():
        ctx.audit.denied.add("ingestRecords.source")
        raise AccessDenied("an integrator may write only its own agency's records")
    if not 1 <= len(rows) <= MAX_ROWS:
        raise InvalidInput(f"send between 1 and {MAX_ROWS} rows per call")
    try:
        summary = await ctx.read(ingest_rows, ctx.graph, ctx.settings.state_dir, source, rows, mode)
    except ExtractRefused as error:
        raise InvalidInput(str(error)) from error
    ctx.audit.details.append(f"ingest batch {summary.batch_id or summary.unchanged_since_batch or '-'}")
    return IngestResult(
        batch_id=summary.batch_id, source=summary.source, mode=summary.mode, content_hash=summary.content_hash,
        rows_read=summary.rows_read, rows_landed=summary.rows_landed, rows_rejected=summary.rows_rejected,
        fields_dropped=summary.fields_dropped, records_created=summary.records_created,
        records_updated=summary.records_updated, records_retired=summary.records_retired,
        involvements_created=summary.involvements_created, involvements_updated=summary.involvements_updated,
        involvements_retired=summary.involvements_retired, unknown_columns=summary.unknown_columns,
        unnamed_key_line=summary.unnamed_key_line, duplicate_columns=summary.duplicate_columns,
        unchanged_since_batch=summary.unchanged_since_batch,
        problems=[IngestProblem(**p) for p in summary.problems],
        problem_count=summary.problems_reported, problems_truncated=len(summary.problems) < summary.problems_reported,
        report_id=Path(summary.rejects_file).parent.name,
    )
