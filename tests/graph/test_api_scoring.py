"""The search score on its own (pure, no graph): what counts as a near match and why."""

from __future__ import annotations

from datetime import date

from matching.search import Candidate, SearchQuery, dob_score, name_score, rank, score

WILLIAM = Candidate("CSC:1", "P-1", ("William|James|Smith",), (date(2012, 3, 4),), ("9434765919",), ("LS6 2AB",))


def test_nicknames_and_order_do_not_matter() -> None:
    assert name_score(("bill", "smith"), WILLIAM.name_variants) == 1.0
    assert name_score(("smith", "william"), WILLIAM.name_variants) == 1.0


def test_typos_score_high_but_not_exact() -> None:
    assert 0.85 < name_score(("wiliam", "smtih"), WILLIAM.name_variants) < 1.0
    assert name_score(("dennis", "jones"), WILLIAM.name_variants) < 0.6


def test_dates_exact_transposed_and_one_off() -> None:
    born = (date(2012, 3, 4),)
    assert dob_score(date(2012, 3, 4), born) == 1.0
    assert dob_score(date(2012, 4, 3), born) == 0.8
    assert dob_score(date(2013, 3, 4), born) == 0.6
    assert dob_score(date(2012, 3, 14), born) == 0.6
    assert dob_score(date(1999, 9, 9), born) == 0.0


def test_nhs_number_alone_is_near_certain_and_postcode_sector_counts() -> None:
    assert score(SearchQuery(nhs_number="9434765919"), WILLIAM).score == 1.0
    assert score(SearchQuery(name_tokens=("dennis",), nhs_number="9434765919"), WILLIAM).score == 0.95
    near = SearchQuery(postcode="LS6 2ZZ", postcode_sector="LS6 2", postcode_outward="LS6")
    assert score(near, WILLIAM).parts["postcode"] == 0.5


def test_rank_keeps_the_best_record_per_person_and_drops_weak_ones() -> None:
    other = Candidate("POLICE:9", "P-1", ("Billy||Smith",), (), (), ())
    stranger = Candidate("FIRE:3", "P-2", ("Dennis||Jones",), (), (), ())
    ranked = rank(SearchQuery(name_tokens=("william", "smith")), [other, WILLIAM, stranger], first=5)
    assert [(s.person_id, s.score) for s in ranked] == [("P-1", 1.0)]
