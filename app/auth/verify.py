"""Verifying bearer tokens against a JWKS.

Only asymmetric algorithms are accepted, so a token "signed" with ``none`` or with HS256
using the public key as a secret is refused. Keys are cached; a token naming a key the
cache lacks triggers one refresh (at most every 30 s), so a rotated key is picked up.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.auth.keys import local_jwks
from app.settings import Settings

ALGORITHMS = ("RS256", "ES256")
ROLES = ("practitioner", "analyst", "integrator", "reviewer", "auditor")
CLOCK_SKEW_S = 30
REFRESH_INTERVAL_S = 30.0


class AuthenticationError(Exception):
    """The token is not acceptable; the message is for logs, never for the caller."""


@dataclass(frozen=True)
class Principal:
    subject: str
    agency: str
    role: str


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._keys = self._load()
        self._loaded_at = time.monotonic()

    def _load(self) -> KeySet:
        source = self.settings.jwks
        if not source:
            data: dict[str, Any] = local_jwks(self.settings)
        elif source.startswith(("https://", "http://")):
            with urllib.request.urlopen(source, timeout=5) as response:  # noqa: S310 - configured URL
                data = json.load(response)
        else:
            data = json.loads(Path(source).read_text())
        return KeySet.import_key_set(data)

    def _kids(self) -> set[str]:
        return {k.kid for k in self._keys.keys if k.kid}

    def _refresh_for(self, kid: str) -> None:
        with self._lock:
            if kid in self._kids() or time.monotonic() - self._loaded_at < REFRESH_INTERVAL_S:
                return
            self._keys = self._load()
            self._loaded_at = time.monotonic()

    def verify(self, token: str) -> Principal:
        try:
            header = json.loads(_b64decode(token.split(".")[0]))
        except (ValueError, IndexError) as error:
            raise AuthenticationError("malformed token") from error
        if header.get("alg") not in ALGORITHMS:
            raise AuthenticationError("algorithm not allowed")
        kid = header.get("kid")
        if not kid:
            raise AuthenticationError("token names no key")
        if kid not in self._kids():
            self._refresh_for(kid)
            if kid not in self._kids():
                raise AuthenticationError("unknown key")
        try:
            decoded = jwt.decode(token, self._keys, algorithms=list(ALGORITHMS))
            jwt.JWTClaimsRegistry(
                leeway=CLOCK_SKEW_S,
                iss={"essential": True, "value": self.settings.jwt_issuer},
                aud={"essential": True, "value": self.settings.jwt_audience},
                exp={"essential": True}, nbf={"essential": True}, sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise AuthenticationError(f"token refused: {type(error).__name__}") from error
        claims = decoded.claims
        role, agency = claims.get("role"), claims.get("agency")
        if role not in ROLES or not isinstance(agency, str) or not agency:
            raise AuthenticationError("role or agency missing or unknown")
        return Principal(subject=str(claims["sub"]), agency=agency.upper(), role=role)


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
