"""Resolution in the graph at scale: an incremental run after a daily-sized delta, and
optionally a full run, against the Neo4j that MAST's settings point at.

Usage (the graph already holds the partnership, loaded and resolved once):
    .venv/bin/python benchmarks/resolve_incremental.py --data DIR [--rows 5000] [--full]

DIR is the `mast seed` folder the graph was loaded from. The delta is written by this
script: half its rows are existing records of one agency with a newer last contact, half
are people another agency already holds, arriving under new ids (each must be blocked and
scored against the whole graph). It is ingested with the real pipeline, then `resolve`
runs incrementally and the time of each stage is printed. Run it once per graph: a second
run finds its delta already loaded.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import Graph  # noqa: E402
from app.ingest.pipeline import ingest_file  # noqa: E402
from app.resolution.run import resolve  # noqa: E402
from app.settings import get_settings  # noqa: E402

CHANGED_FROM, NEW_FROM, DELTA_AGENCY = "POLICE", "NHS", "POLICE"


def _rows(path: Path, count: int) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for _, row in zip(range(count), csv.DictReader(handle))]


def write_delta(data: Path, rows: int, out: Path) -> Path:
    """Changed rows of DELTA_AGENCY plus another agency's people under new DELTA_AGENCY ids."""
    changed = _rows(data / f"{CHANGED_FROM}.csv", rows // 2)
    for row in changed:
        row["last_contact"] = date.today().strftime("%d/%m/%Y")
    arriving = _rows(data / f"{NEW_FROM}.csv", rows - len(changed))
    for row in arriving:
        row["source_person_id"] = f"DELTA-{row['source_person_id']}"
        row["involvement_id"] = f"DELTA-{row['involvement_id']}"
    path = out / f"{DELTA_AGENCY}-delta.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(changed[0]))
        writer.writeheader()
        writer.writerows(changed + arriving)
    return path


def report(label: str, seconds: float, summary: object) -> None:
    stats = getattr(summary, "stats", {})
    print(f"{label}: {seconds:.1f} s; records {getattr(summary, 'records', '?')}, "
          f"queued {getattr(summary, 'pending', '?')}; " + ", ".join(f"{k} {v}" for k, v in stats.items()))


def main(args: argparse.Namespace) -> None:
    settings = get_settings()
    with Graph(settings) as graph, tempfile.TemporaryDirectory() as scratch:
        if args.full:
            started = time.perf_counter()
            summary = resolve(graph, full=True)
            report("full resolution", time.perf_counter() - started, summary)
        delta = write_delta(args.data, args.rows, Path(scratch))
        started = time.perf_counter()
        ingested = ingest_file(graph, settings.state_dir, DELTA_AGENCY, delta)
        print(f"delta ingest: {ingested.rows_landed} rows landed in {time.perf_counter() - started:.1f} s "
              f"({ingested.records_created} records created, {ingested.records_updated} updated)")
        started = time.perf_counter()
        summary = resolve(graph)
        report("incremental resolution", time.perf_counter() - started, summary)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the `mast seed` folder the graph holds")
    parser.add_argument("--rows", type=int, default=5000, help="rows in the delta")
    parser.add_argument("--full", action="store_true", help="time a full resolution first")
    main(parser.parse_args())
