"""Resolution in the graph at scale: an incremental run after a daily-sized delta, and
optionally a full run, against the Neo4j that MAST's settings point at.

Usage (the graph already holds the partnership, loaded and resolved once):
    .venv/bin/python benchmarks/resolve_incremental.py --data DIR [--rows 5000] [--full]

DIR is the `mast seed` folder the graph was loaded from. The delta is written by this
script: half its rows are existing records of one agency with a newer last contact, half
are people another agency already holds, arriving under new ids (each must be blocked and
scored against the whole graph). It is ingested with the real pipeline, then `resolve`
runs incrementally and the time of each stage is printed. A delta is loaded once: to run
again on the same graph, give the next ``--run``, which takes the next rows of both files
and new ids.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import Graph  # noqa: E402
from app.ingest.pipeline import ingest_file  # noqa: E402
from app.resolution.run import resolve  # noqa: E402
from app.settings import get_settings  # noqa: E402

CHANGED_FROM, NEW_FROM, DELTA_AGENCY = "POLICE", "NHS", "POLICE"


def _rows(path: Path, count: int, skip: int) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(islice(csv.DictReader(handle), skip, skip + count))


def write_delta(data: Path, rows: int, run: int, out: Path) -> Path:
    """Changed rows of DELTA_AGENCY plus another agency's people under new DELTA_AGENCY ids;
    run N takes the Nth slice of each file."""
    half = rows // 2
    changed = _rows(data / f"{CHANGED_FROM}.csv", half, (run - 1) * half)
    for row in changed:
        row["last_contact"] = date.today().strftime("%d/%m/%Y")
    arriving = _rows(data / f"{NEW_FROM}.csv", rows - half, (run - 1) * (rows - half))
    prefix = "DELTA" if run == 1 else f"DELTA{run}"  # run 1 keeps the ids of earlier versions of this script
    for row in arriving:
        row["source_person_id"] = f"{prefix}-{row['source_person_id']}"
        row["involvement_id"] = f"{prefix}-{row['involvement_id']}"
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
        delta = write_delta(args.data, args.rows, args.run, Path(scratch))
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
    parser.add_argument("--run", type=int, default=1, help="which delta: the Nth slice of the files (default 1)")
    parser.add_argument("--full", action="store_true", help="time a full resolution first")
    main(parser.parse_args())
