"""What a chunk of clean rows changes in the graph, worked out against what is stored.

Rows that share ``source_person_id`` fold into one source record: their names become its
name variants, their dates of birth and NHS numbers its sets, their addresses its address
history. Values already stored are kept (a delta adds aliases and history, never forgets
them), so a row already loaded changes nothing and is not written again.

Folding also works out every record's and involvement's properties as if the graph held
nothing yet; ``plan`` redoes that only for the ids the graph already holds. Folding runs on
the parsing thread and planning inside the chunk's transaction, whose thread is the load's
critical path. Dates are ISO strings here, as they travel to Neo4j (the driver's own date
conversion cost 7 of the 44 s of Python CPU that the 400k-row partnership load took).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from matching.normalise import clean_name

from app.ingest.rows import CleanRow

RECORD_LISTS = ("name_variants", "dobs", "nhs_numbers")
Span = tuple[str | None, str | None]  # first and last seen, as ISO dates
# A record-address link's dates per involvement id: a caller from another agency must not
# get the dates of an involvement whose type is sensitive (as the involvement's type is when
# read, since a later row may change it).
InvolvementSpans = dict[str, Span]


@dataclass(frozen=True)
class StoredLink:
    span: Span  # every date the link was seen on, history included
    by_involvement: InvolvementSpans


def record_id(agency: str, source_person_id: str) -> str:
    return f"{agency}:{source_person_id}"


def name_variant(row: CleanRow) -> str:
    """A name as recorded, fields joined by '|' so aliases stay distinguishable."""
    return "|".join((row.given_name, row.middle_names, row.family_name))


def names_text(variants: Iterable[str]) -> str:
    """Every cleaned name token of a record, for the full-text search index."""
    tokens: dict[str, None] = {}
    for variant in variants:
        tokens.update(dict.fromkeys(clean_name(variant.replace("|", " ")).split()))
    return " ".join(tokens)


@dataclass
class RecordDraft:
    id: str
    agency: str
    source_person_id: str
    name_variants: set[str] = field(default_factory=set)
    dobs: set[date] = field(default_factory=set)
    nhs_numbers: set[str] = field(default_factory=set)
    sex: str | None = None
    as_new: dict[str, Any] = field(default_factory=dict)  # the properties to write if nothing is stored


@dataclass
class ChunkDraft:
    """A chunk of rows folded per record, involvement, address and record–address link."""

    records: dict[str, RecordDraft] = field(default_factory=dict)
    involvements: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> properties to write
    involvements_unsaid: dict[str, frozenset[str]] = field(default_factory=dict)  # id -> properties to keep
    addresses: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[tuple[str, str], InvolvementSpans] = field(default_factory=dict)


def _span(*days: str | None) -> Span:
    """The first and last of ISO dates (which sort as the dates do)."""
    known = [d for d in days if d is not None]
    return (min(known), max(known)) if known else (None, None)


def _widen(spans: InvolvementSpans, involvement_id: str, seen: Span) -> None:
    """Add dates to an involvement's span; one seen without dates gets no span."""
    if seen[0] is None:
        return
    before = spans.get(involvement_id)
    spans[involvement_id] = _span(*seen, *before) if before else seen


def fold(agency: str, rows: Iterable[CleanRow]) -> ChunkDraft:
    draft = ChunkDraft()
    for row in rows:
        rid = record_id(agency, row.source_person_id)
        record = draft.records.get(rid)
        if record is None:
            record = draft.records[rid] = RecordDraft(rid, agency, row.source_person_id)
        record.name_variants.add(name_variant(row))
        if row.date_of_birth:
            record.dobs.add(row.date_of_birth)
        if row.nhs_number:
            record.nhs_numbers.add(row.nhs_number)
        if row.sex:
            record.sex = row.sex
        involvement = row.involvement
        iid = f"{agency}:{involvement['source_id']}"
        props = {**involvement, "id": iid, "agency": agency, "record_id": rid,
                 "start": _iso(involvement["start"]), "last_contact": _iso(involvement["last_contact"])}
        unsaid = row.involvement_unsaid
        if earlier := draft.involvements.get(iid):  # a later row of the file keeps what it does not say
            props.update({k: earlier[k] for k in unsaid})
            unsaid = unsaid & draft.involvements_unsaid[iid]
        draft.involvements[iid], draft.involvements_unsaid[iid] = props, unsaid
        if row.address:
            address_id = str(row.address["id"])
            draft.addresses.setdefault(address_id, row.address)
            spans = draft.links.setdefault((rid, address_id), {})
            _widen(spans, iid, _span(_iso(involvement["start"]), _iso(involvement["last_contact"])))
    for record in draft.records.values():
        record.as_new = _record_props(record, None)
    return draft


@dataclass
class ChunkWrites:
    """Exactly what to write for one chunk; empty lists mean the chunk changes nothing."""

    new_records: list[dict[str, Any]] = field(default_factory=list)
    changed_records: list[dict[str, Any]] = field(default_factory=list)
    new_involvements: list[dict[str, Any]] = field(default_factory=list)
    changed_involvements: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())

    def name_tokens(self) -> set[str]:
        """Every name token of the records written: search's vocabulary must hold them."""
        return {token for record in (*self.new_records, *self.changed_records) for token in record["names_text"].split()}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _record_props(draft: RecordDraft, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The record's properties: the draft's values with any stored ones (dates as ISO strings)."""
    stored = stored or {}
    variants = sorted(draft.name_variants | set(stored.get("name_variants") or ()))
    dobs = sorted({d.isoformat() for d in draft.dobs} | set(stored.get("dobs") or ()))
    nhs_numbers = sorted(draft.nhs_numbers | set(stored.get("nhs_numbers") or ()))
    return {
        "id": draft.id,
        "agency": draft.agency,
        "source_person_id": draft.source_person_id,
        "name_variants": variants,
        "names_text": names_text(variants),
        "dobs": dobs,
        "dob_text": " ".join(dobs),
        "nhs_numbers": nhs_numbers,
        "nhs_text": " ".join(nhs_numbers),
        "sex": draft.sex or stored.get("sex"),
    }


INVOLVEMENT_FIELDS = (
    "involvement_type", "start", "last_contact", "status",
    "lead_name", "lead_role", "lead_team", "lead_phone", "lead_email",
)


def plan(
    draft: ChunkDraft,
    stored_records: dict[str, dict[str, Any]],
    stored_involvements: dict[str, dict[str, Any]],
    stored_links: dict[tuple[str, str], StoredLink],
) -> ChunkWrites:
    """Compare a folded chunk with the stored graph (dates as ISO strings) and keep only
    real changes. The draft is left as it was, so a retried transaction can plan again."""
    writes = ChunkWrites()
    for rid, record in draft.records.items():
        stored = stored_records.get(rid)
        if stored is None:
            writes.new_records.append(record.as_new)
            continue
        props = _record_props(record, stored)
        # names_text too: the same names clean to other tokens when the cleaner has learnt more.
        if stored.get("retired") or any(props[k] != stored.get(k) for k in (*RECORD_LISTS, "names_text", "sex")):
            writes.changed_records.append(props)
    for iid, props in draft.involvements.items():
        stored = stored_involvements.get(iid)
        if stored is None:
            writes.new_involvements.append(props)
            continue
        props = {**props, **{k: stored.get(k) for k in draft.involvements_unsaid.get(iid, ())}}
        if stored.get("retired") or any(props[k] != stored.get(k) for k in (*INVOLVEMENT_FIELDS, "record_id")):
            writes.changed_involvements.append(props)
    for (rid, address_id), spans in draft.links.items():
        before = stored_links.get((rid, address_id))
        merged = dict(before.by_involvement) if before else {}
        for involvement_id, seen in spans.items():
            _widen(merged, involvement_id, seen)
        span = _span(*(before.span if before else ()), *(day for seen in merged.values() for day in seen))
        if before is None or (span, merged) != (before.span, before.by_involvement):
            ids = sorted(merged)
            writes.links.append({"record_id": rid, "address_id": address_id, "first_seen": span[0], "last_seen": span[1],
                                 "span_involvements": ids, "span_first": [merged[i][0] for i in ids],
                                 "span_last": [merged[i][1] for i in ids]})
    linked = {link["address_id"] for link in writes.links}
    writes.addresses = [address for address_id, address in draft.addresses.items() if address_id in linked]
    return writes
