"""Per-request state: who is asking, why, and what personal data the answer touched.

Resolvers record every person and address the answer includes (``Person.shown``,
``Address.shown``) and every protected field they return or deny here; the HTTP layer turns
that into exactly one audit event per request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from app.audit.events import AuditEvent
from app.auth.verify import Principal
from app.blocking import run_blocking
from app.db import Graph
from app.pseudonyms import Pseudonymiser
from app.settings import Settings
from resolvers import policy
from resolvers.errors import AccessDenied, PurposeRequired

T = TypeVar("T")

PURPOSE_HEADER = "X-MAST-Purpose"
MAX_ASKED = 200  # characters of a caller's own text kept in an audit note: ids and codes are short


@dataclass
class AuditTrail:
    """What one request did with personal data; becomes one AuditEvent."""

    operations: set[str] = field(default_factory=set)
    person_ids: set[str] = field(default_factory=set)
    address_ids: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)  # "field: reason" of each refused for its input
    details: list[str] = field(default_factory=list)

    @property
    def touched(self) -> bool:
        return bool(self.operations)

    def asked(self, what: str, *values: str) -> None:
        """Note what the caller asked about, whatever the answer: their own text, quoted (JSON)
        and cut short, so it can neither pose as another note nor fill the log."""
        self.details.append(" ".join([what, *(json.dumps(str(v)[:MAX_ASKED]) for v in values)]))

    @property
    def outcome(self) -> str:
        """'refused' only when the input refused left nothing shown: an answer that named people
        or addresses disclosed them, and is 'allowed' with the refusal in the detail."""
        if self.denied:
            return "denied"
        return "refused" if self.refused and not (self.person_ids or self.address_ids) else "allowed"

    def event(self, principal: Principal, purpose: str | None) -> AuditEvent:
        return AuditEvent(
            subject=principal.subject,
            agency=principal.agency,
            role=principal.role,
            operation=",".join(sorted(self.operations)),
            outcome=self.outcome,
            purpose=purpose,
            person_ids=tuple(sorted(self.person_ids)),
            address_ids=tuple(sorted(self.address_ids)),
            fields=tuple(sorted(self.fields | {f"denied:{d}" for d in self.denied})),
            detail="; ".join([*self.details, *self.refused]),
        )


@dataclass
class RequestContext:
    principal: Principal
    graph: Graph
    settings: Settings
    purpose: str | None
    pseudonymiser: Pseudonymiser
    audit: AuditTrail = field(default_factory=AuditTrail)
    loaders: dict[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def pseudonymous(self) -> bool:
        return self.role in policy.PSEUDONYMOUS

    def authorise(self, operation: str) -> None:
        """Refuse an operation the role may not call, or a practitioner read with no purpose."""
        self.audit.operations.add(operation)
        if not policy.may_call(self.role, operation):
            self.audit.denied.add(operation)
            raise AccessDenied(f"{operation} is not available to the {self.role} role")
        if self.role == policy.PRACTITIONER and operation in policy.PURPOSE_REQUIRED and not self.purpose:
            self.audit.denied.add(operation)
            self.audit.details.append("no purpose stated")
            raise PurposeRequired(
                f"{operation} needs a purpose: send the {PURPOSE_HEADER} header (e.g. a case reference)"
            )

    def reveal(self, field_name: str) -> None:
        """Allow one protected field or raise, recording either way for the audit event."""
        if not policy.may_see(self.role, field_name):
            self.audit.denied.add(field_name)
            raise AccessDenied(f"{field_name} is not available to the {self.role} role")
        if field_name in policy.FIELDS:
            self.audit.fields.add(field_name)

    def person_id(self, real_id: str) -> str:
        """The id this caller sees: a keyed pseudonym for analysts."""
        return self.pseudonymiser.token("person", real_id) if self.pseudonymous else real_id

    def address_id(self, real_id: str) -> str:
        return self.pseudonymiser.token("address", real_id) if self.pseudonymous else real_id

    def query_params(self) -> dict[str, Any]:
        """Parameters every role-projected statement takes."""
        return {
            "viewer": self.principal.agency,
            "sensitive": {k: list(v) for k, v in self.settings.sensitive_involvement_types.items()},
        }

    async def read(self, function: Callable[..., T], *args: Any) -> T:
        """Run a blocking graph call in a worker thread so concurrent requests do not queue."""
        return await run_blocking(function, *args)
