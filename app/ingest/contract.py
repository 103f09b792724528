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
    """A file's header mapped onto the contract: position of each known column, and the
    1-based numbers of columns with a blank name (ignored, so warned about like unknown ones)."""

    positions: dict[str, int]
    width: int
    unknown: tuple[str, ...]
    unnamed: tuple[int, ...] = ()


def canonical_column(name: str) -> str:
    """Header names are case-insensitive and surrounding spaces are ignored."""
    return name.strip().lower()


def read_header(names: list[str]) -> Header:
    positions: dict[str, int] = {}
    unknown: list[str] = []
    unnamed: list[int] = []
    for index, raw in enumerate(names):
        name = canonical_column(raw)
        if name in positions:
            raise ExtractRefused(f"the header names column '{name}' twice")
        if name in KNOWN:
            positions[name] = index
        elif name:
            # Named in warnings: a lone surrogate (a JSON key's escape) is kept as its escape,
            # since it cannot be printed or logged.
            unknown.append(name.encode("utf-8", "backslashreplace").decode("utf-8"))
        else:
            unnamed.append(index + 1)
    if not positions:
        raise ExtractRefused("the file has no header row naming the contract's columns")
    if ID_COLUMN not in positions:
        raise ExtractRefused(f"the header has no '{ID_COLUMN}' column")
    return Header(positions=positions, width=len(names), unknown=tuple(unknown), unnamed=tuple(unnamed))
