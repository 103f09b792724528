"""Does searchPeople find the person however the caller spells them? Recall at the first
page, on a resolved synthetic partnership, against the Neo4j that MAST's settings point at.

Usage (the graph already holds the partnership, loaded and resolved):
    .venv/bin/python benchmarks/search_recall.py --data DIR [--sample 400] [--first 10]

DIR is the `mast seed` folder the graph was loaded from; its truth.csv says which true
person each record is. Sampled extract rows become searches as a practitioner might type
them: the name as given, the surname with one letter wrong, that typo with the date of
birth, and the name with day and month of birth swapped. A search counts as found when a
Person on its first page holds a record of the same true person. It calls the search
service directly (no HTTP, no audit), so it measures ranking, not latency.

The other way round, the agency misspelt the name and the caller spells it right: rows whose
surname is rare (at most MISSPELT_AT_MOST rows) and one edit from a common one (at least
COMMON_AT_LEAST rows) are searched for by that common spelling, with and without the date
of birth. They are sampled on their own: 3,318 of the 397,873 named rows in the partnership
of `mast seed --people 900000 --seed 42` are such rows.

Name-only searches are often ambiguous in a population this size: a name more than `first`
true people share cannot have them all on one page, and which of them show is arbitrary.
So name-only searches are counted only for the sampled rows whose name is shared by at most
`first` true people. Only counts are printed, never a name or date.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import Graph  # noqa: E402
from app.resolution.links import read_links  # noqa: E402
from app.search import InvalidSearch, build_query, search_people  # noqa: E402
from app.settings import get_settings  # noqa: E402
from matching.normalise import InvalidValue, clean_name, parse_date  # noqa: E402
from matching.vocabulary import NameVocabulary  # noqa: E402

AGENCY_FILES = ("ASC", "CSC", "FIRE", "NHS", "POLICE")
MISSPELT_AT_MOST = 3
COMMON_AT_LEAST = 100


def _typo(word: str, rng: random.Random) -> str:
    """One inner letter replaced: the slip a search box sees most."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + rng.choice("aeiourstln".replace(word[i], "")) + word[i + 1:]


def _dob(raw: str) -> date | None:
    """The row's date of birth as ingestion reads it (extracts use several forms)."""
    try:
        return parse_date(raw) if raw else None
    except InvalidValue:
        return None


def _swapped(day: date) -> str | None:
    return date(day.year, day.day, day.month).isoformat() if day.day != day.month and day.day <= 12 else None


def searches(rows: list[dict[str, str]], unambiguous: set[str], rng: random.Random) -> list[tuple[str, str, str, str | None]]:
    """(kind, true id, name, date of birth) for each sampled row; name-only searches only
    for rows whose ``source_person_id`` is in ``unambiguous``."""
    out: list[tuple[str, str, str, str | None]] = []
    for row in rows:
        given, family, dob = row["given_name"], row["family_name"], _dob(row["date_of_birth"])
        typo = f"{given} {_typo(family, rng)}"
        if row["source_person_id"] in unambiguous:
            out += [("name as given", row["true_id"], f"{given} {family}", None),
                    ("surname typo", row["true_id"], typo, None)]
        if dob:
            out.append(("surname typo + date of birth", row["true_id"], typo, dob.isoformat()))
            if swapped := _swapped(dob):
                out.append(("name + day/month swapped", row["true_id"], f"{given} {family}", swapped))
    return out


def misspelt_searches(rows: list[dict[str, str]], people_named: dict[tuple[str, str], set[str]], first: int,
                      sample: int, rng: random.Random) -> list[tuple[str, str, str, str | None]]:
    """(kind, true id, name, date of birth) searching rows with a misspelt surname by the
    common spelling one edit away; name-only only where at most ``first`` true people
    have that name."""
    surnames = Counter(clean_name(row["family_name"]) for row in rows)
    vocabulary = NameVocabulary(s for s in surnames if " " not in s)
    misspelt: list[tuple[dict[str, str], str]] = []
    for row in rows:
        surname = clean_name(row["family_name"])
        if " " in surname or len(surname) < 4 or surnames[surname] > MISSPELT_AT_MOST:
            continue
        common = [s for s in vocabulary.neighbours(surname) if surnames[s] >= COMMON_AT_LEAST]
        if common:
            misspelt.append((row, max(common, key=lambda s: (surnames[s], s))))
    out: list[tuple[str, str, str, str | None]] = []
    for row, spelling in rng.sample(misspelt, min(sample, len(misspelt))):
        name, dob = f"{row['given_name']} {spelling}", _dob(row["date_of_birth"])
        if len(people_named[(row["given_name"].lower(), spelling)] | {row["true_id"]}) <= first:
            out.append(("misspelt record, name spelt right", row["true_id"], name, None))
        if dob:
            out.append(("misspelt record, name spelt right + date of birth", row["true_id"], name, dob.isoformat()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the `mast seed` folder the graph holds")
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--first", type=int, default=10)
    args = parser.parse_args()
    truth = {(r["source"], r["source_person_id"]): r["true_id"] for r in csv.DictReader((args.data / "truth.csv").open())}
    rows: list[dict[str, str]] = []
    people_named: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for agency in AGENCY_FILES:
        for row in csv.DictReader((args.data / f"{agency}.csv").open(newline="", encoding="utf-8")):
            row["true_id"] = truth[(agency, row["source_person_id"])]
            people_named[(row["given_name"].lower(), row["family_name"].lower())].add(row["true_id"])
            if row["given_name"] and row["family_name"]:
                rows.append(row)
    rng = random.Random(11)
    sample = rng.sample(rows, args.sample)
    unambiguous = {r["source_person_id"] for r in sample
                   if len(people_named[(r["given_name"].lower(), r["family_name"].lower())]) <= args.first}

    found: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    with Graph(get_settings()) as graph:
        # Which true people each Person holds, from the resolved links (one statement).
        true_ids: defaultdict[str, set[str]] = defaultdict(set)
        for source, source_person_id, person_id in read_links(graph):
            true_ids[person_id].add(truth.get((source, source_person_id), ""))
        for kind, true_id, name, dob in (searches(sample, unambiguous, rng)
                                         + misspelt_searches(rows, people_named, args.first, args.sample, rng)):
            try:
                query = build_query(name, dob, None, None)
            except InvalidSearch:
                continue
            asked[kind] += 1
            page = search_people(graph, query, args.first, pseudonymous=False).ranked
            found[kind] += any(true_id in true_ids[hit.person_id] for hit in page)
    print(f"{args.sample} sampled rows; {args.sample - len(unambiguous)} of their names are shared by more than "
          f"{args.first} true people, so searched for only with a date of birth")
    width = max(map(len, asked))
    for kind in asked:
        print(f"{kind:{width}} found on the first page {found[kind]:4d} / {asked[kind]:4d} ({found[kind] / asked[kind]:.1%})")


if __name__ == "__main__":
    main()
