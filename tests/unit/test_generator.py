"""The synthetic partnership: deterministic, in the contract's format, with truth for every record."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.ingest.contract import COLUMNS
from matching.normalise import InvalidValue, normalise_nhs_number, parse_date
from seeds.generator import generate

AGENCIES = ("CSC", "ASC", "POLICE", "NHS", "FIRE")


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed")
    generate(3000, 5, out)
    return out


def rows(folder: Path, agency: str) -> list[dict[str, str]]:
    with (folder / f"{agency}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_gives_byte_identical_files(partnership: Path, tmp_path: Path) -> None:
    generate(3000, 5, tmp_path)
    for name in (*AGENCIES, "truth"):
        assert (tmp_path / f"{name}.csv").read_bytes() == (partnership / f"{name}.csv").read_bytes()


def test_another_seed_gives_other_people(partnership: Path, tmp_path: Path) -> None:
    generate(3000, 6, tmp_path)
    assert (tmp_path / "NHS.csv").read_bytes() != (partnership / "NHS.csv").read_bytes()


def test_headers_follow_the_contract(partnership: Path) -> None:
    for agency in AGENCIES:
        with (partnership / f"{agency}.csv").open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == list(COLUMNS)


def test_truth_covers_every_source_person(partnership: Path) -> None:
    with (partnership / "truth.csv").open(newline="") as handle:
        truth = {(r["source"], r["source_person_id"]) for r in csv.DictReader(handle)}
    sent = {(a, r["source_person_id"]) for a in AGENCIES for r in rows(partnership, a)}
    assert truth == sent


def test_figures_resemble_the_real_partnership(partnership: Path) -> None:
    figures = {f.code: f for f in generate(3000, 5, partnership)}
    assert 0.35 < figures["CSC"].known_elsewhere < 0.65
    assert 0.5 < figures["ASC"].known_elsewhere < 0.8


def _invalid(parse, value: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        parse(value)
    except InvalidValue:
        return True
    return False


def test_the_errors_that_make_matching_hard_are_present(partnership: Path) -> None:
    police, fire, nhs = rows(partnership, "POLICE"), rows(partnership, "FIRE"), rows(partnership, "NHS")
    by_id: dict[str, set[str]] = {}
    for row in police:
        by_id.setdefault(row["source_person_id"], set()).add(row["given_name"] + " " + row["family_name"])
    assert any(len(names) > 1 for names in by_id.values()), "police aliases"
    assert sum(1 for r in fire if not r["date_of_birth"]) > len(fire) / 2, "fire service rarely holds a DOB"
    assert any(len(r["given_name"]) == 1 for r in fire), "initials only"
    assert any(r["uprn"] for r in fire)
    assert sum(1 for r in nhs if r["nhs_number"]) > 0.9 * len(nhs)
    everything = [r for a in AGENCIES for r in rows(partnership, a)]
    assert any(r["nhs_number"] and _invalid(normalise_nhs_number, r["nhs_number"]) for r in everything)
    assert any(parse_date(r["date_of_birth"]) is not None and parse_date(r["date_of_birth"]).year == 1900
               for r in everything if r["date_of_birth"])
    assert any(r["postcode"] and " " not in r["postcode"] for r in everything)
    assert any(" Rd" in r["address_line_1"] for r in everything)
    assert any("/" in r["address_line_1"] or r["address_line_2"].startswith("Flat") for r in everything)
    assert any("-" in r["family_name"] for r in everything), "double-barrelled surnames"
