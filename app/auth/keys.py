"""The local issuer's signing key, for development and tests.

Generated on first use into the state directory (readable only by this user, never
committed) and published as the JWKS the server trusts when no other is configured.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey

from app.settings import Settings


def _key_path(settings: Settings) -> Path:
    return settings.state_dir / "issuer" / "signing-key.pem"


def local_signing_key(settings: Settings) -> RSAKey:
    path = _key_path(settings)
    if path.exists():
        return RSAKey.import_key(path.read_bytes(), parameters={"use": "sig", "alg": "RS256"})
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.as_pem(private=True))
    return key


def key_id(key: RSAKey) -> str:
    """RFC 7638 thumbprint: the same key always has the same kid."""
    return key.thumbprint()


def local_jwks(settings: Settings) -> dict[str, Any]:
    key = local_signing_key(settings)
    return {"keys": [{**key.as_dict(private=False), "kid": key_id(key), "use": "sig", "alg": "RS256"}]}
