"""The vocabulary search expands typed names against: stored tokens one edit away."""

from __future__ import annotations

from matching.vocabulary import MAX_NEIGHBOURS, MAX_TOKEN_LENGTH, NameVocabulary

STORED = NameVocabulary(["smith", "smyth", "smiths", "mith", "simth", "smitt", "smote", "jones", "smithson"])


def test_one_edit_of_any_kind_is_a_neighbour() -> None:
    # swapped, changed, changed; then missing and added (nearest length first)
    assert STORED.neighbours("smith") == ["simth", "smitt", "smyth", "mith", "smiths"]


def test_a_typed_token_finds_the_stored_spelling_it_slipped_from() -> None:
    assert "smith" in STORED.neighbours("smtih")
    assert "jones" in STORED.neighbours("jnoes")
    assert "jones" in STORED.neighbours("jone")


def test_two_edits_and_the_token_itself_are_not_neighbours() -> None:
    assert "smote" not in STORED.neighbours("smith")
    assert "smithson" not in STORED.neighbours("smith")
    assert "smith" not in STORED.neighbours("smith")
    assert STORED.neighbours("zzzz") == []


def test_duplicates_count_once_and_neighbours_are_capped() -> None:
    assert NameVocabulary(["amy", "amy"]).size == 1
    crowded = NameVocabulary(f"ab{chr(c)}{chr(d)}" for c in range(97, 123) for d in range(97, 123))
    assert len(crowded.neighbours("abcd")) == MAX_NEIGHBOURS


def test_tokens_added_later_are_found_and_counted_once() -> None:
    vocabulary = NameVocabulary(["jones"])
    vocabulary.add(["jonas", "jones"])
    assert vocabulary.size == 2
    assert vocabulary.neighbours("jona") == ["jonas"]


def test_tokens_too_long_for_a_name_are_held_but_neither_indexed_nor_expanded() -> None:
    """Indexing or looking up a token of n letters costs n²: a pasted blob must stay cheap."""
    long = "a" * (MAX_TOKEN_LENGTH + 1)
    vocabulary = NameVocabulary([long, "smith"])
    assert vocabulary.size == 2
    assert vocabulary.neighbours(long[:-1]) == []
    assert vocabulary.neighbours("b" * 200_000) == []
