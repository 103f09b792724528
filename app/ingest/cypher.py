"""Every Cypher statement ingestion runs, by name. Values always travel as parameters;
dates travel as ISO strings and become dates here (``date(null)`` is null)."""

STORED_STATE = """
CALL () {
  UNWIND $record_ids AS id
  MATCH (s:SourceRecord {id: id})
  RETURN collect({
    id: s.id, name_variants: s.name_variants, names_text: s.names_text, dobs: [d IN coalesce(s.dobs, []) | toString(d)], nhs_numbers: s.nhs_numbers,
    sex: s.sex, retired: s.retired,
    links: [(s)-[g:GAVE_ADDRESS]->(a:SourceAddress) | [a.id, toString(g.first_seen), toString(g.last_seen),
            coalesce(g.span_involvements, []), [d IN coalesce(g.span_first, []) | toString(d)], [d IN coalesce(g.span_last, []) | toString(d)]]]
  }) AS records
}
CALL () {
  UNWIND $involvement_ids AS id
  MATCH (i:Involvement {id: id})
  RETURN collect(i {.*, start: toString(i.start), last_contact: toString(i.last_contact)}) AS involvements
}
RETURN records, involvements
"""

ENSURE_BATCH = """
MERGE (a:Agency {code: $agency})
MERGE (b:IngestBatch {id: $batch})
ON CREATE SET b.source = $agency, b.mode = $mode, b.content_hash = $content_hash,
              b.file_name = $file_name, b.started_at = datetime(), b.status = 'running'
"""

# A node's lineage is the batch that created it (``created_in``) and every batch that changed
# it later (CHANGED_IN): a relationship per created node cost a first load one relationship
# per record and per involvement (about 640,000 for the 400k-row partnership).
CREATE_RECORDS = """
MATCH (a:Agency {code: $agency})
UNWIND $records AS r
CREATE (s:SourceRecord)
SET s = r {.*, dobs: [d IN r.dobs | date(d)]}, s.retired = false, s.needs_resolution = true,
    s.created_in = $batch, s.created_at = datetime(), s.updated_at = datetime()
CREATE (a)-[:HOLDS]->(s)
"""

UPDATE_RECORDS = """
MATCH (b:IngestBatch {id: $batch})
UNWIND $records AS r
MATCH (s:SourceRecord {id: r.id})
SET s += r {.*, dobs: [d IN r.dobs | date(d)]}, s.retired = false, s.retired_in = null, s.needs_resolution = true, s.updated_at = datetime()
MERGE (s)-[:CHANGED_IN]->(b)
"""

MERGE_ADDRESSES = """
UNWIND $addresses AS x
MERGE (a:SourceAddress {id: x.id})
ON CREATE SET a = x, a.created_in = $batch, a.needs_resolution = true
"""

MERGE_LINKS = """
UNWIND $links AS l
MATCH (s:SourceRecord {id: l.record_id}), (a:SourceAddress {id: l.address_id})
MERGE (s)-[g:GAVE_ADDRESS]->(a)
SET g.first_seen = date(l.first_seen), g.last_seen = date(l.last_seen),
    g.span_involvements = l.span_involvements, g.span_first = [d IN l.span_first | date(d)], g.span_last = [d IN l.span_last | date(d)]
SET s.needs_resolution = true
"""

CREATE_INVOLVEMENTS = """
UNWIND $involvements AS x
MATCH (s:SourceRecord {id: x.record_id})
CREATE (i:Involvement)
SET i = x {.*, start: date(x.start), last_contact: date(x.last_contact)}, i.retired = false, i.created_in = $batch
CREATE (s)-[:HAS_INVOLVEMENT]->(i)
"""

UPDATE_INVOLVEMENTS = """
MATCH (b:IngestBatch {id: $batch})
UNWIND $involvements AS x
MATCH (i:Involvement {id: x.id}), (s:SourceRecord {id: x.record_id})
OPTIONAL MATCH (other:SourceRecord)-[old:HAS_INVOLVEMENT]->(i) WHERE other <> s
DELETE old
SET i += x {.*, start: date(x.start), last_contact: date(x.last_contact)}, i.retired = false, i.retired_in = null
MERGE (s)-[:HAS_INVOLVEMENT]->(i)
MERGE (i)-[:CHANGED_IN]->(b)
"""

ACTIVE_RECORD_IDS = """
MATCH (s:SourceRecord {agency: $agency}) WHERE NOT s.retired
RETURN s.id AS id
"""

ACTIVE_INVOLVEMENT_IDS = """
MATCH (:Agency {code: $agency})-[:HOLDS]->(s:SourceRecord)-[:HAS_INVOLVEMENT]->(i:Involvement)
WHERE NOT i.retired
RETURN i.id AS id, s.id AS record_id
"""

RETIRE_RECORDS = """
MATCH (b:IngestBatch {id: $batch})
UNWIND $ids AS id
MATCH (s:SourceRecord {id: id})
SET s.retired = true, s.retired_in = $batch, s.needs_resolution = true, s.updated_at = datetime()
MERGE (s)-[:CHANGED_IN]->(b)
"""

RETIRE_INVOLVEMENTS = """
MATCH (b:IngestBatch {id: $batch})
UNWIND $ids AS id
MATCH (i:Involvement {id: id})
SET i.retired = true, i.retired_in = $batch
MERGE (i)-[:CHANGED_IN]->(b)
"""

COMPLETED_BATCH_WITH_HASH = """
MATCH (b:IngestBatch {source: $agency, content_hash: $content_hash, status: 'completed'})
RETURN b.id AS id LIMIT 1
"""

FINISH_BATCH = """
MATCH (b:IngestBatch {id: $batch})
SET b += $summary, b.finished_at = datetime(), b.status = 'completed'
"""

# Updated: changed by this batch after an earlier one created it, and not retired by it.
# (What a batch created, its writer counts as it commits.)
BATCH_UPDATE_COUNTS = """
MATCH (b:IngestBatch {id: $batch})
RETURN
  COUNT { (s:SourceRecord)-[:CHANGED_IN]->(b)
          WHERE s.created_in <> $batch AND coalesce(s.retired_in, '') <> $batch } AS records_updated,
  COUNT { (i:Involvement)-[:CHANGED_IN]->(b)
          WHERE i.created_in <> $batch AND coalesce(i.retired_in, '') <> $batch } AS involvements_updated
"""

# Search expands a typed name against every token the records hold (app/search.py). A
# token is merged in the transaction that stores the first record holding it, so no
# committed record has a token search cannot reach.
MERGE_NAME_TOKENS = """
UNWIND $tokens AS text
MERGE (:NameToken {text: text})
"""
