"""The matching engine on hand-made cases: levels, estimation, name frequency, clustering."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matching import model
from matching.cluster import Link, cluster, contradicted
from matching.compare import FIELDS, LEVELS, RecordFeatures, compare
from matching.records import MatchRecord, NameVariant, RecordAddress


def rec(rid: str, given: str, family: str, dob: date | None = None, nhs: str = "", postcode: str = "",
        number: str = "", street: str = "", sex: str | None = None) -> MatchRecord:
    address = (RecordAddress(postcode, "", "", number, "", street, ""),) if postcode or street else ()
    return MatchRecord(rid, rid.split(":")[0], (NameVariant(given, "", family),), (dob,) if dob else (), sex,
                       (nhs,) if nhs else (), address)


def level_names(a: MatchRecord, b: MatchRecord) -> dict[str, str]:
    levels = compare(RecordFeatures.build([a, b]), np.array([0]), np.array([1]))[0]
    return {name: LEVELS[name][levels[i]] for i, name in enumerate(FIELDS)}


ROBERT = rec("A:1", "robert", "smith", date(1980, 3, 4), "9434765919", "LS6 2AB", "14", "park road", "M")


@pytest.mark.parametrize(
    "other, expected",
    [
        (rec("B:1", "bob", "smith"), {"given": "nickname or close", "family": "exact"}),
        (rec("B:1", "robrt", "smyth"), {"given": "nickname or close", "family": "similar or shared part"}),
        (rec("B:1", "r", "smith"), {"given": "initial or similar"}),
        (rec("B:1", "smith", "robert"), {"given": "nickname or close", "family": "close"}),
        (rec("B:1", "smiht", "robert"), {"given": "nickname or close", "family": "close"}),  # swapped, a typo
        (rec("B:1", "smith", "jones"), {"given": "different", "family": "different"}),  # only one name crosses
        (rec("B:1", "robert", "smith jones"), {"family": "similar or shared part"}),
        (rec("B:1", "robert", "smith", date(1980, 4, 3)), {"dob": "transposed or one off"}),
        (rec("B:1", "robert", "smith", date(1980, 3, 5)), {"dob": "transposed or one off"}),
        (rec("B:1", "robert", "smith", date(1980, 9, 9)), {"dob": "same year"}),
        (rec("B:1", "robert", "smith", date(1900, 1, 1)), {"dob": "missing"}),
        (rec("B:1", "robert", "smith", nhs="4010232137"), {"nhs": "different"}),
        (rec("B:1", "robert", "smith", nhs="0000000000"), {"nhs": "missing"}),  # a placeholder
        (rec("B:1", "jane", "doe", postcode="LS6 2AB", number="14", street="park road"),
         {"given": "different", "address": "exact or UPRN"}),
        (rec("B:1", "x", "y", postcode="LS6 2AD"), {"address": "sector or street"}),
        (rec("B:1", "x", "y", postcode="LS6 9ZZ"), {"address": "district"}),
        (rec("B:1", "x", "y", sex="F"), {"sex": "different"}),
    ],
)
def test_comparison_levels(other: MatchRecord, expected: dict[str, str]) -> None:
    names = level_names(ROBERT, other)
    assert {k: names[k] for k in expected} == expected


def test_estimation_recovers_a_known_model() -> None:
    rng = np.random.default_rng(1)
    true_m = {name: np.array([0.0] + [0.02] * (len(LEVELS[name]) - 2) + [0.0]) for name in FIELDS}
    for name in FIELDS:
        true_m[name][-1] = 1 - true_m[name].sum()
    u = {name: [0.0, 0.9] + [0.1 / (len(LEVELS[name]) - 2)] * (len(LEVELS[name]) - 2) for name in FIELDS}
    matches, non_matches = 3000, 7000
    columns = []
    for name in FIELDS:
        m_draw = rng.choice(len(LEVELS[name]), matches, p=true_m[name])
        u_draw = rng.choice(len(LEVELS[name]), non_matches, p=u[name])
        columns.append(np.concatenate([m_draw, u_draw]))
    levels = np.stack(columns, axis=1).astype(np.int8)
    levels[matches:, FIELDS.index("nhs")] = 0  # strangers rarely both have NHS numbers
    fitted = model.estimate(levels, u)
    assert fitted.prior == pytest.approx(0.3, abs=0.03)
    assert fitted.m["given"][-1] == pytest.approx(true_m["given"][-1], abs=0.03)


def test_the_prior_is_the_chance_that_two_random_records_match() -> None:
    rng = np.random.default_rng(2)
    u = {name: [0.0, 0.9] + [0.1 / (len(LEVELS[name]) - 2)] * (len(LEVELS[name]) - 2) for name in FIELDS}
    matches = np.tile([len(LEVELS[name]) - 1 for name in FIELDS], (300, 1))
    strangers = np.stack([rng.choice(len(LEVELS[n]), 3000, p=u[n]) for n in FIELDS], axis=1)
    levels = np.concatenate([matches, strangers]).astype(np.int8)
    fitted = model.estimate(levels, u, total_pairs=1_000_000)
    assert fitted.prior == pytest.approx(300 / 1_000_000, rel=0.05)


@pytest.mark.parametrize("rows, total_pairs", [(0, 0), (1, 1), (1, 6)])
def test_estimation_on_a_handful_of_records_stays_finite(rows: int, total_pairs: int) -> None:
    levels = np.tile([len(LEVELS[name]) - 1 for name in FIELDS], (rows, 1)).astype(np.int8)
    u = {name: [0.0] + [1 / (len(LEVELS[name]) - 1)] * (len(LEVELS[name]) - 1) for name in FIELDS}
    fitted = model.estimate(levels, u, total_pairs=total_pairs)
    assert 0 < fitted.prior < 1
    assert np.isfinite(model.match_probability(levels, fitted)).all()


def test_a_shared_address_counts_for_more_between_different_surnames() -> None:
    u = {n: [0.0] + [1 / (len(LEVELS[n]) - 1)] * (len(LEVELS[n]) - 1) for n in FIELDS}
    u["address"] = [0.0, 0.9, 0.05, 0.02, 0.01, 0.01, 0.01]  # among same-surname strangers
    params = model.ModelParams(m=model._initial_m(), u=u, prior=0.1)
    levels = np.zeros((2, len(FIELDS)), dtype=np.int8)
    levels[:, FIELDS.index("address")] = LEVELS["address"].index("exact or UPRN")
    levels[:, FIELDS.index("family")] = [LEVELS["family"].index("exact"), LEVELS["family"].index("different")]
    assert model.address_adjustment(levels, params).tolist() == [0.0, 0.0]  # a model stored without it
    params.u[model.ADDRESS_OTHER_SURNAME] = [0.0, 0.99, 0.0097, 0.0001, 0.0001, 0.0001, 0.0001]
    assert model.address_adjustment(levels, params).tolist() == [0.0, pytest.approx(np.log2(100))]


def test_a_shared_rare_surname_counts_for_more_than_a_common_one() -> None:
    records = [rec(f"A:{i}", "john", "smith") for i in range(50)] + [rec("A:r1", "john", "featherstonehaugh"),
                                                                     rec("B:r2", "john", "featherstonehaugh")]
    levels = compare(RecordFeatures.build(records), np.array([0, 50]), np.array([1, 51]))
    params = model.ModelParams(m=model._initial_m(), u={n: [0.0] + [1 / (len(LEVELS[n]) - 1)] * (len(LEVELS[n]) - 1)
                                                         for n in FIELDS}, prior=0.1)
    adjustment = model.tf_adjustment(np.array([0, 50]), levels, params, model.TermFrequencies.of(records))
    assert adjustment[1] > adjustment[0]


def test_the_chaining_guard_cuts_the_weakest_link_between_conflicting_records() -> None:
    a = rec("A:1", "jack", "smith", date(1980, 1, 1), "9434765919")
    b = rec("B:1", "jack", "smith")
    c = rec("C:1", "jack", "smith", date(1980, 1, 1), "4010232137")
    records = {r.record_id: r for r in (a, b, c)}
    clusters = cluster(records, [Link("A:1", "B:1", 20.0), Link("B:1", "C:1", 8.0)], records)
    assert sorted(clusters) == [["A:1", "B:1"], ["C:1"]]


def test_twins_are_kept_apart() -> None:
    a = rec("A:1", "amy", "khan", date(2015, 5, 5))
    b = rec("B:1", "zara", "khan", date(2015, 5, 5))
    m = rec("C:1", "amy", "khan")
    records = {r.record_id: r for r in (a, b, m)}
    clusters = cluster(records, [Link("A:1", "C:1", 9.0), Link("B:1", "C:1", 5.0)], records)
    assert ["A:1", "C:1"] in clusters and ["B:1"] in clusters


def test_a_transposed_given_name_is_a_typing_slip_not_a_twin() -> None:
    from matching.cluster import conflict

    born = date(2015, 5, 5)
    assert not conflict(rec("A:1", "amy", "khan", born), rec("B:1", "aym", "khan", born))
    assert conflict(rec("A:1", "amy", "khan", born), rec("B:1", "zara", "khan", born))
    assert conflict(rec("A:1", "eva", "khan", born), rec("B:1", "ava", "khan", born))  # one letter apart, not swapped


def test_a_given_name_one_keystroke_out_after_its_first_letter_is_a_slip_not_a_twin() -> None:
    from matching.cluster import conflict

    born = date(2015, 5, 5)
    amy = rec("A:1", "amy", "khan", born)
    assert not conflict(amy, rec("B:1", "ay", "khan", born))  # a letter missing: Jaro-Winkler 0.61
    assert not conflict(amy, rec("B:1", "aey", "khan", born))  # a letter wrong: 0.8 in the comparator's precision
    assert level_names(amy, rec("B:1", "aey", "khan", born))["given"] == "initial or similar"
    assert conflict(amy, rec("B:1", "ava", "khan", born))  # two letters wrong


def _nameless(rid: str, family: str, **address: str) -> MatchRecord:
    return rec(rid, "", family, sex="F", **address)


def test_a_record_that_names_no_one_joins_the_one_person_within_reach() -> None:
    from matching.cluster import names_no_one

    home = {"postcode": "LS6 2AB", "number": "14", "street": "park road"}
    ann = [rec("A:1", "ann", "oddie", date(1950, 3, 4), **home), rec("B:1", "ann", "oddie", date(1950, 3, 4), **home)]
    visit = _nameless("F:1", "oddie", **home)
    assert names_no_one(visit) and not names_no_one(rec("F:2", "a", "oddie", **home))
    records = {r.record_id: r for r in (*ann, visit)}
    uncertain = [Link("A:1", "F:1", 1.0), Link("B:1", "F:1", 1.5)]
    clusters = cluster(records, [Link("A:1", "B:1", 20.0)], records, uncertain=uncertain)
    assert clusters == [["A:1", "B:1", "F:1"]]
    # Without a review link it reaches no one; a reviewer's "not the same person" keeps it out.
    assert sorted(cluster(records, [Link("A:1", "B:1", 20.0)], records)) == [["A:1", "B:1"], ["F:1"]]
    assert sorted(cluster(records, [Link("A:1", "B:1", 20.0)], records, cannot_link=[("F:1", "B:1")],
                          uncertain=uncertain)) == [["A:1", "B:1"], ["F:1"]]
    # Nor does it join a person one of whose records gives another sex.
    records["B:1"] = rec("B:1", "ann", "oddie", date(1950, 3, 4), sex="M", **home)
    assert sorted(cluster(records, [Link("A:1", "B:1", 20.0)], records, uncertain=uncertain)) == [["A:1", "B:1"], ["F:1"]]


def test_a_record_that_names_no_one_with_two_people_in_reach_stays_alone() -> None:
    home = {"postcode": "LS6 2AB", "number": "14", "street": "park road"}
    ann, beth = rec("A:1", "ann", "oddie", date(1950, 3, 4), **home), rec("B:1", "beth", "oddie", date(1975, 6, 7), **home)
    visit, again = _nameless("F:1", "oddie", **home), _nameless("F:2", "oddie", **home)
    records = {r.record_id: r for r in (ann, beth, visit, again)}
    clusters = cluster(records, [], records, uncertain=[Link("A:1", "F:1", 1.0), Link("B:1", "F:1", -1.0)])
    assert sorted(clusters) == [["A:1"], ["B:1"], ["F:1"], ["F:2"]]
    # Another record that names no one is not a person it could be: both join the one person.
    clusters = cluster(records, [], records, uncertain=[Link("A:1", "F:1", 1.0), Link("F:1", "F:2", 3.0),
                                                        Link("A:1", "F:2", 1.0)])
    assert sorted(clusters) == [["A:1", "F:1", "F:2"], ["B:1"]]


def test_reviewers_win_over_the_model() -> None:
    records = {r.record_id: r for r in (rec("A:1", "ann", "lee"), rec("B:1", "ann", "lee"), rec("C:1", "bo", "ray"))}
    clusters = cluster(records, [Link("A:1", "B:1", 30.0)], records,
                       must_link=[("B:1", "C:1")], cannot_link=[("A:1", "B:1")])
    assert sorted(clusters) == [["A:1"], ["B:1", "C:1"]]


def test_a_different_that_a_chain_of_sames_would_overrule_names_the_chain() -> None:
    held = [("A:1", "B:1", "same"), ("B:1", "C:1", "same"), ("D:1", "E:1", "same")]
    assert contradicted(held, "C:1", "A:1", "different") == [("B:1", "C:1"), ("A:1", "B:1")]
    assert contradicted(held, "A:1", "D:1", "different") == []
    assert contradicted(held, "A:1", "B:1", "different") == []  # it replaces that pair's own 'same'


def test_a_same_that_would_join_records_called_different_names_them() -> None:
    held = [("A:1", "B:1", "same"), ("C:1", "D:1", "same"), ("A:1", "D:1", "different")]
    assert contradicted(held, "B:1", "C:1", "same") == [("A:1", "D:1")]
    assert contradicted(held, "A:1", "D:1", "same") == []  # it replaces that pair's own 'different'
    assert contradicted(held, "B:1", "E:1", "same") == []


def test_a_name_match_nothing_else_backs_goes_to_review() -> None:
    from matching.pipeline import _corroborated

    levels = np.zeros((3, len(FIELDS)), dtype=np.int8)
    levels[:, FIELDS.index("given")] = LEVELS["given"].index("exact")
    levels[:, FIELDS.index("family")] = LEVELS["family"].index("exact")
    levels[1, FIELDS.index("dob")] = LEVELS["dob"].index("exact")
    levels[2, FIELDS.index("address")] = LEVELS["address"].index("different")
    assert _corroborated(levels).tolist() == [False, True, False]


def test_a_surname_and_an_address_alone_go_to_review() -> None:
    from matching.pipeline import _corroborated

    levels = np.zeros((2, len(FIELDS)), dtype=np.int8)
    levels[:, FIELDS.index("family")] = LEVELS["family"].index("exact")
    levels[:, FIELDS.index("address")] = LEVELS["address"].index("exact or UPRN")
    levels[1, FIELDS.index("given")] = LEVELS["given"].index("initial or similar")
    assert _corroborated(levels).tolist() == [False, True]


def test_without_nhs_numbers_m_is_seen_among_pairs_the_other_fields_vouch_for() -> None:
    levels = np.zeros((200, len(FIELDS)), dtype=np.int8)
    for name in ("given", "family", "dob"):
        levels[:, FIELDS.index(name)] = LEVELS[name].index("exact")
    levels[:, FIELDS.index("address")] = LEVELS["address"].index("exact or UPRN")
    levels[:50, FIELDS.index("given")] = LEVELS["given"].index("nickname or close")
    m = model._anchored_m(levels)
    assert m["given"][LEVELS["given"].index("nickname or close")] == pytest.approx(0.25, abs=0.02)


def test_a_house_number_and_street_block_records_that_carry_no_postcode() -> None:
    from matching.blocking import candidate_pairs

    a = rec("A:1", "jon", "smyth", street="park road", number="14")
    b = rec("B:1", "j", "jonhson", street="parkroad", number="14")
    c = rec("C:1", "ann", "lee", street="park road", number="16")
    found = candidate_pairs([a, b, c])
    assert list(zip(found.left.tolist(), found.right.tolist())) == [(0, 1)]


def test_a_placeholder_nhs_number_neither_links_strangers_nor_parts_a_person() -> None:
    from matching.blocking import blocking_keys
    from matching.cluster import conflict

    strangers = rec("A:1", "ann", "lee", nhs="1111111111"), rec("B:1", "tom", "ray", nhs="1111111111")
    assert level_names(*strangers)["nhs"] == "missing"
    assert not any(key.startswith("nhs:") for key in blocking_keys(strangers[0]))
    assert not conflict(ROBERT, rec("B:1", "robert", "smith", date(1980, 3, 4), "1111111111"))


def test_a_part_scored_with_its_population_scores_as_the_whole_does() -> None:
    """An incremental run scores the queued records against only those sharing a blocking key
    with them; given the population's term counts, its pairs are exactly the full run's."""
    from collections import Counter
    from pathlib import Path

    from app.resolution.offline import records_from_folder
    from matching.blocking import MAX_BLOCK, blocking_keys
    from matching.pipeline import Population, population_terms, score_pairs

    records = sorted(records_from_folder(Path(__file__).parents[2] / "seeds" / "sample"), key=lambda r: r.record_id)
    whole, params, _ = score_pairs(records)
    focus = {r.record_id for r in records[::5]}
    holders = Counter(t for r in records for t in population_terms(r))
    keys = {k for r in records if r.record_id in focus for k in blocking_keys(r) if holders[k] <= MAX_BLOCK}
    part = [r for r in records if r.record_id in focus or blocking_keys(r) & keys]
    assert len(part) < len(records)
    expected = [p for p in whole if p.a in focus or p.b in focus]
    blocks = {k: [i for i, r in enumerate(part) if k in blocking_keys(r)] for k in keys}
    population = Population(holders, len(records))
    for known_blocks in (None, blocks):
        scored, _, _ = score_pairs(part, params, [i for i, r in enumerate(part) if r.record_id in focus], population,
                                   known_blocks)
        assert expected and [(p.a, p.b, p.explanation) for p in scored] == [(p.a, p.b, p.explanation) for p in expected]
        assert [p.probability for p in scored] == pytest.approx([p.probability for p in expected])


def test_the_term_scheme_changes_whenever_the_terms_do() -> None:
    """Incremental runs find records by the terms stored under TERM_SCHEME: terms that change
    under an unchanged scheme would silently miss pairs. If this fails, give TERM_SCHEME a new
    name and record the new fingerprint here."""
    import hashlib
    import json
    from pathlib import Path

    from app.resolution.offline import records_from_folder
    from matching.pipeline import TERM_SCHEME, population_terms

    records = records_from_folder(Path(__file__).parents[2] / "seeds" / "sample")
    terms = sorted((r.record_id, sorted(population_terms(r))) for r in records)
    fingerprint = hashlib.sha256(json.dumps(terms).encode()).hexdigest()[:16]
    assert {TERM_SCHEME: fingerprint} == {"2026-11-25": "8faf2563a4476a65"}
