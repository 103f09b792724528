"""``mast seed``: the synthetic partnership as partner extracts plus the ground truth.

Writes one extract per agency in the partner extract format and ``truth.csv``
(``source,source_person_id,true_id``). A seed always gives byte-identical files.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from app.ingest.contract import COLUMNS
from seeds.agencies import AGENCIES, agency_rows
from seeds.population import build_population

# Agencies know the vulnerable households best: about 0.44 rows per person of the
# population, so 900,000 people give ~400,000 rows.
ROWS_PER_PERSON = 0.44


@dataclass(frozen=True)
class AgencyFigures:
    code: str
    rows: int
    people: int
    known_elsewhere: float


def generate(people: int, seed: int, out: Path) -> list[AgencyFigures]:
    """Write the extracts and truth to ``out``; return each agency's figures."""
    rng = random.Random(seed)
    population = build_population(rng, people)
    out.mkdir(parents=True, exist_ok=True)
    truth: list[tuple[str, str, str]] = []
    rows_by_agency: dict[str, int] = {}
    for profile in AGENCIES:
        count = 0
        with (out / f"{profile.code}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            seen: set[str] = set()
            for true_id, row in agency_rows(rng, profile, population):
                writer.writerow(row)
                count += 1
                if row["source_person_id"] not in seen:
                    seen.add(row["source_person_id"])
                    truth.append((profile.code, row["source_person_id"], true_id))
        rows_by_agency[profile.code] = count
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("source", "source_person_id", "true_id"))
        writer.writerows(truth)
    return _figures(truth, rows_by_agency)


def _figures(truth: list[tuple[str, str, str]], rows: dict[str, int]) -> list[AgencyFigures]:
    agencies_of: dict[str, set[str]] = defaultdict(set)
    for source, _, true_id in truth:
        agencies_of[true_id].add(source)
    figures = []
    for code, count in rows.items():
        mine = {t for s, _, t in truth if s == code}
        elsewhere = sum(1 for t in mine if len(agencies_of[t]) > 1)
        figures.append(AgencyFigures(code, count, len(mine), elsewhere / len(mine) if mine else 0.0))
    return figures
