"""Person and Address as the API shows them, field by field under the caller's role.

Objects hold rows already fetched for the caller's role (see ``cypher.py``); protected
fields ask the context first, so a denied field is null with an error naming it, and
nested lists load through per-request DataLoaders (one statement per level, no N+1).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Awaitable, Callable, Iterable, Optional, TypeVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from matching.normalise import is_placeholder_dob, is_placeholder_nhs_number
from resolvers.choose import age_band, age_on, display_name, preferred
from resolvers.context import RequestContext
from resolvers.loaders import address_loader, household_loader, lineage_loader, person_loader

T = TypeVar("T")


def ctx_of(info: Info) -> RequestContext:
    return info.context


@strawberry.type(description="Whom to call about an involvement.")
class LeadWorker:
    name: Optional[str]
    role: Optional[str]
    team: Optional[str]
    phone: Optional[str]
    email: Optional[str]


def lead_worker(row: dict[str, Any]) -> LeadWorker | None:
    fields = [row.get(k) for k in ("lead_name", "lead_role", "lead_team", "lead_phone", "lead_email")]
    return LeadWorker(**dict(zip(('name', 'role', 'team', 'phone', 'email'), fields))) if any(fields) else None


@strawberry.type(description="One agency's involvement. A sensitive type shows to other agencies only as 'known to <agency>'.")
class Involvement:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def agency(self) -> str:
        return self.row["agency"]

    @strawberry.field(name="type")
    def involvement_type(self) -> Optional[str]:
        return f"known to {self.row['agency']}" if self.row.get("sensitive") else self.row.get("type")

    @strawberry.field
    def sensitive(self) -> bool:
        return bool(self.row.get("sensitive"))

    @strawberry.field
    def start(self) -> Optional[date]:
        return self.row.get("start")

    @strawberry.field
    def last_contact(self) -> Optional[date]:
        return self.row.get("last_contact")

    @strawberry.field
    def status(self) -> Optional[str]:
        return self.row.get("status")

    @strawberry.field
    def lead_worker(self, info: Info) -> Optional[LeadWorker]:
        ctx_of(info).reveal("Involvement.leadWorker")
        return lead_worker(self.row)


def _latest(rows: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    dated = [(r.get("last_contact") or r.get("start") or date.min, r) for r in rows]
    return max(dated, key=lambda pair: (pair[0], pair[1]["id"]))[1] if dated else None


@strawberry.type(description="Known to this agency: when it last intervened and whom to call.")
class AgencySummary:
    agency: str
    involvement_count: int
    open_involvements: Optional[int] = strawberry.field(
        description="Null when one of the agency's involvements is sensitive and hidden from the caller: "
                    "whether it is open is not shown.")
    last_intervention: Optional[date] = strawberry.field(
        description="The latest date among the involvements whose dates the caller may see.")
    latest: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def contact(self, info: Info) -> Optional[LeadWorker]:
        ctx_of(info).reveal("AgencySummary.contact")
        return lead_worker(self.latest)


def agency_summaries(involvements: list[dict[str, Any]]) -> list[AgencySummary]:
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in involvements:
        by_agency[row["agency"]].append(row)
    result = []
    for agency in sorted(by_agency):
        rows = by_agency[agency]
        latest = _latest(rows) or {}
        last = latest.get("last_contact") or latest.get("start")
        result.append(AgencySummary(agency=agency, involvement_count=len(rows), latest=latest, last_intervention=last,
                                     open_involvements=None if any(r.get("sensitive") for r in rows)
                                     else sum(r.get("status") == "open" for r in rows)))
    return result


@strawberry.type(description="A place. Analysts see only a pseudonymous id and the outward postcode.")
class Address:
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def shown(cls, ctx: RequestContext, row: dict[str, Any]) -> "Address":
        """An address the answer includes: the audit event names it whether or not its id is selected."""
        ctx.audit.address_ids.add(row["id"])
        return cls(row=row)

    @strawberry.field
    def id(self, info: Info) -> strawberry.ID:
        return strawberry.ID(ctx_of(info).address_id(self.row["id"]))

    def _protected(self, info: Info, name: str, key: str) -> Optional[str]:
        ctx_of(info).reveal(f"Address.{name}")
        return self.row.get(key) or None

    @strawberry.field
    def line1(self, info: Info) -> Optional[str]:
        return self._protected(info, "line1", "line_1")

    @strawberry.field
    def line2(self, info: Info) -> Optional[str]:
        return self._protected(info, "line2", "line_2")

    @strawberry.field
    def town(self, info: Info) -> Optional[str]:
        return self._protected(info, "town", "town")

    @strawberry.field
    def postcode(self, info: Info) -> Optional[str]:
        return self._protected(info, "postcode", "postcode")

    @strawberry.field
    def uprn(self, info: Info) -> Optional[str]:
        return self._protected(info, "uprn", "uprn")

    @strawberry.field
    def outward(self) -> Optional[str]:
        return self.row.get("outward") or None

    @strawberry.field(description="Residents past and present, with dates.")
    async def residents(self, info: Info) -> Optional[list["Resident"]]:
        ctx = ctx_of(info)
        ctx.reveal("Address.residents")
        full = await address_loader(ctx).load(self.row["id"])
        if not full:
            return []
        members = full["residents"]
        people = await person_loader(ctx).load_many([m["person_id"] for m in members])
        return [Resident(person=Person.shown(ctx, p), first_seen=m.get("first_seen"), last_seen=m.get("last_seen"))
                for p, m in zip(people, members) if p]

    @strawberry.field(description="Involvements of the people recorded at this address, by agency.")
    async def involvements(self, info: Info) -> Optional[list["AgencyInvolvements"]]:
        ctx = ctx_of(info)
        ctx.reveal("Address.involvements")
        full = await address_loader(ctx).load(self.row["id"])
        by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in (full or {}).get("involvements", []):
            by_agency[row["agency"]].append(row)
        return [AgencyInvolvements(agency=a, involvements=[Involvement(row=r) for r in by_agency[a]]) for a in sorted(by_agency)]


@strawberry.type
class AgencyInvolvements:
    agency: str
    involvements: list[Involvement]


# The dates come from the involvements that gave the address; another agency's sensitive one
# does not date it for the caller (resolvers/cypher.py, `_SEEN`).
_WHEN = " The dates leave out those of involvements whose dates the caller may not see."


@strawberry.type(description="A person known at an address, with when." + _WHEN)
class Resident:
    person: "Person"
    first_seen: Optional[date]
    last_seen: Optional[date]


@strawberry.type(description="An address a person is known at, with when." + _WHEN)
class PersonAddress:
    address: Address
    first_seen: Optional[date]
    last_seen: Optional[date]


@strawberry.type(description="Someone else known at one of this person's addresses, with when." + _WHEN)
class HouseholdMember:
    person: "Person"
    address: Address
    first_seen: Optional[date]
    last_seen: Optional[date]


@strawberry.type(description="Lineage: one partner record this person was resolved from.")
class SourceRecordRef:
    id: strawberry.ID
    agency: str
    source_person_id: str
    retired: bool
    batches: list[str]


@strawberry.type(description="Why two of this person's records were linked: the scored pair, per field.")
class MatchEdge:
    record_a: strawberry.ID
    record_b: strawberry.ID
    probability: Optional[float]
    weight: Optional[float]
    review: bool
    explanation: Optional[JSON]


# What a person row holds when the person has gone from the graph since the page was read.
_NOTHING_KNOWN: dict[str, Any] = {"involvements": [], "addresses": []}


def _involvements(row: dict[str, Any]) -> list[Involvement]:
    return [Involvement(row=r) for r in sorted(row["involvements"], key=lambda r: (r["agency"], r["id"]))]


def _addresses(ctx: RequestContext, row: dict[str, Any]) -> list[PersonAddress]:
    rows = sorted(row["addresses"], key=lambda a: (a.get("last_seen") or date.min, a["id"]), reverse=True)
    return [PersonAddress(address=Address.shown(ctx, a), first_seen=a.get("first_seen"), last_seen=a.get("last_seen"))
            for a in rows]


@strawberry.type(description="A resolved person. Protected fields are null, with an error naming them, for roles that may not see them.")
class Person:
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def shown(cls, ctx: RequestContext, row: dict[str, Any]) -> "Person":
        """A person the answer includes: the audit event names them whether or not their id is selected."""
        ctx.audit.person_ids.add(row["id"])
        return cls(row=row)

    @strawberry.field(description="The person's id; for analysts a stable keyed pseudonym.")
    def id(self, info: Info) -> strawberry.ID:
        return strawberry.ID(ctx_of(info).person_id(self.row["id"]))

    @strawberry.field
    def name(self, info: Info) -> Optional[str]:
        ctx_of(info).reveal("Person.name")
        return display_name(preferred(self.row["records"], lambda r: r.get("name_variants") or ()))

    @strawberry.field
    def date_of_birth(self, info: Info) -> Optional[date]:
        ctx_of(info).reveal("Person.dateOfBirth")
        return preferred(self.row["records"], lambda r: r.get("dobs") or (), is_placeholder_dob)

    @strawberry.field(description="Age band (e.g. '25-34') rather than a date of birth.")
    def age_band(self) -> Optional[str]:
        records = self.row["records"]
        if any("ages" in r for r in records):
            return age_band(preferred(records, lambda r: r.get("ages") or ()))
        birth = preferred(records, lambda r: r.get("dobs") or (), is_placeholder_dob)
        return age_band(age_on(birth, date.today())) if birth else None

    @strawberry.field
    def sex(self) -> Optional[str]:
        return preferred(self.row["records"], lambda r: [r["sex"]] if r.get("sex") else ())

    @strawberry.field
    def nhs_number(self, info: Info) -> Optional[str]:
        ctx_of(info).reveal("Person.nhsNumber")
        return preferred(self.row["records"], lambda r: r.get("nhs_numbers") or (), is_placeholder_nhs_number)

    @strawberry.field(description="Agencies holding a current record of this person.")
    def known_to(self) -> list[str]:
        return sorted({r["agency"] for r in self.row["records"] if not r.get("retired")})

    def _with_full_row(self, info: Info, build: Callable[[dict[str, Any]], T]) -> T | Awaitable[T]:
        """``build`` on the full row. A search hit holds only its headline; the rest is read
        when first asked for, in one statement for every hit on the page (the loader batches)."""
        if "involvements" in self.row:
            return build(self.row)

        async def loaded() -> T:
            return build(await self._full_row(info))

        return loaded()

    async def _full_row(self, info: Info) -> dict[str, Any]:
        return await person_loader(ctx_of(info)).load(self.row["id"]) or _NOTHING_KNOWN

    @strawberry.field(graphql_type=list[Involvement])
    def involvements(self, info: Info) -> list[Involvement] | Awaitable[list[Involvement]]:
        return self._with_full_row(info, _involvements)

    @strawberry.field(graphql_type=list[AgencySummary],
                      description="Per agency: known to it, its last intervention, the contact to call.")
    def agency_summary(self, info: Info) -> list[AgencySummary] | Awaitable[list[AgencySummary]]:
        return self._with_full_row(info, lambda row: agency_summaries(row["involvements"]))

    @strawberry.field(graphql_type=list[PersonAddress])
    def addresses(self, info: Info) -> list[PersonAddress] | Awaitable[list[PersonAddress]]:
        return self._with_full_row(info, lambda row: _addresses(ctx_of(info), row))

    @strawberry.field(description="People known at the same addresses.")
    async def household(self, info: Info) -> list[HouseholdMember]:
        ctx = ctx_of(info)
        members = await household_loader(ctx).load(self.row["id"])
        people = await person_loader(ctx).load_many([m["person_id"] for m in members])
        row = self.row if "addresses" in self.row else await self._full_row(info)
        addresses = {a["id"]: a for a in row["addresses"]}
        return [
            HouseholdMember(person=Person.shown(ctx, p),
                            address=Address.shown(ctx, addresses.get(m["address_id"], {"id": m["address_id"]})),
                            first_seen=m.get("first_seen"), last_seen=m.get("last_seen"))
            for p, m in zip(people, members) if p
        ]

    @strawberry.field
    async def source_records(self, info: Info) -> Optional[list[SourceRecordRef]]:
        ctx = ctx_of(info)
        ctx.reveal("Person.sourceRecords")
        batches = (await lineage_loader(ctx).load(self.row["id"]))["batches"]
        return [
            SourceRecordRef(id=strawberry.ID(r["id"]), agency=r["agency"], source_person_id=r["source_person_id"],
                            retired=bool(r.get("retired")), batches=batches.get(r["id"], []))
            for r in sorted(self.row["records"], key=lambda r: r["id"])
        ]

    @strawberry.field
    async def match_explanation(self, info: Info) -> Optional[list[MatchEdge]]:
        ctx = ctx_of(info)
        ctx.reveal("Person.matchExplanation")
        similar = (await lineage_loader(ctx).load(self.row["id"]))["similar"]
        return [
            MatchEdge(record_a=strawberry.ID(e["record_a"]), record_b=strawberry.ID(e["record_b"]),
                      probability=e.get("probability"), weight=e.get("weight"), review=bool(e.get("review")),
                      explanation=e.get("explanation"))
            for e in similar
        ]
