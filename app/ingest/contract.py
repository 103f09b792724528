"""The partner extract contract (``shared/spec/partner-extract.md``, v1) as data.

Column names, which are required, and how a header row maps onto them. Every other
ingest module takes its column knowledge from here.
"""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS: tuple[str, ...] = (
    "source_person_id",
    "involvement_id",
    "given_name",
    "family_name",
    "middle_names",
    "date_of_birth",
    "sex",
    "nhs_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "uprn",
    "involvement_type",
    "involvement_start",
    "last_contact",
    "status",
    "lead_name",
    "lead_role",
    "lead_team",
    "lead_phone",
    "lead_email",
)
KNOWN = frozenset(COLUMNS)
ID_COLUMN = "source_person_id"
MODES = ("delta", "snapshot")


class ExtractRefused(ValueError):
    """The file is refused as a whole (it breaks the contract, or the graph is not at this
    MAST's schema version); nothing from it is written."""


@dataclass(frozen=True)
class Header:
    """A file's header mapped onto the contract: position of each known column, the 1-based
    numbers of columns with a blank name, and the known columns named again (the first is
    kept): all ignored, so warned about like unknown ones."""

    positions: dict[str, int]
    width: int
    unknown: tuple[str, ...]
    unnamed: tuple[int, ...] = ()
    duplicates: tuple[str, ...] = ()


def canonical_column(name: str) -> str:
    """Header names are case-insensitive and surrounding spaces are ignored."""
    return name.strip().lower()


def _printable(name: str) -> str:
    """A name as warnings give it: what cannot be printed (a line break, a NUL, a lone surrogate
    from a JSON escape) as its escape, so a sender's name cannot forge a line of the output."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)


def read_header(names: list[str]) -> Header:
    """The header mapped onto the contract; refused unless it names ``source_person_id``."""
    header = map_columns(names)
    if not header.positions:
        raise ExtractRefused("the file has no header row naming the contract's columns")
    if ID_COLUMN not in header.positions:
        raise ExtractRefused(f"the header has no '{ID_COLUMN}' column")
    return header


def map_columns(names: list[str]) -> Header:
    """Names mapped onto the contract, refusing nothing (a JSON object's keys are mapped so
    too). A name given twice is not a reason to refuse a file: the first column is kept."""
    positions: dict[str, int] = {}
    unknown: dict[str, None] = {}
    unnamed: list[int] = []
    duplicates: dict[str, None] = {}
    for index, raw in enumerate(names):
        name = canonical_column(raw)
        if name in positions:
            duplicates[name] = None
        elif name in KNOWN:
            positions[name] = index
        elif name:
            unknown[_printable(name)] = None
        else:
            unnamed.append(index + 1)
    return Header(positions=positions, width=len(names), unknown=tuple(unknown), unnamed=tuple(unnamed),
                  duplicates=tuple(duplicates))
