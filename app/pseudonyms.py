"""Stable keyed pseudonyms for analysts: the same person always gets the same token, and
nobody without the key can turn a token back into an id or test a guess."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from app.settings import Settings

KEY_FILE = "pseudonym-key"


def pseudonym_key(settings: Settings) -> bytes:
    """The configured key, else one generated once into the state dir (mode 0600)."""
    if settings.pseudonym_key:
        return settings.pseudonym_key.encode()
    path = Path(settings.state_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip().encode()
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


class Pseudonymiser:
    """HMAC-SHA256 of a kind and an id, shortened; kinds keep person and address tokens apart."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def token(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()
        return f"{kind[0].upper()}X-{digest[:20]}"
