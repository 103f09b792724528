"""Who may call what and see which field: the whole access policy as data, in one place."""

from __future__ import annotations

PRACTITIONER, ANALYST, INTEGRATOR, REVIEWER, AUDITOR = (
    "practitioner", "analyst", "integrator", "reviewer", "auditor"
)

# Root operations and the roles that may call them.
OPERATIONS: dict[str, frozenset[str]] = {
    "searchPeople": frozenset({PRACTITIONER}),
    "person": frozenset({PRACTITIONER}),
    "searchAddresses": frozenset({PRACTITIONER}),
    "address": frozenset({PRACTITIONER}),
    "connections": frozenset({PRACTITIONER}),
    "multiAgencyPeople": frozenset({PRACTITIONER, ANALYST}),
    "ingestRecords": frozenset({INTEGRATOR}),
    "reviewQueue": frozenset({REVIEWER}),
    "reviewMatch": frozenset({REVIEWER}),
    "auditLog": frozenset({AUDITOR}),
    "peopleViewedBy": frozenset({AUDITOR}),
    "viewersOf": frozenset({AUDITOR}),
}

# Operations that read personal data and so need a stated purpose from practitioners.
PURPOSE_REQUIRED: frozenset[str] = frozenset(
    {"searchPeople", "person", "searchAddresses", "address", "connections", "multiAgencyPeople"}
)

# Protected fields and the roles that may see them; unlisted fields are open to every role
# that may reach them.
FIELDS: dict[str, frozenset[str]] = {
    "Person.name": frozenset({PRACTITIONER}),
    "Person.dateOfBirth": frozenset({PRACTITIONER}),
    "Person.nhsNumber": frozenset({PRACTITIONER}),
    "Person.sourceRecords": frozenset({PRACTITIONER}),
    "Person.matchExplanation": frozenset({PRACTITIONER}),
    "Involvement.leadWorker": frozenset({PRACTITIONER}),
    "AgencySummary.contact": frozenset({PRACTITIONER}),
    "Address.line1": frozenset({PRACTITIONER}),
    "Address.line2": frozenset({PRACTITIONER}),
    "Address.town": frozenset({PRACTITIONER}),
    "Address.postcode": frozenset({PRACTITIONER}),
    "Address.uprn": frozenset({PRACTITIONER}),
    # Reading residents or involvements through an address needs its full row.
    "Address.residents": frozenset({PRACTITIONER}),
    "Address.involvements": frozenset({PRACTITIONER}),
}

# Roles that see the pseudonymous projection of the graph.
PSEUDONYMOUS: frozenset[str] = frozenset({ANALYST})


def may_call(role: str, operation: str) -> bool:
    return role in OPERATIONS.get(operation, frozenset())


def may_see(role: str, field: str) -> bool:
    allowed = FIELDS.get(field)
    return allowed is None or role in allowed
