"""Search finds a person however the caller spells them: nicknames, typos, day/month swapped."""

from __future__ import annotations

import pytest

from app import search
from app.db import Graph
from app.ingest.pipeline import ingest_rows
from app.search import StoredNameTokens
from resolvers import cypher
from tests.graph.api_fixtures import (DENNIS, SARAH, WILIAM_NHS, WILLIAM, Api, api, api_settings, errors_at,  # noqa: F401
                                      statements)

SEARCH = """query($name: String, $dob: String, $postcode: String, $nhs: String) {
  searchPeople(name: $name, dateOfBirth: $dob, postcode: $postcode, nhsNumber: $nhs, first: 5) {
    score person { id name } } }"""


def _hits(api: Api, **variables: str) -> dict[str, float]:
    body = api.gql(SEARCH, variables)
    assert "errors" not in body, body
    return {h["person"]["id"]: h["score"] for h in body["data"]["searchPeople"]}


def test_exact_name_and_dob_ranks_the_person_first(api: Api) -> None:
    body = api.gql(SEARCH, {"name": "William Smith", "dob": "2012-03-04"})
    hits = body["data"]["searchPeople"]
    assert hits[0]["person"] == {"id": WILLIAM, "name": "William Smith"}
    assert hits[0]["score"] == 1.0


def test_nickname_finds_the_formal_name(api: Api) -> None:
    hits = _hits(api, name="Bill Smith", dob="04/03/2012")
    assert max(hits, key=hits.get) == WILLIAM and hits[WILLIAM] == 1.0


def test_typos_still_find_the_person(api: Api) -> None:
    hits = _hits(api, name="Wiliam Smtih")
    assert WILLIAM in hits and hits[WILLIAM] > 0.85
    assert _hits(api, name="sara smiht", postcode="ls6 2ab") and max(_hits(api, name="sara smiht", postcode="ls6 2ab").items(), key=lambda kv: kv[1])[0] == SARAH


def test_a_name_ingested_while_serving_is_found_with_typos_at_once(api: Api) -> None:
    """Typed names are expanded against the process's copy of the stored tokens, loaded at
    startup; the first search after an ingest brings the copy up to date."""
    assert _hits(api, name="Wiliam Smtih")
    summary = ingest_rows(api.graph, api.settings.state_dir, "FIRE", [
        {"source_person_id": "f7", "given_name": "Oluwaseun", "family_name": "Abernethy", "involvement_type": "Visit"}])
    assert summary.records_created == 1
    api.graph.run("MATCH (s:SourceRecord {id: 'FIRE:f7'}) CREATE (s)-[:RESOLVES_TO]->(:Person {id: 'P-new', status: 'active'})")
    assert "P-new" in _hits(api, name="Oluwasen Abernethi")  # neither spelling is stored


def test_the_stored_tokens_are_loaded_at_startup_not_by_the_first_search(api: Api,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded before the server freezes what startup built (app.web), the copy is never
    rescanned by the cycle collector; the first name search reads no tokens."""
    reads: list[str] = []
    real = search.single_list

    def counted(graph: Graph, query: str, **params: object) -> list[object]:
        reads.append(query)
        return real(graph, query, **params)

    monkeypatch.setattr(search, "single_list", counted)
    assert WILLIAM in _hits(api, name="Wiliam Smtih")
    assert cypher.NAME_TOKENS not in reads


def test_the_copy_of_the_stored_tokens_catches_up_and_starts_again_if_the_graph_was_emptied(graph: Graph) -> None:
    graph.run("UNWIND ['amy', 'jones'] AS text CREATE (:NameToken {text: text})")
    copy = StoredNameTokens()
    assert copy.current(graph).neighbours("jone") == ["jones"]
    graph.run("CREATE (:NameToken {text: 'jonas'})")
    copy.catch_up(graph, 3)
    assert copy.vocabulary.neighbours("jona") == ["jonas"]
    graph.run("MATCH (t:NameToken) WHERE t.text <> 'amy' DELETE t")
    copy.catch_up(graph, 1)
    assert copy.vocabulary.size == 1 and copy.vocabulary.neighbours("jone") == []


def test_a_pasted_paragraph_is_searched_without_error(api: Api) -> None:
    """Hundreds of tokens, each one edit from a stored name, must not build a full-text
    query beyond Lucene's 1,024 terms."""
    words = " ".join(f"{a}{b}{c}ith" for a in "bcdfghjklmnprstvwz" for b in "aeiou" for c in "bcdfghjklmnprstvwz")
    body = api.gql(SEARCH, {"name": f"William Smith {words}"})
    assert "errors" not in body, body


def test_transposed_day_and_month_still_match(api: Api) -> None:
    hits = _hits(api, dob="2012-04-03")
    assert hits[WILIAM_NHS] == 1.0
    assert hits[WILLIAM] == 0.8
    assert DENNIS not in hits


def test_nhs_number_in_any_spacing(api: Api) -> None:
    hits = _hits(api, nhs="943-476-5919")
    assert list(hits) == [WILLIAM] and hits[WILLIAM] >= 0.95


def test_bad_or_empty_input_is_a_clear_error_without_echoing_it(api: Api) -> None:
    body = api.gql(SEARCH, {"dob": "not-a-date-123"})
    assert body["data"]["searchPeople"] is None
    assert errors_at(body)["searchPeople"].startswith("dateOfBirth")
    assert "not-a-date-123" not in str(body)
    assert "give at least one" in errors_at(api.gql(SEARCH, {}))["searchPeople"]
    placeholder = errors_at(api.gql(SEARCH, {"nhs": "111 111 1111"}))["searchPeople"]
    assert placeholder == "nhsNumber: one repeated digit is a placeholder, not a person's number"


def test_tokens_too_long_for_a_name_are_not_searched(api: Api) -> None:
    """Looking up a token of n letters costs n²: a 200,000-letter one is left out, not expanded."""
    assert WILLIAM in _hits(api, name=f"William {'a' * 200_000} Smith")
    body = api.gql(SEARCH, {"name": "a" * 200_000})
    assert errors_at(body)["searchPeople"].startswith("name: nothing in it can be searched on")
    assert errors_at(api.gql(SEARCH, {"name": "😀 ✝"}))["searchPeople"].startswith("name: nothing in it")


def test_a_blank_postcode_or_uprn_is_a_clear_error_in_address_search(api: Api) -> None:
    body = api.gql('query { searchAddresses(postcode: " ") { id } }')
    assert body["data"]["searchAddresses"] is None
    assert errors_at(body)["searchAddresses"] == "postcode: empty"
    blank_uprn = api.gql('query { searchAddresses(uprn: " \\t") { id } }')
    assert blank_uprn["data"]["searchAddresses"] is None  # not every address, as a blank UPRN gave
    assert "give at least one" in errors_at(blank_uprn)["searchAddresses"]


DETAIL = """involvements { agency type start lastContact status leadWorker { name } }
  agencySummary { agency lastIntervention contact { name } }
  addresses { firstSeen lastSeen address { id postcode } } household { person { id } }"""


def test_a_hit_shows_the_same_detail_as_the_person_read_once_for_the_page(api: Api, statements: list[str]) -> None:
    body = api.gql("query { searchPeople(name: \"Smith\", first: 5) { person { id " + DETAIL + " } } }")
    assert "errors" not in body, body
    hits = body["data"]["searchPeople"]
    assert len(hits) > 1 and any(h["person"]["involvements"] for h in hits)
    assert any(h["person"]["household"] for h in hits)
    # the headlines come with the candidates; the whole page's full rows follow in one statement
    assert statements.count(cypher.PERSONS_FULL) == 1
    for hit in hits:
        person = api.gql("query($id: ID!) { person(id: $id) { id " + DETAIL + " } }", {"id": hit["person"]["id"]})
        assert hit["person"] == person["data"]["person"]
