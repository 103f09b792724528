"""Every Cypher statement of the audit log, by name. Values always travel as parameters."""

# One auto-commit statement per group of events: it locks the chain's head, and only if
# the head is still the one the events were chained to (another process may have appended
# since) writes them and moves the head. Either way it returns the head as it now stands.
# Holding the lock for one statement, not for several round trips, is what lets concurrent
# requests' events through quickly.
APPEND_AT_HEAD = """
MERGE (h:AuditHead {id: 'head'})
ON CREATE SET h.seq = 0, h.hash = $genesis
SET h.locked_at = datetime()
WITH h, h.seq = $expected_seq AND h.hash = $expected_hash AS appended
FOREACH (x IN CASE WHEN appended THEN $events ELSE [] END |
  CREATE (:AuditEvent {seq: x.seq, at: datetime(x.at), subject: x.subject, agency: x.agency, role: x.role,
                       operation: x.operation, outcome: x.outcome, purpose: x.purpose, person_ids: x.person_ids,
                       address_ids: x.address_ids, fields: x.fields, detail: x.detail, prev_hash: x.prev_hash,
                       hash: x.hash}))
SET h.seq = CASE WHEN appended THEN $seq ELSE h.seq END,
    h.hash = CASE WHEN appended THEN $hash ELSE h.hash END
RETURN appended, h.seq AS seq, h.hash AS hash
"""

HEAD = "MATCH (h:AuditHead {id: 'head'}) RETURN h.seq AS seq, h.hash AS hash"

ALL_IN_ORDER = "MATCH (e:AuditEvent) RETURN e {.*, at: toString(e.at)} AS e ORDER BY e.seq"

QUERY = """
MATCH (e:AuditEvent)
WHERE ($subject IS NULL OR e.subject = $subject)
  AND ($person_id IS NULL OR $person_id IN e.person_ids)
  AND ($start IS NULL OR e.at >= datetime($start))
  AND ($end IS NULL OR e.at <= datetime($end))
  AND ($after_seq IS NULL OR e.seq > $after_seq)
RETURN e {.*, at: toString(e.at)} AS e ORDER BY e.seq LIMIT $limit
"""

PEOPLE_VIEWED_BY = """
MATCH (e:AuditEvent {subject: $subject, outcome: 'allowed'})
WHERE ($start IS NULL OR e.at >= datetime($start)) AND ($end IS NULL OR e.at <= datetime($end))
UNWIND e.person_ids AS id
RETURN DISTINCT id ORDER BY id
"""

VIEWERS_OF = """
MATCH (e:AuditEvent {outcome: 'allowed'})
WHERE $person_id IN e.person_ids
  AND ($start IS NULL OR e.at >= datetime($start)) AND ($end IS NULL OR e.at <= datetime($end))
RETURN DISTINCT e.subject AS subject ORDER BY subject
"""
