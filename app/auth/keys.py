"""The local issuer's signing key, for development and tests.

Generated on first use into the state directory (readable only by this user, never
committed) and published as the JWKS the server trusts when no other is configured.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey

from app.settings import Settings

_PARAMETERS = {"use": "sig", "alg": "RS256"}


def _key_path(settings: Settings) -> Path:
    return settings.state_dir / "issuer" / "signing-key.pem"


def local_signing_key(settings: Settings) -> RSAKey:
    """The issuer's RSA key; when two processes create it at once, the first one written wins."""
    path = _key_path(settings)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(RSAKey.generate_key(2048).as_pem(private=True))
            os.link(temporary, path)  # atomic, and never replaces a key already there
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return RSAKey.import_key(path.read_bytes(), parameters=_PARAMETERS)


def key_id(key: RSAKey) -> str:
    """RFC 7638 thumbprint: the same key always has the same kid."""
    return key.thumbprint()


def local_jwks(settings: Settings) -> dict[str, Any]:
    """The public half of the issuer's key, as the JWKS other services can trust."""
    key = local_signing_key(settings)
    return {"keys": [{**key.as_dict(private=False), "kid": key_id(key)}]}
