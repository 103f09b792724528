"""Match records straight from extract files, through ingestion's own validation.

For benchmarks and quality checks that need the matcher without a database; the graph
path (``store.load_records``) builds the same values from SourceRecords.
"""

from __future__ import annotations

from pathlib import Path

from app.ingest.changes import fold
from app.ingest.extract import inspect, rows
from app.ingest.rows import CleanRow, clean
from matching.normalise import clean_name
from matching.records import MatchRecord, NameVariant, RecordAddress


def records_from_extract(agency: str, path: Path) -> list[MatchRecord]:
    clean_rows = [r for r in map(clean, rows(inspect(path))) if isinstance(r, CleanRow)]
    draft = fold(agency, clean_rows)
    addresses: dict[str, list[RecordAddress]] = {}
    for (record_id, address_id) in draft.links:
        a = draft.addresses[address_id]
        addresses.setdefault(record_id, []).append(RecordAddress(
            postcode="" if a["postcode_flagged"] else str(a["postcode"]), uprn=str(a["uprn"]), flat=str(a["flat"]),
            number=str(a["number"]), building=str(a["building"]), street=str(a["street"]), town=str(a["town_key"])))
    return [
        MatchRecord(
            record_id=record.id,
            agency=agency,
            names=tuple(NameVariant(*(clean_name(p) for p in v.split("|"))) for v in sorted(record.name_variants)),
            dobs=tuple(sorted(record.dobs)),
            sex=record.sex,
            nhs_numbers=tuple(sorted(record.nhs_numbers)),
            addresses=tuple(addresses.get(record.id, ())),
        )
        for record in draft.records.values()
    ]


def records_from_folder(folder: Path) -> list[MatchRecord]:
    """Every agency extract in a `mast seed` folder (truth.csv skipped)."""
    records: list[MatchRecord] = []
    for path in sorted(folder.glob("*.csv")):
        if path.name != "truth.csv":
            records.extend(records_from_extract(path.stem, path))
    return records
