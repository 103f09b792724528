"""Tokens from the local issuer: what `mast token` prints and tests present.

Claims: the registered ``iss``, ``aud``, ``sub``, ``iat``, ``nbf``, ``exp`` and ``jti``, plus
``role`` (one of practitioner, analyst, integrator, reviewer, auditor: what the holder may do)
and ``agency`` (an agency code such as POLICE or CSC: whose records the holder works for).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from joserfc import jwt

from app.auth.keys import key_id, local_signing_key
from app.settings import Settings


def issue_token(settings: Settings, *, subject: str, role: str, agency: str, ttl_seconds: int = 3600,
                extra_claims: dict[str, Any] | None = None) -> str:
    """A signed RS256 JWT; ``extra_claims`` are added last, so tests can also override any claim."""
    key = local_signing_key(settings)
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": subject,
        "iat": now, "nbf": now, "exp": now + ttl_seconds, "jti": uuid.uuid4().hex,
        "role": role, "agency": agency.upper(), **(extra_claims or {}),
    }
    return jwt.encode({"alg": "RS256", "kid": key_id(key), "typ": "JWT"}, claims, key)
