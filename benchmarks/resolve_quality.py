"""Match quality and speed of MAST's resolver, with Splink on the same data when installed.

Usage: .venv/bin/python benchmarks/resolve_quality.py [--people N] [--seed S] [--data DIR]

Generates the synthetic partnership (or reads DIR from `mast seed`), resolves it with the
pure matching engine (no database: the graph path adds I/O, measured by `mast resolve`),
and prints pairwise and B-cubed scores against the truth and the time of each stage.
With `pip install -e '.[bench]'`, Splink runs a textbook model on the same records.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.resolution.offline import records_from_folder  # noqa: E402
from matching.pipeline import resolve_records  # noqa: E402
from matching.records import MatchRecord  # noqa: E402
from seeds.generator import generate  # noqa: E402
from linkage import as_links, report, report_blocking, report_guard_ceiling  # noqa: E402
from linkage import splink_links as splink_textbook  # noqa: E402


def truth_of(folder: Path) -> dict[tuple[str, str], str]:
    with (folder / "truth.csv").open(newline="") as handle:
        return {(r["source"], r["source_person_id"]): r["true_id"] for r in csv.DictReader(handle)}


def splink_links_for(records: list[MatchRecord]) -> dict[tuple[str, str], str] | None:
    try:
        import pandas as pd
        import splink.comparison_library as cl
        from splink import SettingsCreator, block_on
    except ImportError:
        print("splink not installed: pip install -e '.[bench]' to compare")
        return None
    rows = []
    for r in records:
        name = r.names[0] if r.names else None
        address = r.addresses[0] if r.addresses else None
        rows.append({"unique_id": r.record_id, "given": name.given if name else None,
                     "family": name.family if name else None,
                     "dob": r.dobs[0].isoformat() if r.dobs else None,
                     "nhs": r.nhs_numbers[0] if r.nhs_numbers else None,
                     "postcode": address.postcode if address and address.postcode else None})
    frame = pd.DataFrame(rows)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("given"), cl.NameComparison("family"),
                     cl.DateOfBirthComparison("dob", input_is_string=True), cl.ExactMatch("nhs"),
                     cl.PostcodeComparison("postcode")],
        blocking_rules_to_generate_predictions=[block_on("nhs"), block_on("dob", "family"),
                                                block_on("postcode", "family"), block_on("given", "family")],
    )
    return splink_textbook(frame, settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=900_000, help="population size (900,000: ~400,000 rows)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, help="an existing `mast seed` folder instead of generating")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or Path(tmp)
        if not args.data:
            generate(args.people, args.seed, folder)
        truth = truth_of(folder)
        started = time.perf_counter()
        records = records_from_folder(folder)
        print(f"{len(records)} source records from {sum(1 for _ in truth)} truth rows, "
              f"loaded in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        resolution = resolve_records(records)
        elapsed = time.perf_counter() - started
        print("stages: " + ", ".join(f"{k} {v}" for k, v in resolution.stats.items()))
        report_blocking(records, truth)
        report_guard_ceiling(records, truth)
        report("MAST", truth, as_links(resolution.clusters), elapsed)
        review = len(resolution.review_queue)
        print(f"MAST   review queue: {review} pairs, {1000 * review / max(1, len(records)):.1f} per 1,000 records")
        started = time.perf_counter()
        links = splink_links_for(records)
        if links is not None:
            report("Splink", truth, links, time.perf_counter() - started)


if __name__ == "__main__":
    main()
