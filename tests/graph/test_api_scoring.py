"""The search score on its own (pure, no graph): what counts as a near match and why."""

from __future__ import annotations

from datetime import date

from app.search import names_lucene
from matching.search import Candidate, SearchQuery, dob_score, name_score, rank, score
from matching.vocabulary import NameVocabulary

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


def test_equal_scores_go_to_the_name_spelt_as_typed() -> None:
    """All three score 1.0 for "John Smith"; the exact John Smith leads, then the one with a
    middle name the caller did not type, then the nickname. Person ids alone would reverse them."""
    nickname = Candidate("CSC:1", "P-1", ("Jack||Smith",), (), (), ())
    middle_name = Candidate("CSC:2", "P-2", ("John|Paul|Smith",), (), (), ())
    exact = Candidate("CSC:3", "P-3", ("John||Smith",), (), (), ())
    ranked = rank(SearchQuery(name_tokens=("john", "smith")), [nickname, middle_name, exact], first=5)
    assert [(s.person_id, s.score) for s in ranked] == [("P-3", 1.0), ("P-2", 1.0), ("P-1", 1.0)]


def test_name_lookup_ranks_exact_tokens_above_typos() -> None:
    """Exact tokens are boosted, so a record spelt as typed outranks near-misses in the
    full-text index even when it also carries a middle name (longer records score lower).
    Stored tokens one edit away come unboosted; tokens under four letters get none: one
    edit away they are mostly other names."""
    stored = NameVocabulary(["smyth", "smith", "smythe", "bill", "will", "ng", "nga"])
    assert names_lucene(("smyth", "bill", "ng"), stored) == "smyth^3 smith smythe bill^3 will william ng^3"