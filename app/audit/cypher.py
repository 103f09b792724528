"""Every Cypher statement of the audit log, by name. Values always travel as parameters."""

# One auto-commit statement per group of events. It first compares the chain's head with
# the head the events were chained to, without locking it: when another process has appended
# since, the statement writes nothing and costs a read, not a commit. Otherwise it locks the
# head, compares again (the head may have moved before the lock was taken), writes the events
# and moves the head. Either way it returns the head as it now stands. The unique `seq`
# constraint stands behind both comparisons: two groups chained to one head cannot both commit.
# Holding the lock for one statement, not for several round trips, is what lets concurrent
# requests' events through quickly.
APPEND_AT_HEAD = """
MERGE (h:AuditHead {id: 'head'})
ON CREATE SET h.seq = 0, h.hash = $genesis
WITH h
OPTIONAL CALL (h) {
  WITH h WHERE h.seq = $expected_seq AND h.hash = $expected_hash
  SET h.locked_at = datetime()
  WITH h WHERE h.seq = $expected_seq AND h.hash = $expected_hash
  FOREACH (x IN $events |
    CREATE (:AuditEvent {seq: x.seq, at: datetime(x.at), subject: x.subject, agency: x.agency, role: x.role,
                         operation: x.operation, outcome: x.outcome, purpose: x.purpose, person_ids: x.person_ids,
                         address_ids: x.address_ids, fields: x.fields, detail: x.detail, prev_hash: x.prev_hash,
                         hash: x.hash}))
  SET h.seq = $seq, h.hash = $hash
  RETURN true AS appended
}
RETURN appended IS NOT NULL AS appended, h.seq AS seq, h.hash AS hash
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
