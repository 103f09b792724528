"""Every Cypher statement the GraphQL API runs, by name. Values always travel as parameters.

Role projections are separate statements: what a role may not see is never read from the
graph for it (the pseudonymous statements do not return names, dates of birth, NHS
numbers, address lines or contacts at all). Sensitive involvement types are hidden here too,
by ``$viewer`` (the caller's agency) and ``$sensitive`` (agency -> hidden types).
"""

# A superseded id follows MERGED_INTO to the survivor; one row per requested id.
_RESOLVE = """
UNWIND $ids AS requested
MATCH (start:Person {id: requested})
OPTIONAL MATCH (start)-[:MERGED_INTO*1..10]->(survivor:Person)
WHERE NOT (survivor)-[:MERGED_INTO]->(:Person)
WITH requested, coalesce(survivor, start) AS p
"""

_HIDDEN = "i.agency <> $viewer AND i.involvement_type IN coalesce($sensitive[i.agency], [])"


def _unless_hidden(expression: str) -> str:
    """Another agency sees a sensitive involvement only as "known to <agency>" with whom to
    call: not its type, and not when it began, was last active or whether it is open."""
    return f"CASE WHEN hidden THEN null ELSE {expression} END"


_SHOWN = (f"start: {_unless_hidden('toString(i.start)')}, last_contact: {_unless_hidden('toString(i.last_contact)')}, "
          f"status: {_unless_hidden('i.status')}, type: {_unless_hidden('i.involvement_type')}, sensitive: hidden")

# A person's dates at an address come from the involvements that gave it, and LIVES_AT keeps
# them per involvement, so an involvement hidden from the caller (by its type as it is now)
# does not date the address. Dates of no known involvement (an empty id) are hidden from other
# agencies when their agency has sensitive types. `shown` is bound to the indexes of the spans
# the caller may see; when it is all of them, the link's own span is given.
_SHOWN_SPANS = """[k IN range(0, size(coalesce(l.seen_involvements, [])) - 1)
      WHERE l.seen_agencies[k] = $viewer OR size(coalesce($sensitive[l.seen_agencies[k]], [])) = 0
        OR (l.seen_involvements[k] <> '' AND NOT EXISTS { MATCH (i:Involvement {id: l.seen_involvements[k]})
                                                           WHERE i.involvement_type IN $sensitive[i.agency] })]"""


def _seen(end: str, earlier: bool) -> str:
    """The first or last date the caller may see, as an ISO string."""
    pick = "<" if earlier else ">"
    return (f"CASE WHEN size(shown) = size(coalesce(l.seen_involvements, [])) THEN toString(l.{end}_seen) "
            f"ELSE toString(reduce(d = null, k IN shown | CASE WHEN d IS NULL OR l.seen_{end}[k] {pick} d "
            f"THEN l.seen_{end}[k] ELSE d END)) END")


_SEEN = f"first_seen: {_seen('first', True)}, last_seen: {_seen('last', False)}"

# A person's parts, per role projection. Dates travel as ISO strings: the driver's own date
# type costs more to decode than the rest of the row (``data.persons`` turns them back).
_RECORDS_FULL = """
  records: COLLECT {
    MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
    RETURN s {.id, .agency, .source_person_id, .name_variants, .sex, .nhs_numbers, .retired,
              dobs: [d IN coalesce(s.dobs, []) | toString(d)],
              updated: toString(coalesce(s.updated_at, s.created_at))}
  }"""

_INVOLVEMENTS_FULL = f"""
  involvements: COLLECT {{
    MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
    MATCH (s)-[:HAS_INVOLVEMENT]->(i:Involvement) WHERE NOT i.retired
    WITH i, {_HIDDEN} AS hidden
    RETURN i {{.id, .agency, {_SHOWN},
              .lead_name, .lead_role, .lead_team, .lead_phone, .lead_email}}
  }}"""

_ADDRESSES_FULL = f"""
  addresses: COLLECT {{
    MATCH (p)-[l:LIVES_AT]->(a:Address)
    WITH a, l, {_SHOWN_SPANS} AS shown
    RETURN {{id: a.id, line_1: a.line_1, line_2: a.line_2, town: a.town, postcode: a.postcode,
            outward: a.outward, uprn: a.uprn, {_SEEN}}}
  }}"""

_RECORDS_PSEUDONYMOUS = """
  records: COLLECT {
    MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
    RETURN s {.id, .agency, .sex, .retired, updated: toString(coalesce(s.updated_at, s.created_at)),
              ages: [d IN coalesce(s.dobs, []) | duration.between(d, date()).years]}
  }"""

_INVOLVEMENTS_PSEUDONYMOUS = f"""
  involvements: COLLECT {{
    MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
    MATCH (s)-[:HAS_INVOLVEMENT]->(i:Involvement) WHERE NOT i.retired
    WITH i, {_HIDDEN} AS hidden
    RETURN i {{.id, .agency, {_SHOWN}}}
  }}"""

_ADDRESSES_PSEUDONYMOUS = f"""
  addresses: COLLECT {{
    MATCH (p)-[l:LIVES_AT]->(a:Address)
    WITH a, l, {_SHOWN_SPANS} AS shown
    RETURN {{id: a.id, outward: a.outward, {_SEEN}}}
  }}"""


def _persons(*parts: str) -> str:
    """Every requested person in one row: a row per person costs the driver a message each,
    about a quarter of its Python CPU on a search page's ten headlines."""
    return _RESOLVE + "RETURN collect({requested: requested, id: p.id, status: p.status," + ",".join(parts) + "}) AS rows"


PERSONS_FULL = _persons(_RECORDS_FULL, _INVOLVEMENTS_FULL, _ADDRESSES_FULL)
PERSONS_PSEUDONYMOUS = _persons(_RECORDS_PSEUDONYMOUS, _INVOLVEMENTS_PSEUDONYMOUS, _ADDRESSES_PSEUDONYMOUS)

# A search hit's headline (name, agencies, ...) needs only the person's records: involvements
# and addresses are read afterwards, for the whole page, only when asked for.
_HEADLINE = {False: _RECORDS_FULL, True: _RECORDS_PSEUDONYMOUS}  # by pseudonymous

# Lineage is asked for far less often than a person's headline, so it is its own statement,
# run only when sourceRecords or matchExplanation is selected. Keyed by surviving person id.
PERSON_LINEAGE = """
UNWIND $ids AS pid
MATCH (p:Person {id: pid})
RETURN pid,
  COLLECT {
    MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
    RETURN {id: s.id, batches: [s.created_in] + COLLECT {
      MATCH (s)-[:CHANGED_IN]->(b:IngestBatch) WHERE b.id <> s.created_in RETURN b.id ORDER BY b.started_at, b.id
    }}
  } AS batches,
  COLLECT {
    MATCH (a:SourceRecord)-[:RESOLVES_TO]->(p)
    MATCH (a)-[e:SIMILAR]->(b:SourceRecord)-[:RESOLVES_TO]->(p)
    RETURN {record_a: a.id, record_b: b.id, probability: e.probability, weight: e.weight,
            review: e.review, explanation: e.explanation}
  } AS similar
"""

HOUSEHOLDS = f"""
UNWIND $ids AS pid
MATCH (p:Person {{id: pid}})-[:LIVES_AT]->(a:Address)<-[l:LIVES_AT]-(other:Person)
WHERE other <> p AND other.status = 'active'
WITH pid, other, a, l, {_SHOWN_SPANS} AS shown
RETURN pid, collect({{person_id: other.id, address_id: a.id, {_SEEN}}}) AS members
"""

# Search: each source of candidates (names, exact keys, postcode) is one statement that also
# returns what ranking needs and the headline of every candidate's person, so a search costs
# one round trip per source given: reading the headlines of the ranked page afterwards cost
# the API about 0.35 ms more Python per search, and Neo4j no less than reading them for all
# ~33 people a name search's 40 candidates belong to. The candidates come back as one list in
# a single row, dates as ISO strings: the driver spends far more on each row it receives than
# on the values inside one. Only the parts the query can score are read (an empty list stands
# in for the others): a name search never needs a candidate's postcodes.
SEARCH_BY_NAMES = """
CALL db.index.fulltext.queryNodes('source_record_names', $terms, {limit: $limit}) YIELD node AS s
"""

SEARCH_BY_KEYS = """
CALL db.index.fulltext.queryNodes('source_record_keys', $terms, {limit: $limit}) YIELD node AS s
"""

SEARCH_BY_POSTCODE = """
MATCH (:SourceAddress {postcode: $postcode})<-[:GAVE_ADDRESS]-(s:SourceRecord)
WITH s LIMIT $limit
"""

# The scored parts in ``matching.search.Candidate`` order, after the record and person ids.
_CANDIDATE_PARTS = (
    ("name", "s.name_variants"),
    ("dob", "[d IN coalesce(s.dobs, []) | toString(d)]"),
    ("nhs", "s.nhs_numbers"),
    ("postcode", """COLLECT { MATCH (s)-[:GAVE_ADDRESS]->(a:SourceAddress) WHERE NOT coalesce(a.postcode_flagged, false)
                          RETURN a.postcode }"""),
)


# Every name token the records hold (ingestion adds them, nothing removes them), for the
# copy a search expands typed names against (app.search).
NAME_TOKENS = "MATCH (t:NameToken) RETURN collect(t.text) AS tokens"


def candidate_rows(source: str, parts: frozenset[str], pseudonymous: bool, *, name_tokens: bool = False) -> str:
    """``source`` (one of the SEARCH_BY_ statements) returning its candidates with ``parts``,
    and their people's headlines in the role's projection; with ``name_tokens``, also how many
    name tokens the graph holds (a count-store read), by which a name search sees that its
    copy of them is out of date."""
    values = ", ".join(expression if part in parts else "[]" for part, expression in _CANDIDATE_PARTS)
    held = ", COUNT { (:NameToken) } AS name_tokens" if name_tokens else ""
    return source + f"""
WITH DISTINCT s WHERE NOT s.retired
MATCH (s)-[:RESOLVES_TO]->(p:Person)
WITH collect([s.id, p.id, {values}]) AS candidates, collect(DISTINCT p) AS people
RETURN candidates, [p IN people | {{id: p.id, status: p.status, {_HEADLINE[pseudonymous].strip()}}}] AS people{held}
"""


ADDRESSES_BY_UPRN = "MATCH (a:Address {uprn: $uprn}) RETURN a.id AS id ORDER BY a.id LIMIT $limit"

# An address as text search reads it: the words of its lines and town, lower case, commas
# as spaces, one space apart and one on each end, so that what the caller typed (cleaned by
# ``app.search.address_text``) matches whole words: "1 brook lane" is not "11 Brook Lane".
_ADDRESS_WORDS = """reduce(t = '', w IN [w IN split(toLower(replace(
    coalesce(a.line_1, '') + ' ' + coalesce(a.line_2, '') + ' ' + coalesce(a.town, ''), ',', ' ')), ' ') WHERE w <> '']
  | t + ' ' + w) + ' ' CONTAINS ' ' + $text + ' '"""

ADDRESSES_BY_POSTCODE = f"""
MATCH (a:Address {{postcode: $postcode}})
WHERE $text = '' OR {_ADDRESS_WORDS}
RETURN a.id AS id ORDER BY a.id LIMIT $limit
"""

ADDRESSES_BY_TEXT = f"""
MATCH (a:Address)
WHERE {_ADDRESS_WORDS}
RETURN a.id AS id ORDER BY a.id LIMIT $limit
"""

ADDRESSES_FULL = f"""
UNWIND $ids AS aid
MATCH (a:Address {{id: aid}})
RETURN a.id AS id, a.line_1 AS line_1, a.line_2 AS line_2, a.town AS town, a.postcode AS postcode,
       a.outward AS outward, a.uprn AS uprn,
  COLLECT {{
    MATCH (p:Person)-[l:LIVES_AT]->(a) WHERE p.status = 'active'
    WITH p, l, {_SHOWN_SPANS} AS shown
    RETURN {{person_id: p.id, {_SEEN}}}
  }} AS residents,
  COLLECT {{
    MATCH (s:SourceRecord)-[:GAVE_ADDRESS]->(:SourceAddress)-[:RESOLVES_TO]->(a)
    MATCH (s)-[:HAS_INVOLVEMENT]->(i:Involvement) WHERE NOT i.retired
    WITH DISTINCT i, {_HIDDEN} AS hidden
    RETURN i {{.id, .agency, {_SHOWN},
              .lead_name, .lead_role, .lead_team, .lead_phone, .lead_email}}
  }} AS involvements
"""

# Activity since a date counts only involvements the caller may see the dates of: another
# agency's sensitive involvement would otherwise be dated by moving `since` until the person
# drops out of the list.
MULTI_AGENCY_PEOPLE = f"""
MATCH (p:Person) WHERE p.status = 'active'
WITH p, COLLECT {{ MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p) WHERE NOT s.retired RETURN DISTINCT s.agency }} AS agencies
WHERE size(agencies) >= $min_agencies
  AND EXISTS {{
    MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
    MATCH (s)-[:HAS_INVOLVEMENT]->(i:Involvement)
    WHERE NOT i.retired AND coalesce(i.last_contact, i.start) >= $since AND NOT ({_HIDDEN})
  }}
RETURN p.id AS id ORDER BY p.id SKIP $skip LIMIT $limit
"""

# Person - address - person hops: LIVES_AT is the only edge between the two, so a path of
# 2k LIVES_AT edges is k household hops. Pages are offsets into (distance, id) order.
CONNECTIONS = """
MATCH (start:Person {id: $id})
MATCH path = (start)-[:LIVES_AT*2..6]-(other:Person)
WHERE other <> start AND other.status = 'active' AND length(path) <= 2 * $depth
WITH other, min(length(path)) / 2 AS distance
RETURN other.id AS id, distance ORDER BY distance, id SKIP $skip LIMIT $limit
"""

REVIEW_QUEUE = """
MATCH (a:SourceRecord)-[e:SIMILAR]->(b:SourceRecord)
WHERE e.review = true
WITH a, b, e, CASE WHEN a.id < b.id THEN [a, b] ELSE [b, a] END AS pair
WITH pair[0] AS x, pair[1] AS y, e
WHERE NOT EXISTS { MATCH (d:ReviewDecision {record_a: x.id, record_b: y.id}) }
  AND ($after IS NULL OR x.id + '|' + y.id > $after)
RETURN x.id + '|' + y.id AS key, e.probability AS probability, e.weight AS weight, e.explanation AS explanation,
       [r IN [x, y] | r {.id, .agency, .source_person_id, .name_variants, .dobs, .sex, .nhs_numbers,
         person_id: COLLECT { MATCH (r)-[:RESOLVES_TO]->(p:Person) RETURN p.id }[0],
         postcodes: COLLECT { MATCH (r)-[:GAVE_ADDRESS]->(s:SourceAddress) RETURN s.postcode }}] AS records
ORDER BY key LIMIT $limit
"""

# 'same' makes the resolver link two records whatever they hold, so it is taken only for a pair
# the model scored; 'different' only ever keeps records apart, so it may be said of any two.
CREATE_REVIEW_DECISION = """
MATCH (a:SourceRecord {id: $record_a}), (b:SourceRecord {id: $record_b})
WHERE $decision = 'different' OR EXISTS { (a)-[:SIMILAR]-(b) }
CREATE (d:ReviewDecision {id: $id, record_a: $record_a, record_b: $record_b, decision: $decision,
                          note: $note, reviewer: $reviewer, at: datetime()})
SET a.needs_resolution = true, b.needs_resolution = true
RETURN d.id AS id, toString(d.at) AS at
"""
