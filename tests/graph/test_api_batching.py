"""One statement per level of a query, however many people are on the page (no N+1), and
keyed pseudonyms that are stable and kept secret."""

from __future__ import annotations

import stat
from pathlib import Path

from app.pseudonyms import KEY_FILE, Pseudonymiser, pseudonym_key
from app.settings import Settings
from tests.graph.api_fixtures import Api, api, api_settings, statements  # noqa: F401

PAGE = """query { multiAgencyPeople(minAgencies: 1, since: "2000-01-01") { edges { node {
  id name involvements { agency } addresses { address { id } }
  household { person { id name household { person { id } } } } } } } }"""


def test_a_page_of_people_costs_one_statement_per_level(api: Api, statements: list[str]) -> None:
    body = api.gql(PAGE)
    assert len(body["data"]["multiAgencyPeople"]["edges"]) == 4
    # page ids, the page's people, their households; the household members are people of the
    # page already, so the per-request loaders answer the deeper levels from cache
    assert len(statements) == 3


def test_pseudonym_key_is_generated_once_with_owner_only_access(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, pseudonym_key="")
    key = pseudonym_key(settings)
    assert key == pseudonym_key(settings)
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    one, other = Pseudonymiser(key), Pseudonymiser(b"another key")
    assert one.token("person", "P-1") == one.token("person", "P-1")
    assert one.token("person", "P-1") != other.token("person", "P-1")
    assert one.token("person", "P-1") != one.token("address", "P-1")
