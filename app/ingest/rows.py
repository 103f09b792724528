"""One row of an extract checked against the contract and normalised.

A row without its id or without any name is rejected whole; a bad value in an optional
field is dropped from the row with a warning and the row still lands. Reasons never
quote the value, since it is personal data.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date

from matching import normalise as norm

from app.ingest.extract import SourceRow


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    reason: str


@dataclass
class CleanRow:
    """A row that lands: the person's identity fields, one address and one involvement."""

    line: int
    source_person_id: str
    given_name: str
    middle_names: str
    family_name: str
    date_of_birth: date | None
    sex: str | None
    nhs_number: str | None
    address: dict[str, object] | None
    involvement: dict[str, object]
    dropped: list[Problem] = field(default_factory=list)
    # Involvement properties this row does not say: its file has no such column, or the value
    # was dropped. An upsert keeps what is stored for them (bad input loses nothing).
    involvement_unsaid: frozenset[str] = frozenset()


# Neo4j cannot index a string of 8,167 bytes or more ("Property value is too large to
# index", measured on Neo4j 5), and one such value fails its whole chunk. So every value
# that reaches an index is bounded, far above any real value and far below that limit:
# a name cleans to at most 5 ASCII characters per character ("㎯" is "rads2"), so a name
# token is at most 1,500 bytes; ids go into indexed record and involvement ids (and into
# review decisions' two-id index) at 4 bytes a character at most; a postcode that is not a
# UK one is stored as sent, in an indexed property.
NAME_MAX = 300
ID_MAX = 200
POSTCODE_MAX = 100

# The contract's involvement columns, by the involvement property each fills.
INVOLVEMENT_COLUMNS = {
    "involvement_type": "involvement_type", "start": "involvement_start", "last_contact": "last_contact",
    "status": "status", "lead_name": "lead_name", "lead_role": "lead_role", "lead_team": "lead_team",
    "lead_phone": "lead_phone", "lead_email": "lead_email",
}


def _text(fields: dict[str, str], name: str) -> str:
    return " ".join(fields.get(name, "").split())


def _bounded(row: SourceRow, dropped: list[Problem], name: str, limit: int, what: str) -> str:
    """A text field, or nothing with a warning when it is too long to be what it stands for."""
    value = _text(row.fields, name)
    if len(value) > limit:
        dropped.append(Problem(row.line, name, f"longer than {limit} characters: too long to be {what}"))
        return ""
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _unicode_only(row: SourceRow, dropped: list[Problem]) -> SourceRow:
    """The row without values that are not valid Unicode (a lone surrogate, as a JSON
    "\\ud800" escape gives): the Neo4j driver cannot send one, and it would fail the chunk."""
    bad = sorted(name for name, value in row.fields.items() if not value.isascii() and _SURROGATE.search(value))
    dropped.extend(Problem(row.line, name, "not valid Unicode text") for name in bad)
    return replace(row, fields={k: v for k, v in row.fields.items() if k not in bad}) if bad else row


def _checked(row: SourceRow, dropped: list[Problem], name: str, parse):  # type: ignore[no-untyped-def]
    """Parse one optional field; a bad value is dropped with its reason."""
    try:
        return parse(row.fields.get(name))
    except norm.InvalidValue as error:
        dropped.append(Problem(row.line, name, str(error)))
        return None


def _status(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    if not value:
        return None
    if value not in ("open", "closed"):
        raise norm.InvalidValue("status must be 'open' or 'closed'")
    return value


def derived_involvement_id(source_person_id: str, involvement_type: str, start: date | None) -> str:
    """The contract's identity for an involvement sent without an id (never the row position)."""
    basis = "\x1f".join((source_person_id, involvement_type, start.isoformat() if start else ""))
    return "derived-" + hashlib.sha256(basis.encode()).hexdigest()[:20]


def _address(row: SourceRow, dropped: list[Problem]) -> dict[str, object] | None:
    line_1, line_2, town = (_text(row.fields, n) for n in ("address_line_1", "address_line_2", "town"))
    raw_postcode = _bounded(row, dropped, "postcode", POSTCODE_MAX, "a postcode")
    uprn = _checked(row, dropped, "uprn", norm.normalise_uprn)
    postcode: norm.Postcode | None = None
    flagged = False
    if raw_postcode:
        try:
            postcode = norm.normalise_postcode(raw_postcode)
        except norm.InvalidValue:
            flagged = True
            dropped.append(Problem(row.line, "postcode", "not a UK postcode: kept as address text and flagged"))
    if not (line_1 or line_2 or town or raw_postcode or uprn):
        return None
    parts = norm.normalise_address(line_1, line_2, town, postcode, uprn)
    key = f"uprn:{uprn}" if uprn else "addr:" + parts.key + (f"|{raw_postcode.lower()}" if flagged else "")
    return {
        "id": hashlib.sha256(key.encode()).hexdigest()[:24],
        "line_1": line_1,
        "line_2": line_2,
        "town": town,
        "postcode": postcode.full if postcode else raw_postcode,
        "postcode_flagged": flagged,
        "outward": postcode.outward if postcode else "",
        "sector": postcode.sector if postcode else "",
        "uprn": uprn or "",
        "flat": parts.flat,
        "number": parts.number,
        "building": parts.building,
        "street": parts.street,
        "town_key": parts.town,
    }


def clean(row: SourceRow) -> CleanRow | Problem:
    """Validate and normalise one row: a CleanRow that lands, or the Problem that rejects it."""
    if row.problem:
        return Problem(row.line, "", row.problem)
    dropped = [Problem(row.line, name, reason) for name, reason in row.not_text.items()]
    row = _unicode_only(row, dropped)
    source_person_id = _text(row.fields, "source_person_id")
    for problem in dropped:
        if problem.field == "source_person_id":
            return Problem(row.line, "source_person_id", problem.reason)
    if not source_person_id:
        return Problem(row.line, "source_person_id", "missing source_person_id")
    if len(source_person_id) > ID_MAX:
        return Problem(row.line, "source_person_id", f"longer than {ID_MAX} characters: too long to be an identifier")
    given, family = (_bounded(row, dropped, n, NAME_MAX, "a name") for n in ("given_name", "family_name"))
    # Only a truly empty name rejects: a name in another script cleans to nothing but is
    # still the name as recorded, and lands (matching just has no name tokens for it).
    if not (given or family):
        for problem in dropped:
            if problem.field in ("given_name", "family_name"):
                return Problem(row.line, problem.field, f"{problem.reason}, and no other name is given")
        return Problem(row.line, "given_name", "neither given_name nor family_name is given")
    start = _checked(row, dropped, "involvement_start", norm.parse_date)
    involvement_type = _text(row.fields, "involvement_type")
    involvement = {
        "source_id": _bounded(row, dropped, "involvement_id", ID_MAX, "an identifier")
        or derived_involvement_id(source_person_id, involvement_type, start),
        "involvement_type": involvement_type,
        "start": start,
        "last_contact": _checked(row, dropped, "last_contact", norm.parse_date),
        "status": _checked(row, dropped, "status", _status),
        **{name: _text(row.fields, name) for name in ("lead_name", "lead_role", "lead_team", "lead_phone", "lead_email")},
    }
    return CleanRow(
        line=row.line,
        source_person_id=source_person_id,
        given_name=given,
        middle_names=_bounded(row, dropped, "middle_names", NAME_MAX, "a name"),
        family_name=family,
        date_of_birth=_checked(row, dropped, "date_of_birth", norm.parse_date),
        sex=_checked(row, dropped, "sex", norm.normalise_sex),
        nhs_number=_checked(row, dropped, "nhs_number", norm.normalise_nhs_number),
        address=_address(row, dropped),
        involvement=involvement,
        dropped=dropped,
        involvement_unsaid=_unsaid(row, dropped),
    )


_PROPERTY_OF = {column: prop for prop, column in INVOLVEMENT_COLUMNS.items()}


def _unsaid(row: SourceRow, dropped: list[Problem]) -> frozenset[str]:
    """Set operations only: this runs for every row of a load, and nearly always finds nothing."""
    columns = _PROPERTY_OF.keys() - row.fields.keys()
    if dropped:
        columns |= _PROPERTY_OF.keys() & {problem.field for problem in dropped}
    return frozenset(_PROPERTY_OF[column] for column in columns)
