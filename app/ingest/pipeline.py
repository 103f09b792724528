"""One ingest, end to end: refuse or accept the file, land its rows chunk by chunk,
retire what a snapshot no longer holds, and record the batch.

The same pipeline serves the CLI (a file) and the GraphQL mutation (rows in a request).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from app.db import Graph
from app.ingest import cypher
from app.ingest.changes import fold, record_id
from app.ingest.contract import ID_COLUMN, MODES, ExtractRefused
from app.ingest.extract import SourceRow, inspect, mapping_row, read_keys, rows
from app.ingest.report import BatchReport
from app.ingest.rows import CleanRow, Problem, clean
from app.ingest.writer import BatchContext, ChunkWriter
from graph_schema.migrations import SchemaBehindError, SchemaTooNewError, check_current

log = logging.getLogger(__name__)

CHUNK_ROWS = 5000
_AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{0,31}$")


@dataclass
class IngestSummary:
    batch_id: str | None
    source: str
    mode: str
    content_hash: str
    rows_read: int = 0
    rows_landed: int = 0
    rows_rejected: int = 0
    fields_dropped: int = 0
    records_created: int = 0
    records_updated: int = 0
    records_retired: int = 0
    involvements_created: int = 0
    involvements_updated: int = 0
    involvements_retired: int = 0
    records_kept: int = 0
    involvements_kept: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    unnamed_columns: list[int] = field(default_factory=list)
    unnamed_key_line: int | None = None  # JSON Lines and API rows: the first line with a blank key
    duplicate_columns: list[str] = field(default_factory=list)  # known columns named again; the first is kept
    unchanged_since_batch: str | None = None
    rejects_file: str = ""
    warnings_file: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    problems_reported: int = 0  # every problem the report holds, listed in ``problems`` or not

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class InFile:
    """What a snapshot file holds, so that only what is absent from it is retired: the ids
    its landed rows carry, and the records its rejected rows name (in the file, not absent)."""

    records: set[str] = field(default_factory=set)
    involvements: set[str] = field(default_factory=set)
    rejected: dict[str, int] = field(default_factory=dict)  # record id -> line of its first rejected row
    unidentified: int = 0  # line of the first rejected row whose source_person_id cannot be read

    def add_rejected(self, agency: str, row: SourceRow) -> None:
        source_person_id = " ".join(row.fields.get(ID_COLUMN, "").split())
        if source_person_id:
            self.rejected.setdefault(record_id(agency, source_person_id), row.line)
        elif not self.unidentified:
            self.unidentified = row.line


def check_source(agency: str, mode: str) -> str:
    code = agency.strip().upper()
    if not _AGENCY_CODE.match(code):
        raise ExtractRefused("the agency code must be letters, digits, '-' or '_' (e.g. POLICE)")
    if mode not in MODES:
        raise ExtractRefused(f"mode must be one of {', '.join(MODES)}")
    return code


def _check_schema(graph: Graph) -> None:
    """Ingestion's merges rely on the uniqueness constraints the migrations create: refuse a
    graph at another schema version."""
    try:
        check_current(graph)
    except (SchemaTooNewError, SchemaBehindError) as error:
        raise ExtractRefused(str(error)) from error


def ingest_file(
    graph: Graph,
    state_dir: Path,
    agency: str,
    path: Path,
    mode: str = "delta",
    progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Ingest one extract file; raises ExtractRefused (graph untouched) when it is refused whole."""
    code = check_source(agency, mode)
    _check_schema(graph)
    info = inspect(path)
    summary = IngestSummary(None, code, mode, info.content_hash, unknown_columns=list(info.unknown_columns),
                            unnamed_columns=list(info.unnamed_columns), unnamed_key_line=info.unnamed_key_line,
                            duplicate_columns=list(info.duplicate_columns))
    _log_ignored(summary)
    return _ingest(graph, state_dir, summary, path.name, rows(info), progress, keep_problems=0)


def ingest_rows(
    graph: Graph, state_dir: Path, agency: str, records: Sequence[object], mode: str = "delta"
) -> IngestSummary:
    """Ingest rows sent in a request, read as the lines of a JSON Lines file are (line n = the
    n-th row), so the report is the CLI's; problems come back in the summary."""
    code = check_source(agency, mode)
    _check_schema(graph)
    keys = read_keys(enumerate(records, start=1), f"no row has a '{ID_COLUMN}' field")
    source_rows = [_request_row(i, r) for i, r in enumerate(records, start=1)]
    content_hash = hashlib.sha256(json.dumps([r.fields for r in source_rows], sort_keys=True).encode()).hexdigest()
    summary = IngestSummary(None, code, mode, content_hash, unknown_columns=list(keys.unknown),
                            unnamed_key_line=keys.unnamed_line, duplicate_columns=list(keys.duplicates))
    _log_ignored(summary)
    return _ingest(graph, state_dir, summary, "api", iter(source_rows), None, keep_problems=1000)


def _log_ignored(summary: IngestSummary) -> None:
    """Counted, never named, in the server's log: a column name is the sender's text, which may
    hold personal data or a line break that forges a log line. The caller's report names them.
    JSON's blank keys count as one unnamed column, as its union of keys is its header."""
    unnamed = len(summary.unnamed_columns) + (summary.unnamed_key_line is not None)
    if summary.unknown_columns or unnamed or summary.duplicate_columns:
        log.warning("ingest %s: %d unknown, %d unnamed and %d duplicate columns ignored", summary.source,
                    len(summary.unknown_columns), unnamed, len(summary.duplicate_columns))


def _request_row(line: int, record: object) -> SourceRow:
    """A row that is not an object is rejected alone, with the reason a JSON Lines line gets."""
    if not isinstance(record, Mapping):
        return SourceRow(line=line, fields={}, problem="the line is not a JSON object", raw=json.dumps(record))
    return mapping_row(line, record, json.dumps(dict(record), default=str))


def _chunks(source: Iterator[SourceRow], report: BatchReport, summary: IngestSummary,
            keep_problems: int, progress: Callable[[int], None] | None,
            in_file: InFile | None = None) -> Iterator[list[CleanRow]]:
    """Clean rows in chunks that take turns between two halves of the records (split by a
    hash of the id), so that consecutive chunks share no record and the writer need not
    wait for one chunk's commit before starting the next. A record's rows keep their file
    order, and so do an involvement's when it moves between records: the other half goes
    out first when it holds the involvement's earlier row. A half that grows to twice a chunk
    while the other fills (a file of few records) goes out of turn, so memory stays bounded."""
    halves: list[list[CleanRow]] = [[], []]
    involvements: list[set[str]] = [set(), set()]  # the involvement ids each half holds
    turn = 0
    for row in source:
        summary.rows_read += 1
        result = clean(row)
        if isinstance(result, Problem):
            report.reject(row, result)
            _keep(summary, result, "rejected", keep_problems)
            if in_file is not None:
                in_file.add_rejected(summary.source, row)
        else:
            for problem in result.dropped:
                report.drop(problem)
                _keep(summary, problem, "dropped", keep_problems)
            half, involvement = zlib.crc32(result.source_person_id.encode()) & 1, result.involvement["source_id"]
            if involvement in involvements[1 - half]:
                yield halves[1 - half]
                halves[1 - half], involvements[1 - half] = [], set()
            halves[half].append(result)
            involvements[half].add(involvement)
        full = turn if len(halves[turn]) >= CHUNK_ROWS else 1 - turn
        if len(halves[full]) >= CHUNK_ROWS * (1 if full == turn else 2):
            yield halves[full]
            halves[full], involvements[full] = [], set()
            turn = 1 - full
        if progress:
            progress(1)
    for half in (halves[turn], halves[1 - turn]):
        if half:
            yield half


def _note(report: BatchReport, summary: IngestSummary, problem: Problem, keep_problems: int) -> None:
    report.note(problem)
    _keep(summary, problem, "kept", keep_problems)


def _keep(summary: IngestSummary, problem: Problem, kind: str, limit: int) -> None:
    summary.problems_reported += 1
    if len(summary.problems) < limit:
        summary.problems.append({"line": problem.line, "field": problem.field, "reason": problem.reason, "kind": kind})


def _ingest(
    graph: Graph,
    state_dir: Path,
    summary: IngestSummary,
    file_name: str,
    source: Iterator[SourceRow],
    progress: Callable[[int], None] | None,
    keep_problems: int,
) -> IngestSummary:
    batch = f"batch-{uuid.uuid4().hex}"
    context = BatchContext(batch, summary.source, summary.mode, summary.content_hash, file_name)
    in_file = InFile() if summary.mode == "snapshot" else None
    writer = ChunkWriter(graph, context)
    retired = False
    with BatchReport(state_dir / "ingest" / batch) as report:
        summary.rejects_file, summary.warnings_file = str(report.rejects_path), str(report.warnings_path)
        try:
            with writer:  # chunks are parsed on this thread while earlier ones are written on others
                for chunk in _chunks(source, report, summary, keep_problems, progress, in_file):
                    summary.rows_landed += len(chunk)
                    draft = fold(summary.source, chunk)
                    if in_file is not None:
                        in_file.records.update(draft.records)
                        in_file.involvements.update(draft.involvements)
                    writer.submit(draft)
                writer.finish()
            if in_file is not None:
                retired = _retire(graph, context, summary, in_file, report, keep_problems)
        except Exception:
            if writer.wrote or retired:
                graph.run("MATCH (b:IngestBatch {id: $batch}) SET b.status = 'failed'", batch=batch)
            raise
        summary.rows_rejected, summary.fields_dropped = report.rejected, report.dropped
        summary.records_created, summary.involvements_created = writer.records_created, writer.involvements_created
        _record_batch(graph, context, summary, writer.wrote or retired)
        report.write_summary(summary.to_dict())
    log.info("ingest %s: batch %s read %d landed %d rejected %d", summary.source, summary.batch_id,
             summary.rows_read, summary.rows_landed, summary.rows_rejected)
    return summary


def _retire(graph: Graph, context: BatchContext, summary: IngestSummary, in_file: InFile,
            report: BatchReport, keep_problems: int) -> bool:
    """A snapshot is the agency's whole extract: what it no longer holds is retired, not deleted.
    A record whose row was rejected is in the file, so it and all its involvements (which of
    them the rejected row was cannot be told) are kept as they are; a rejected row whose
    record cannot be told means no record can be shown absent, so nothing is retired."""
    if in_file.unidentified:
        _note(report, summary, Problem(in_file.unidentified, ID_COLUMN,
                                       "nothing retired: this rejected row's record cannot be told"), keep_problems)
        return False
    params = {"agency": summary.source}
    records: list[str] = []
    for row in graph.run(cypher.ACTIVE_RECORD_IDS, **params):
        if row["id"] in in_file.records:
            continue
        if row["id"] in in_file.rejected:
            summary.records_kept += 1
            _note(report, summary, Problem(in_file.rejected[row["id"]], ID_COLUMN,
                                           "record not retired: its row was rejected"), keep_problems)
        else:
            records.append(row["id"])
    involvements: list[str] = []
    for row in graph.run(cypher.ACTIVE_INVOLVEMENT_IDS, **params):
        if row["id"] in in_file.involvements:
            continue
        if row["record_id"] in in_file.rejected:
            summary.involvements_kept += 1
        else:
            involvements.append(row["id"])
    if not (records or involvements):
        return False
    graph.run(cypher.ENSURE_BATCH, **context.params())
    for query, ids in ((cypher.RETIRE_RECORDS, records), (cypher.RETIRE_INVOLVEMENTS, involvements)):
        for start in range(0, len(ids), CHUNK_ROWS):
            graph.run(query, batch=context.batch, ids=ids[start : start + CHUNK_ROWS])
    summary.records_retired, summary.involvements_retired = len(records), len(involvements)
    return True


def _record_batch(graph: Graph, context: BatchContext, summary: IngestSummary, wrote: bool) -> None:
    """Every new file gets its IngestBatch; loading an identical file again leaves the graph as it was."""
    if not wrote:
        previous = graph.run(cypher.COMPLETED_BATCH_WITH_HASH, agency=summary.source, content_hash=summary.content_hash)
        if previous:
            summary.unchanged_since_batch = previous[0]["id"]
            return
        graph.run(cypher.ENSURE_BATCH, **context.params())
    counts = graph.run(cypher.BATCH_UPDATE_COUNTS, batch=context.batch)[0]
    for name, value in counts.items():
        setattr(summary, name, value)
    summary.batch_id = context.batch
    stored = {k: v for k, v in summary.to_dict().items() if isinstance(v, (int, str)) and k not in ("source", "mode", "content_hash")}
    graph.run(cypher.FINISH_BATCH, batch=context.batch, summary=stored)


def summary_lines(summary: IngestSummary) -> Iterable[str]:
    """The human summary the CLI prints (counts and file paths only, never row content)."""
    yield f"source {summary.source} ({summary.mode}), batch {summary.batch_id or '-'}"
    yield (f"rows read {summary.rows_read}, landed {summary.rows_landed}, rejected {summary.rows_rejected}, "
           f"fields dropped {summary.fields_dropped}")
    yield (f"records created {summary.records_created}, updated {summary.records_updated}, "
           f"retired {summary.records_retired}")
    yield (f"involvements created {summary.involvements_created}, updated {summary.involvements_updated}, "
           f"retired {summary.involvements_retired}")
    if summary.records_kept or summary.involvements_kept:
        yield (f"kept, not retired, because their rows were rejected: records {summary.records_kept}, "
               f"involvements {summary.involvements_kept}")
    if summary.unchanged_since_batch:
        yield f"nothing changed: this file was already loaded in {summary.unchanged_since_batch}"
    for name in summary.unknown_columns:
        yield f"warning: unknown column ignored: {name}"
    for number in summary.unnamed_columns:
        yield f"warning: column {number} has no name; its values are ignored"
    for name in summary.duplicate_columns:
        yield f"warning: column named again ignored, the first is kept: {name}"
    if summary.unnamed_key_line is not None:
        yield (f"warning: line {summary.unnamed_key_line} has a field with no name; "
               "fields with no name are ignored on every line")
    if summary.rows_rejected:
        yield f"rejected rows kept in {summary.rejects_file}"
    if summary.fields_dropped:
        yield f"dropped fields listed in {summary.warnings_file}"
