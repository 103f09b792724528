"""Person search as a service: normalise what the caller typed the way ingestion normalises
records, pull candidates from the full-text and postcode indexes, and rank them with
``matching.search``. Resolvers call this and never see how a match is scored."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, TypeVar

from app.db import Graph, PerGraph
from matching import normalise as norm
from matching.search import Candidate, Scored, SearchQuery, name_tokens, rank
from matching.vocabulary import MAX_TOKEN_LENGTH, NameVocabulary
from resolvers import cypher
from resolvers.data import person_dates, read, single_list

# Candidates each source (names, keys, postcode) may offer for ranking: enough to fill the
# page several times over; the full-text index returns its best-scoring hits first.
MIN_CANDIDATES = 40
CANDIDATES_PER_RESULT = 4
EXACT_BOOST = 3
# Name tokens a search looks up: a name has a handful; a pasted paragraph must not build a
# query over Lucene's limit of 1,024 terms (each token brings up to 50 neighbours).
MAX_NAME_TOKENS = 12
_LUCENE_SAFE = re.compile(r"[^a-z0-9]")
T = TypeVar("T")


class InvalidSearch(ValueError):
    """The caller's input cannot be searched on (says which field, never echoes the value)."""


def build_query(name: str | None, date_of_birth: str | None, postcode: str | None,
                nhs_number: str | None) -> SearchQuery:
    try:
        dob = norm.parse_date(date_of_birth) if date_of_birth else None
    except norm.InvalidValue as error:
        raise InvalidSearch(f"dateOfBirth: {error}") from error
    try:
        nhs = norm.normalise_nhs_number(nhs_number) if nhs_number else None
    except norm.InvalidValue as error:
        raise InvalidSearch(f"nhsNumber: {error}") from error
    if nhs and norm.is_placeholder_nhs_number(nhs):
        raise InvalidSearch("nhsNumber: one repeated digit is a placeholder, not a person's number")
    try:
        code = norm.normalise_postcode(postcode) if postcode else None
    except norm.InvalidValue as error:
        raise InvalidSearch(f"postcode: {error}") from error
    query = SearchQuery(
        name_tokens=_searchable(name_tokens(name or "")),
        dob=dob,
        nhs_number=nhs,
        postcode=code.full if code else None,
        postcode_sector=code.sector if code else None,
        postcode_outward=code.outward if code else None,
    )
    if query.empty and name and name.strip():
        raise InvalidSearch("name: nothing in it can be searched on (names are searched by their letters, "
                            f"in words of up to {MAX_TOKEN_LENGTH})")
    if query.empty:
        raise InvalidSearch("give at least one of name, dateOfBirth, postcode, nhsNumber")
    return query


def _searchable(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens a search ranks and expands: the first MAX_NAME_TOKENS that could be part of a
    name. Whatever was pasted into the box, the work stays that of an ordinary name."""
    return tuple(t for t in tokens if len(t) <= MAX_TOKEN_LENGTH)[:MAX_NAME_TOKENS]


def _required(field: str, normaliser: Callable[[str], T | None], raw: str) -> T:
    """``raw`` cleaned as ingestion cleans it, or refused with the normaliser's reason."""
    try:
        value = normaliser(raw)
    except norm.InvalidValue as error:
        raise InvalidSearch(f"{field}: {error}") from error
    if value is None:
        raise InvalidSearch(f"{field}: empty")
    return value


def full_postcode(raw: str) -> str:
    """A postcode as stored on addresses (normalised), for address search."""
    return _required("postcode", norm.normalise_postcode, raw).full


def address_text(raw: str | None) -> str:
    """What the caller typed to find an address, cleaned as the address search reads addresses
    (``resolvers.cypher._ADDRESS_WORDS``): lower case, commas as spaces, words one space apart."""
    return " ".join((raw or "").lower().replace(",", " ").split())


def search_uprn(raw: str) -> str:
    """A UPRN as stored on addresses: without the leading zeros exports add."""
    return _required("uprn", norm.normalise_uprn, raw)


def names_lucene(tokens: tuple[str, ...], vocabulary: NameVocabulary) -> str:
    """Each cleaned token exactly (boosted), the stored tokens one edit away, and the formal
    names it may stand for, e.g. ``smyth^3 smith smythe bill william``. Without the boost,
    full-text scoring prefers a two-token record one letter off to the exact record that
    also has a middle name. Tokens under four letters get no neighbours: in the 400k-row
    partnership "al" is one edit from 22 stored tokens, "amy" from 18.

    Most neighbours of a common name are other records' misspellings of it: for 100 sampled
    people's names, 23 of a token's 28 neighbours on average were held by at most 3 records.
    Leaving out neighbours a hundred times rarer than the typed token saved about 0.7 ms of
    Neo4j's CPU per search under load, a fifth of it, but they are how someone known only by
    a misspelt record is found: search_recall.py's "misspelt record, name spelt right" fell
    from 81% to 48%."""
    terms: dict[str, None] = {}
    for token in tokens:
        safe = _LUCENE_SAFE.sub("", token)
        if not safe:
            continue
        terms[f"{safe}^{EXACT_BOOST}"] = None
        if len(safe) >= 4:
            terms.update(dict.fromkeys(vocabulary.neighbours(safe)))
        for root in sorted(norm.given_name_roots(token)):
            root = _LUCENE_SAFE.sub("", root)
            if root and root != safe:
                terms[root] = None
    return " ".join(terms)


def _transposed(day: date) -> date | None:
    try:
        swapped = date(day.year, day.day, day.month)
    except ValueError:
        return None
    return swapped if swapped != day else None


def keys_lucene(query: SearchQuery) -> str:
    """Exact keys on the whitespace-analysed fields: the DOB, its day/month swap, the NHS number."""
    terms: list[str] = []
    if query.dob:
        terms += [f'dob_text:"{d.isoformat()}"' for d in (query.dob, _transposed(query.dob)) if d]
    if query.nhs_number:
        terms.append(f'nhs_text:"{query.nhs_number}"')
    return " OR ".join(terms)


class StoredNameTokens:
    """This process's copy of the graph's name tokens, as a vocabulary to expand typed names
    against. Ingestion adds a ``NameToken`` for every token it stores and nothing removes
    one, so their number tells whether the copy is current: every name search reads it
    with its candidates."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        self.vocabulary = NameVocabulary()

    def current(self, graph: Graph) -> NameVocabulary:
        if not self._loaded:
            self.catch_up(graph, None)
        return self.vocabulary

    def catch_up(self, graph: Graph, held: int | None) -> None:
        """Add the tokens the graph holds (``held`` of them; None for the first load) that the
        copy lacks, unless another thread has already; start again if the graph holds fewer
        (it was emptied and reloaded)."""
        with self._lock:
            if self._loaded and (held is None or self.vocabulary.size == held):
                return
            tokens = single_list(graph, cypher.NAME_TOKENS)
            if len(tokens) < self.vocabulary.size:
                self.vocabulary = NameVocabulary(tokens)
            else:
                self.vocabulary.add(tokens)
            self._loaded = True


_copies: PerGraph[StoredNameTokens] = PerGraph(StoredNameTokens)


def load_name_tokens(graph: Graph) -> None:
    """Load this process's copy of the stored name tokens now, at startup, rather than on its
    first name search: loaded before the server freezes what startup built, the copy is never
    rescanned by the cycle collector. Unfrozen, a copy of 100,000 random tokens made each
    full collection take 156 ms, a pause for every request the process was serving."""
    _copies.of(graph).current(graph)


@dataclass
class Candidates:
    """Records worth ranking, and the headline row of each one's person (by person id) in the
    caller's projection (``cypher.candidate_rows``), with dates still as ISO strings."""

    records: list[Candidate] = field(default_factory=list)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, row: dict[str, Any]) -> None:
        self.records += [Candidate(record_id, person_id, names or (), tuple(map(date.fromisoformat, dobs)), nhs or (),
                                   postcodes)
                         for record_id, person_id, names, dobs, nhs, postcodes in row["candidates"]]
        self.people.update((person["id"], person) for person in row["people"])


@dataclass(frozen=True)
class Found:
    """A search's page: ranked persons, and their headline rows by person id."""

    ranked: list[Scored]
    people: dict[str, dict[str, Any]]


def _name_candidates(graph: Graph, query: SearchQuery, limit: int, pseudonymous: bool) -> dict[str, Any] | None:
    """The name statement's row, the typed tokens expanded against this process's copy of the
    stored ones; run again once the copy has caught up if the graph holds tokens it lacked."""
    statement = cypher.candidate_rows(cypher.SEARCH_BY_NAMES, query.parts, pseudonymous, name_tokens=True)
    copy = _copies.of(graph)
    vocabulary = copy.current(graph)
    size = vocabulary.size
    terms = names_lucene(query.name_tokens, vocabulary)
    if not terms:
        return None
    row = read(graph, statement, terms=terms, limit=limit)[0]
    if row["name_tokens"] != size:
        copy.catch_up(graph, row["name_tokens"])
        row = read(graph, statement, terms=names_lucene(query.name_tokens, copy.vocabulary), limit=limit)[0]
    return row


def candidates(graph: Graph, query: SearchQuery, first: int, pseudonymous: bool) -> Candidates:
    """Records worth ranking: fuzzy name hits, exact DOB / NHS hits and records at the postcode."""
    limit = max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * first)
    found = Candidates()
    keys = keys_lucene(query)
    parts = query.parts
    if query.name_tokens and (row := _name_candidates(graph, query, limit, pseudonymous)):
        found.add(row)
    if keys:
        found.add(read(graph, cypher.candidate_rows(cypher.SEARCH_BY_KEYS, parts, pseudonymous), terms=keys,
                       limit=limit)[0])
    if query.postcode:
        found.add(read(graph, cypher.candidate_rows(cypher.SEARCH_BY_POSTCODE, parts, pseudonymous),
                       postcode=query.postcode, limit=limit)[0])
    return found


def search_people(graph: Graph, query: SearchQuery, first: int, *, pseudonymous: bool) -> Found:
    """Ranked persons, best score per person, at most ``first``, with their headline rows
    (``pseudonymous``: the analysts' projection)."""
    found = candidates(graph, query, first, pseudonymous)
    ranked = rank(query, found.records, first)
    return Found(ranked, {s.person_id: person_dates(found.people[s.person_id]) for s in ranked})
