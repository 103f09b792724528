"""Every Cypher statement the resolver runs, by name. Values always travel as parameters."""

# Whole-graph reads come back as a few thousand positional rows per Bolt record, in $buckets
# groups: the Python driver's cost is per record received, far more than per value decoded.

# A record's row, in the field order of store.load_records.
_RECORD_ROWS = """
OPTIONAL MATCH (s)-[:GAVE_ADDRESS]->(a:SourceAddress)
WITH s, collect(CASE WHEN a IS NOT NULL THEN [a.uprn, a.flat, a.number, a.building, a.street, a.town_key,
                 CASE WHEN a.postcode_flagged THEN '' ELSE a.postcode END] END) AS addresses
WITH toInteger(rand() * $buckets) AS bucket,
     [s.id, s.agency, s.name_variants, [d IN coalesce(s.dobs, []) | toString(d)], s.sex, s.nhs_numbers,
      addresses] AS row
RETURN collect(row) AS rows
"""

ACTIVE_RECORDS = "MATCH (s:SourceRecord) WHERE NOT s.retired" + _RECORD_ROWS

RECORDS_BY_ID = "UNWIND $ids AS id MATCH (s:SourceRecord {id: id}) WHERE NOT s.retired" + _RECORD_ROWS

ACTIVE_RECORD_COUNT = "MATCH (s:SourceRecord) WHERE NOT s.retired RETURN count(s) AS records"

# Each record's population terms (matching.pipeline), hashed to integers: an incremental run
# finds the records sharing a term with its focus by one scan of these lists.
SET_TERMS = """
UNWIND $rows AS row
MATCH (s:SourceRecord {id: row[0]})
SET s.match_terms = row[1]
"""

# Per asked-for term: how many active records hold it, and which, when no more than $max_members.
TERM_HOLDERS = """
MATCH (s:SourceRecord) WHERE NOT s.retired
UNWIND [t IN s.match_terms WHERE t IN $terms] AS term
WITH term, collect(s.id) AS holders
WITH toInteger(rand() * $buckets) AS bucket,
     [term, size(holders), CASE WHEN size(holders) <= $max_members THEN holders ELSE [] END] AS row
RETURN collect(row) AS rows
"""

PENDING_RECORD_IDS = "MATCH (s:SourceRecord) WHERE s.needs_resolution RETURN s.id AS id, s.retired AS retired"

# A source's entity and when the entity was created (store.load_assignment), for `s` and `e`.
_ASSIGNMENT_ROWS = """
WITH toInteger(rand() * $buckets) AS bucket, [s.id, e.id, e.created_at.epochMillis] AS row
RETURN collect(row) AS rows
"""

ASSIGNMENT = "MATCH (s:SourceRecord)-[:RESOLVES_TO]->(e:Person)" + _ASSIGNMENT_ROWS

# The Person assignment of every record that shares a Person with one of $ids, those included
# (two MATCH clauses: one pattern would never walk the same RESOLVES_TO twice).
ASSIGNMENT_AROUND = """
UNWIND $ids AS id
MATCH (:SourceRecord {id: id})-[:RESOLVES_TO]->(e:Person)
MATCH (e)<-[:RESOLVES_TO]-(s:SourceRecord)
WITH DISTINCT s, e""" + _ASSIGNMENT_ROWS

# A pair's latest decision: a reviewer may correct one ('different' after 'same'), and the
# earlier ones stay as its history.
DECISIONS = """
MATCH (d:ReviewDecision)
WITH d ORDER BY d.at, d.id
RETURN d.record_a AS a, d.record_b AS b, last(collect(d.decision)) AS decision
"""

EDGES_OF_RECORDS = """
UNWIND $ids AS id
MATCH (:SourceRecord {id: id})-[e:SIMILAR]-(other:SourceRecord)
RETURN DISTINCT startNode(e).id AS a, endNode(e).id AS b, e.weight AS weight, e.review AS review
"""

DELETE_ALL_EDGES = """
MATCH ()-[e:SIMILAR]->() CALL (e) { DELETE e } IN TRANSACTIONS OF 20000 ROWS
"""

DELETE_EDGES_OF_RECORDS = """
UNWIND $ids AS id
MATCH (:SourceRecord {id: id})-[e:SIMILAR]-()
DELETE e
"""

CREATE_EDGES = """
UNWIND $edges AS e
MATCH (a:SourceRecord {id: e.a}), (b:SourceRecord {id: e.b})
CREATE (a)-[:SIMILAR {weight: e.weight, probability: e.probability, review: e.review,
                      explanation: e.explanation, run: $run}]->(b)
"""

CREATE_PERSONS = """
UNWIND $ids AS id
CREATE (:Person {id: id, status: 'active', created_at: datetime(), created_in: $run})
"""

# `founding_person` is the Person created for the cluster a record was in (pair.founding):
# a person split apart keeps its id on the records it was created with (matching.identity).
# A record that joins a Person already there leaves it as it was.
ASSIGN_RECORDS = """
UNWIND $pairs AS pair
MATCH (s:SourceRecord {id: pair.record_id}), (p:Person {id: pair.person_id})
OPTIONAL MATCH (s)-[old:RESOLVES_TO]->(:Person)
DELETE old
CREATE (s)-[:RESOLVES_TO]->(p)
SET s.founding_person = CASE WHEN pair.founding THEN p.id ELSE s.founding_person END
"""

FOUNDING_PERSONS = """
UNWIND $ids AS id
MATCH (s:SourceRecord {id: id}) WHERE s.founding_person IS NOT NULL
RETURN collect([s.id, s.founding_person]) AS rows
"""

UNASSIGN_RECORDS = """
UNWIND $ids AS id
MATCH (:SourceRecord {id: id})-[old:RESOLVES_TO]->(:Person)
DELETE old
"""

MERGE_PERSONS = """
UNWIND $merges AS m
MATCH (old:Person {id: m.old}), (survivor:Person {id: m.survivor})
SET old.status = 'merged', old.superseded_by = survivor.id, old.updated_at = datetime()
CREATE (old)-[:MERGED_INTO {at: datetime(), run: $run}]->(survivor)
"""

SPLIT_PERSONS = """
UNWIND $splits AS s
MATCH (part:Person {id: s.new}), (origin:Person {id: s.origin})
CREATE (part)-[:SPLIT_FROM {at: datetime(), run: $run}]->(origin)
"""

RETIRE_PERSONS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
SET p.status = 'retired', p.updated_at = datetime()
"""

REFRESH_PERSON_SUMMARY = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
OPTIONAL MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
WITH p, count(s) AS records, collect(DISTINCT s.agency) AS agencies
SET p.record_count = records, p.agencies = agencies, p.updated_at = datetime()
"""

# In the field order of matching.addresses.SourceAddressParts.
_ADDRESS_PARTS = """
WITH toInteger(rand() * $buckets) AS bucket,
     [a.id, a.uprn, a.flat, a.number, a.building, a.street,
      CASE WHEN a.postcode_flagged THEN '' ELSE a.postcode END, a.town_key] AS row
RETURN collect(row) AS rows
"""

SOURCE_ADDRESSES = "MATCH (a:SourceAddress)" + _ADDRESS_PARTS

SOURCE_ADDRESSES_BY_ID = "UNWIND $ids AS id MATCH (a:SourceAddress {id: id})" + _ADDRESS_PARTS

PENDING_SOURCE_ADDRESS_IDS = "MATCH (a:SourceAddress) WHERE a.needs_resolution RETURN a.id AS id"

# The source addresses an address could be clustered with (see matching.addresses): those
# sharing its UPRN or its usable postcode, and those of the Address it resolves to now.
SOURCE_ADDRESS_NEIGHBOURS = """
UNWIND $ids AS id
MATCH (a:SourceAddress {id: id})
CALL (a) {
  MATCH (o:SourceAddress) WHERE a.uprn <> '' AND o.uprn = a.uprn RETURN o
  UNION
  MATCH (o:SourceAddress) WHERE NOT coalesce(a.postcode_flagged, false) AND o.postcode = a.postcode RETURN o
  UNION
  MATCH (a)-[:RESOLVES_TO]->(:Address)<-[:RESOLVES_TO]-(o:SourceAddress) RETURN o
}
RETURN DISTINCT o.id AS id
"""

# Addresses with no usable postcode cluster by town: one scan for all the towns at once.
POSTCODELESS_IN_TOWNS = """
MATCH (o:SourceAddress) WHERE o.town_key IN $towns AND (o.postcode_flagged OR coalesce(o.postcode, '') = '')
RETURN o.id AS id
"""

ADDRESS_ASSIGNMENT_OF = "UNWIND $ids AS id MATCH (s:SourceAddress {id: id})-[:RESOLVES_TO]->(e:Address)" + _ASSIGNMENT_ROWS

PERSONS_AT_SOURCE_ADDRESSES = """
UNWIND $ids AS id
MATCH (:SourceAddress {id: id})<-[:GAVE_ADDRESS]-(:SourceRecord)-[:RESOLVES_TO]->(p:Person)
RETURN DISTINCT p.id AS id
"""

ADDRESS_ASSIGNMENT = "MATCH (s:SourceAddress)-[:RESOLVES_TO]->(e:Address)" + _ASSIGNMENT_ROWS

CREATE_ADDRESSES = """
UNWIND $ids AS id
CREATE (:Address {id: id, status: 'active', created_at: datetime(), created_in: $run})
"""

ASSIGN_SOURCE_ADDRESSES = """
UNWIND $pairs AS pair
MATCH (s:SourceAddress {id: pair.record_id}), (a:Address {id: pair.person_id})
OPTIONAL MATCH (s)-[old:RESOLVES_TO]->(:Address)
DELETE old
CREATE (s)-[:RESOLVES_TO]->(a)
"""

MERGE_ADDRESSES = """
UNWIND $merges AS m
MATCH (old:Address {id: m.old}), (survivor:Address {id: m.survivor})
SET old.status = 'merged', old.superseded_by = survivor.id
CREATE (old)-[:MERGED_INTO {at: datetime(), run: $run}]->(survivor)
"""

REFRESH_ADDRESS_DISPLAY = """
UNWIND $ids AS id
MATCH (a:Address {id: id})<-[:RESOLVES_TO]-(s:SourceAddress)
WITH a, s ORDER BY (s.uprn <> '') DESC, s.postcode_flagged ASC, s.id
WITH a, collect(s)[0] AS best, [x IN collect(s.uprn) WHERE x <> ''] AS uprns
SET a.line_1 = best.line_1, a.line_2 = best.line_2, a.town = best.town, a.postcode = best.postcode,
    a.outward = best.outward, a.uprn = coalesce(uprns[0], ''), a.updated_at = datetime()
"""

# A person's dates at an address also per involvement (parallel lists, as a property cannot
# hold maps), so that reads can leave out another agency's sensitive involvement. An empty id
# stands for dates no involvement is known to have given (graphs loaded before migration 6).
# Takes `links`, a list of {agency, g} for the GAVE_ADDRESS links behind one LIVES_AT.
LIVES_AT_SEEN = """
CALL (links) {
  UNWIND links AS link
  WITH link.agency AS agency, link.g AS g
  UNWIND range(0, size(coalesce(g.span_involvements, [])) - 1) AS k
  WITH agency, g.span_involvements[k] AS involvement, min(g.span_first[k]) AS first, max(g.span_last[k]) AS last
  ORDER BY agency, involvement
  RETURN {seen_agencies: collect(agency), seen_involvements: collect(involvement), seen_first: collect(first),
          seen_last: collect(last)} AS seen
}
"""

REBUILD_LIVES_AT = f"""
UNWIND $ids AS id
MATCH (p:Person {{id: id}})
OPTIONAL MATCH (p)-[old:LIVES_AT]->(:Address)
DELETE old
WITH DISTINCT p
MATCH (p)<-[:RESOLVES_TO]-(s:SourceRecord)-[g:GAVE_ADDRESS]->(:SourceAddress)-[:RESOLVES_TO]->(a:Address)
WHERE NOT s.retired
WITH p, a, min(g.first_seen) AS first_seen, max(g.last_seen) AS last_seen, collect(DISTINCT s.agency) AS agencies,
     collect({{agency: s.agency, g: g}}) AS links
{LIVES_AT_SEEN}
CREATE (p)-[l:LIVES_AT {{first_seen: first_seen, last_seen: last_seen, agencies: agencies}}]->(a)
SET l += seen
"""

ALL_ACTIVE_PERSON_IDS = "MATCH (p:Person {status: 'active'}) RETURN p.id AS id"

# A person no longer active (merged into another, or with every record retired) keeps no
# address links: an agency that withdraws its records withdraws where the person lived too.
DROP_INACTIVE_LIVES_AT = """
MATCH (p:Person) WHERE p.status <> 'active'
MATCH (p)-[l:LIVES_AT]->(:Address)
DELETE l
"""

MARK_RESOLVED = """
UNWIND $ids AS id
MATCH (s:SourceRecord {id: id})
SET s.needs_resolution = false
"""

MARK_ADDRESSES_RESOLVED = "MATCH (a:SourceAddress) WHERE a.needs_resolution SET a.needs_resolution = false"

SAVE_RUN = """
CREATE (r:ResolutionRun {id: $run, mode: $mode, at: datetime()})
SET r += $stats
WITH r
MERGE (m:MatchModel {id: 'current'})
SET m.params = $params, m.term_scheme = $term_scheme, m.run = $run, m.updated_at = datetime()
"""

LOAD_MODEL = "MATCH (m:MatchModel {id: 'current'}) RETURN m.params AS params, m.term_scheme AS term_scheme"

LINKS = """
MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p:Person)
WHERE NOT s.retired
RETURN s.agency AS source, s.source_person_id AS source_person_id, p.id AS person_id
ORDER BY source, source_person_id
"""

# Current records no run has resolved yet: the links file cannot hold them.
UNRESOLVED_COUNT = """
MATCH (s:SourceRecord) WHERE NOT s.retired AND NOT EXISTS { (s)-[:RESOLVES_TO]->(:Person) }
RETURN count(s) AS n
"""

PAIR_EXPLANATION = """
MATCH (a:SourceRecord {id: $a})-[e:SIMILAR]-(b:SourceRecord {id: $b})
RETURN a.id AS a, b.id AS b, e.weight AS weight, e.probability AS probability, e.review AS review,
       e.explanation AS explanation
"""

PERSON_EXPLANATION = """
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[:MERGED_INTO*]->(survivor:Person)
WITH coalesce(survivor, p) AS person, p
MATCH (s:SourceRecord)-[:RESOLVES_TO]->(person)
WITH p, person, collect(s.id) AS records
OPTIONAL MATCH (a:SourceRecord)-[e:SIMILAR]->(b:SourceRecord)
WHERE a.id IN records AND b.id IN records
RETURN p.id AS asked, person.id AS person_id, records,
       collect(CASE WHEN e IS NULL THEN null ELSE {a: a.id, b: b.id, weight: e.weight, probability: e.probability,
                    explanation: e.explanation} END) AS links
"""
