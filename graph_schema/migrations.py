"""Ordered, idempotent schema migrations, and the version the graph records.

Each migration is a list of Cypher statements that are safe to run again: schema
statements (``IF NOT EXISTS``), and merges that fill a new structure from the data already
held. The graph keeps the highest applied version on a single ``:SchemaVersion`` node, so
``migrate`` applies only what is missing and the service can refuse a graph whose schema
is newer than this code knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Graph
from app.resolution.cypher import DROP_INACTIVE_LIVES_AT, LIVES_AT_SEEN


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "entity keys: agencies, source records, involvements, addresses, people, batches",
        (
            "CREATE CONSTRAINT agency_code IF NOT EXISTS FOR (n:Agency) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT source_record_id IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT involvement_id IF NOT EXISTS FOR (n:Involvement) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT source_address_id IF NOT EXISTS FOR (n:SourceAddress) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT address_id IF NOT EXISTS FOR (n:Address) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT ingest_batch_id IF NOT EXISTS FOR (n:IngestBatch) REQUIRE n.id IS UNIQUE",
            "CREATE INDEX source_record_agency IF NOT EXISTS FOR (n:SourceRecord) ON (n.agency)",
            "CREATE INDEX source_record_pending IF NOT EXISTS FOR (n:SourceRecord) ON (n.needs_resolution)",
            "CREATE INDEX ingest_batch_hash IF NOT EXISTS FOR (n:IngestBatch) ON (n.source, n.content_hash)",
        ),
    ),
    Migration(
        2,
        "resolution, review, audit and search: run and decision keys, audit chain, full-text search",
        (
            "CREATE CONSTRAINT review_decision_id IF NOT EXISTS FOR (n:ReviewDecision) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT resolution_run_id IF NOT EXISTS FOR (n:ResolutionRun) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT match_model_id IF NOT EXISTS FOR (n:MatchModel) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT audit_event_seq IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.seq IS UNIQUE",
            "CREATE INDEX audit_event_subject IF NOT EXISTS FOR (n:AuditEvent) ON (n.subject)",
            "CREATE INDEX audit_event_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at)",
            "CREATE INDEX person_status IF NOT EXISTS FOR (n:Person) ON (n.status)",
            "CREATE INDEX source_address_postcode IF NOT EXISTS FOR (n:SourceAddress) ON (n.postcode)",
            "CREATE INDEX source_address_uprn IF NOT EXISTS FOR (n:SourceAddress) ON (n.uprn)",
            "CREATE INDEX address_postcode IF NOT EXISTS FOR (n:Address) ON (n.postcode)",
            "CREATE INDEX address_uprn IF NOT EXISTS FOR (n:Address) ON (n.uprn)",
            "CREATE FULLTEXT INDEX source_record_names IF NOT EXISTS FOR (n:SourceRecord) ON EACH [n.names_text]",
            "CREATE FULLTEXT INDEX source_record_keys IF NOT EXISTS FOR (n:SourceRecord) ON EACH [n.nhs_text, n.dob_text] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        ),
    ),
    Migration(
        3,
        "review queue: find pairs flagged for review and their decisions without scanning",
        (
            "CREATE INDEX similar_review IF NOT EXISTS FOR ()-[e:SIMILAR]-() ON (e.review)",
            "CREATE INDEX review_decision_pair IF NOT EXISTS FOR (n:ReviewDecision) ON (n.record_a, n.record_b)",
        ),
    ),
    Migration(
        4,
        "audit chain head: unique, so concurrent first appends cannot create two heads",
        ("CREATE CONSTRAINT audit_head_id IF NOT EXISTS FOR (n:AuditHead) REQUIRE n.id IS UNIQUE",),
    ),
    Migration(
        5,
        "name tokens: the vocabulary search expands typed names against, one node per token",
        (
            "CREATE CONSTRAINT name_token_text IF NOT EXISTS FOR (n:NameToken) REQUIRE n.text IS UNIQUE",
            # The tokens of records ingested before ingestion kept the vocabulary.
            "MATCH (s:SourceRecord) UNWIND split(s.names_text, ' ') AS text "
            "WITH DISTINCT text WHERE text <> '' MERGE (:NameToken {text: text})",
        ),
    ),
    Migration(
        6,
        "address dates per involvement: another agency's sensitive involvement must not date an address",
        (
            # Links stored before ingestion kept dates per involvement: which involvement gave an
            # address was not stored (a record's involvements now may not be those it had then),
            # so a link's dates go under an empty id, which the reads hide from other agencies
            # whenever the link's agency has sensitive types.
            """
            MATCH ()-[g:GAVE_ADDRESS]->() WHERE g.span_involvements IS NULL
            CALL (g) {
              WITH g, CASE WHEN g.first_seen IS NULL THEN [] ELSE [''] END AS owner
              SET g.span_involvements = owner, g.span_first = [x IN owner | g.first_seen],
                  g.span_last = [x IN owner | g.last_seen]
            } IN TRANSACTIONS OF 10000 ROWS
            """,
            f"""
            MATCH (p:Person)-[l:LIVES_AT]->(a:Address) WHERE l.seen_involvements IS NULL
            CALL (p, a, l) {{
              MATCH (p)<-[:RESOLVES_TO]-(s:SourceRecord)-[g:GAVE_ADDRESS]->(:SourceAddress)-[:RESOLVES_TO]->(a)
              WHERE NOT s.retired
              WITH l, collect({{agency: s.agency, g: g}}) AS links
              {LIVES_AT_SEEN}
              SET l += seen
            }} IN TRANSACTIONS OF 5000 ROWS
            """,
        ),
    ),
    Migration(
        7,
        "no address links for people no longer active: merged away, or every record retired",
        (DROP_INACTIVE_LIVES_AT,),
    ),
    Migration(
        8,
        "each record's founding person, on which a person split apart keeps its id",
        (
            # Which person was created with a record was not kept before: its person now stands in.
            """
            MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p:Person) WHERE s.founding_person IS NULL
            CALL (s, p) { SET s.founding_person = p.id } IN TRANSACTIONS OF 10000 ROWS
            """,
        ),
    ),
    Migration(
        9,
        "the names full-text index splits on spaces only: its text is cleaned tokens already",
        (
            # names_text holds clean_name's lower-case ASCII words, which the standard analyzer
            # tokenised no differently, at more cost for every term of a search: about 0.45 ms
            # of Neo4j's CPU per name search, with the same hits in the same order.
            "DROP INDEX source_record_names IF EXISTS",
            "CREATE FULLTEXT INDEX source_record_names IF NOT EXISTS FOR (n:SourceRecord) ON EACH [n.names_text] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        ),
    ),
)

CODE_VERSION = MIGRATIONS[-1].version


class SchemaTooNewError(RuntimeError):
    """The graph was migrated by a newer MAST than this one."""


class SchemaBehindError(RuntimeError):
    """The graph lacks migrations this code relies on."""


def graph_version(graph: Graph) -> int:
    rows = graph.run_once("MATCH (v:SchemaVersion {id: 'mast'}) RETURN v.version AS version")
    return rows[0]["version"] if rows else 0


def check_not_newer(graph: Graph) -> int:
    """Return the graph's schema version, refusing one newer than this code."""
    version = graph_version(graph)
    if version > CODE_VERSION:
        raise SchemaTooNewError(
            f"the graph's schema is version {version} but this MAST knows only up to "
            f"{CODE_VERSION}: upgrade MAST"
        )
    return version


def check_current(graph: Graph) -> int:
    """Return the graph's schema version, refusing one newer or older than this code."""
    version = check_not_newer(graph)
    if version < CODE_VERSION:
        raise SchemaBehindError(f"the graph's schema is version {version} but this MAST needs {CODE_VERSION}: "
                                "run 'mast db migrate' first")
    return version


def migrate(graph: Graph) -> list[Migration]:
    """Apply every migration the graph lacks, in order; return those applied."""
    current = check_not_newer(graph)
    applied: list[Migration] = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        for statement in migration.statements:
            graph.run_once(statement)  # auto-committed: a backfill commits in batches of its own
        graph.run(
            "MERGE (v:SchemaVersion {id: 'mast'}) "
            "SET v.version = $version, v.description = $description, v.applied_at = datetime()",
            version=migration.version,
            description=migration.description,
        )
        applied.append(migration)
    if applied:
        graph.run("CALL db.awaitIndexes(300)")
    return applied
