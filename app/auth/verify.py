"""Verifying bearer tokens against a JWKS.

Only asymmetric algorithms are accepted, so a token "signed" with ``none`` or with HS256
using the public key as a secret is refused. Keys are cached; a token naming a key the
cache lacks triggers one refresh (at most every 30 s), so a rotated key is picked up
without letting a stream of made-up kids hammer the issuer. Tokens already accepted are
remembered until they expire (or their key is withdrawn), so a client's every request does
not pay for the signature again.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from time import monotonic
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.auth.keys import local_jwks
from app.settings import Settings

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "ES256")
ROLES = ("practitioner", "analyst", "integrator", "reviewer", "auditor")
CLOCK_SKEW_S = 30
REFRESH_INTERVAL_S = 30.0
ACCEPTED_TOKENS = 4096  # remembered at most; the oldest is forgotten first


class AuthenticationError(Exception):
    """The token is not acceptable; the message is for logs, never for the caller."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the ``sub``, ``agency`` and ``role`` claims of a verified token."""

    subject: str
    agency: str
    role: str


class TokenVerifier:
    """Checks bearer tokens against the configured JWKS (a URL, a file, or the local issuer)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.jwks and not settings.trusts_local_issuer:
            # Failing open would let anyone who can run `mast token` here mint any role.
            raise AuthenticationError(
                f"MAST_JWKS is not set: in MAST_ENV={settings.env} the local development issuer is not "
                "trusted; set MAST_JWKS to your identity provider's keys (or MAST_ENV=development)"
            )
        if settings.jwks.startswith("http://") and not settings.trusts_local_issuer:
            # Keys fetched in clear can be swapped on the way, and with them any token forged.
            raise AuthenticationError("MAST_JWKS must be an https:// URL or a file outside development and tests")
        self.settings = settings
        self._lock = threading.Lock()
        self._keys = self._load()  # a broken JWKS at startup should stop the service
        self._refreshed_at = float("-inf")
        # token -> principal, kid, exp; read without a lock, changed only under _remembering
        self._accepted: dict[str, tuple[Principal, str, float]] = {}
        self._remembering = threading.Lock()

    def _load(self) -> KeySet:
        source = self.settings.jwks
        if not source:
            data: Any = local_jwks(self.settings)
        elif source.startswith(("https://", "http://")):
            with urllib.request.urlopen(source, timeout=5) as response:  # noqa: S310 - configured URL
                data = json.load(response)
        else:
            data = json.loads(Path(source).read_text())
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise ValueError(f"{source or 'local issuer'}: not a JWKS (no 'keys' list)")
        return KeySet.import_key_set(data)

    def _kids(self) -> set[str]:
        return {k.kid for k in self._keys.keys if k.kid}

    def _refresh_for(self, kid: str) -> None:
        """Reload the JWKS once for an unknown kid; on failure keep the keys we have."""
        with self._lock:
            if kid in self._kids() or monotonic() - self._refreshed_at < REFRESH_INTERVAL_S:
                return
            self._refreshed_at = monotonic()
            try:
                self._keys = self._load()
            except (OSError, ValueError, JoseError) as error:
                log.warning("JWKS refresh failed, keeping the cached keys: %s", error)

    def accepted(self, token: str) -> Principal | None:
        """The principal of a token verified before, while it is unexpired and its key still
        published; None otherwise. Its signature and claims cannot have changed since, and a
        time that passed ``nbf`` stays past it: only expiry and the key set need checking.
        Never fetches keys, so it is safe to call on the event loop."""
        remembered = self._accepted.get(token)
        if remembered is None:
            return None
        principal, kid, expires = remembered
        if expires <= time.time() - CLOCK_SKEW_S or kid not in self._kids():
            return None
        return principal

    def verify(self, token: str) -> Principal:
        """The token's principal, or ``AuthenticationError`` saying why not."""
        principal = self.accepted(token)
        if principal is None:
            principal = self._verify(token)
        return principal

    def _verify(self, token: str) -> Principal:
        kid = _checked_header(token)
        if kid not in self._kids():
            self._refresh_for(kid)
            if kid not in self._kids():
                raise AuthenticationError(f"unknown key {kid[:64]!r}")
        try:
            decoded = jwt.decode(token, self._keys, algorithms=list(ALGORITHMS))
            jwt.JWTClaimsRegistry(
                leeway=CLOCK_SKEW_S,
                iss={"essential": True, "value": self.settings.jwt_issuer},
                aud={"essential": True, "value": self.settings.jwt_audience},
                exp={"essential": True}, nbf={"essential": True}, sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise AuthenticationError(f"token refused: {error}") from error
        claims = decoded.claims
        role, agency = claims.get("role"), claims.get("agency")
        if role not in ROLES:
            raise AuthenticationError("role claim missing or unknown")
        if not isinstance(agency, str) or not agency:
            raise AuthenticationError("agency claim missing")
        principal = Principal(subject=claims["sub"], agency=agency.upper(), role=role)
        with self._remembering:
            if len(self._accepted) >= ACCEPTED_TOKENS:
                del self._accepted[next(iter(self._accepted))]
            self._accepted[token] = (principal, kid, float(claims["exp"]))
        return principal


def _checked_header(token: str) -> str:
    """The header's kid, once its alg is on the allow-list (before any key is looked up)."""
    try:
        header = json.loads(_b64decode(token.split(".")[0]))
    except ValueError as error:
        raise AuthenticationError("malformed token") from error
    if not isinstance(header, dict):
        raise AuthenticationError("malformed token header")
    if header.get("alg") not in ALGORITHMS:
        raise AuthenticationError("algorithm not allowed")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthenticationError("token names no key")
    return kid


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
