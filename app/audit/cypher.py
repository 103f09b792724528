"""Every Cypher statement of the audit log, by name. Values always travel as parameters."""

# A group of events is one transaction of two statements. The first locks the chain's head
# and reads it: a writer in another process waits here until the transaction ahead of it
# commits, then reads the head that one left, so writers queue rather than race. The second
# stores the events, chained on from that head in Python, and moves the head. The unique
# `seq` constraint stands behind the lock: no two events can claim one place in the chain.
LOCK_HEAD = """
MERGE (h:AuditHead {id: 'head'})
ON CREATE SET h.seq = 0, h.hash = $genesis
SET h.locked_at = datetime()
RETURN h.seq AS seq, h.hash AS hash
"""

APPEND = """
MATCH (h:AuditHead {id: 'head'})
FOREACH (x IN $events |
  CREATE (:AuditEvent {seq: x.seq, at: datetime(x.at), subject: x.subject, agency: x.agency, role: x.role,
                       operation: x.operation, outcome: x.outcome, purpose: x.purpose, person_ids: x.person_ids,
                       address_ids: x.address_ids, fields: x.fields, detail: x.detail, prev_hash: x.prev_hash,
                       hash: x.hash}))
SET h.seq = $seq, h.hash = $hash
"""

HEAD = "MATCH (h:AuditHead {id: 'head'}) RETURN h.seq AS seq, h.hash AS hash"

# Read before the head: an append writes its events and moves the head in one transaction, so
# an event above a head read afterwards was not written by an append. A seq that is not a whole
# number was never written by one either (the seq index and the page reads pass over it).
HIGHEST = """
MATCH (e:AuditEvent)
RETURN max(CASE WHEN valueType(e.seq) = 'INTEGER NOT NULL' THEN e.seq END) AS seq,
       count(CASE WHEN valueType(e.seq) <> 'INTEGER NOT NULL' THEN 1 END) AS odd
"""

# A page of the log in chain order. Ordered and cut before the projection, so the page
# comes straight off the seq index instead of the whole rest of the log being sorted.
EVENTS_AFTER = """
MATCH (e:AuditEvent) WHERE e.seq > $after AND e.seq <= $upto
WITH e ORDER BY e.seq LIMIT $limit
RETURN e {.*, at: toString(e.at)} AS e, valueType(e.at) AS at_type, labels(e) AS labels
"""

# The ids that stand for one person in the log: the surviving Person an id (perhaps superseded)
# leads to, and every id merged into it, so a merge does not hide who viewed them before it.
# `before` adds the people a part of them was split from, each up to the split: until then, an
# answer naming them showed this person's records too. So do people merged into those in an
# earlier run (their records may be this person's); one merged in the split's own run or later
# never held this person's records.
_PERSON_IDS = """
OPTIONAL MATCH (start:Person {id: $person_id})
OPTIONAL MATCH (start)-[:MERGED_INTO*1..10]->(survivor:Person) WHERE NOT (survivor)-[:MERGED_INTO]->(:Person)
WITH coalesce(survivor, start) AS p
OPTIONAL MATCH (merged:Person)-[:MERGED_INTO*1..10]->(p)
WITH p, collect(DISTINCT merged.id) AS merged_ids
WITH CASE WHEN p IS NULL THEN [$person_id] ELSE [p.id] + merged_ids END AS person_ids
OPTIONAL MATCH split = (part:Person)-[:SPLIT_FROM*1..10]->(origin:Person) WHERE part.id IN person_ids
WITH person_ids, origin, last(relationships(split)) AS cut
OPTIONAL MATCH (earlier:Person)-[merge:MERGED_INTO*1..10]->(origin)
WHERE last(merge).at < cut.at AND last(merge).run <> cut.run
WITH person_ids, origin, cut.at AS until, collect(earlier.id) AS earlier_ids
UNWIND [origin.id] + earlier_ids AS id
WITH person_ids, collect(CASE WHEN id IS NOT NULL THEN {id: id, until: until} END) AS before
"""

# An event that named the person, or someone a part of them was split from before the split.
_NAMES_PERSON = """any(id IN e.person_ids WHERE id IN person_ids
                       OR any(b IN before WHERE b.id = id AND e.at < b.until))"""

QUERY = _PERSON_IDS + f"""
MATCH (e:AuditEvent)
WHERE ($subject IS NULL OR e.subject = $subject)
  AND ($person_id IS NULL OR {_NAMES_PERSON})
  AND ($start IS NULL OR e.at >= datetime($start))
  AND ($end IS NULL OR e.at <= datetime($end))
  AND ($after_seq IS NULL OR e.seq > $after_seq)
WITH e ORDER BY e.seq LIMIT $limit
RETURN e {{.*, at: toString(e.at)}} AS e
"""

# An event names only the people its answer included, so every event naming someone counts,
# including one whose request was refused in part.
PEOPLE_VIEWED_BY = """
MATCH (e:AuditEvent {subject: $subject})
WHERE ($start IS NULL OR e.at >= datetime($start)) AND ($end IS NULL OR e.at <= datetime($end))
UNWIND e.person_ids AS id
RETURN DISTINCT id ORDER BY id
"""

VIEWERS_OF = _PERSON_IDS + f"""
MATCH (e:AuditEvent)
WHERE {_NAMES_PERSON}
  AND ($start IS NULL OR e.at >= datetime($start)) AND ($end IS NULL OR e.at <= datetime($end))
RETURN DISTINCT e.subject AS subject ORDER BY subject
"""
