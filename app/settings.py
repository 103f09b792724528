"""Every setting MAST reads from its environment, in one place.

Nothing else in the project touches ``os.environ``: code asks for ``get_settings()`` and
tests build a ``Settings`` with overrides. Defaults point at the local Neo4j that
``mast neo4j start`` runs, so a fresh clone needs no configuration at all.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    # The local, self-started server (ignored when NEO4J_URI points elsewhere).
    state_dir: Path = PROJECT_ROOT / ".mast"
    local_neo4j_port: int = 7687
    local_neo4j_data_dir: Path = PROJECT_ROOT / ".mast" / "neo4j"
    local_neo4j_heap: str = "2g"
    local_neo4j_pagecache: str = "2g"
    # The service.
    env: str = "production"
    host: str = "127.0.0.1"
    port: int = 8000
    # Server processes; from the environment, one per core unless MAST_WORKERS says otherwise,
    # since a process runs its requests' Python on one core at a time.
    workers: int = 1
    # Authentication: who issues tokens and which keys sign them.
    jwt_issuer: str = "mast-local-issuer"
    jwt_audience: str = "mast-api"
    jwks: str = ""
    # Keyed pseudonyms for analysts; a fresh random key per state dir when unset.
    pseudonym_key: str = ""
    sensitive_involvement_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def trusts_local_issuer(self) -> bool:
        """Only development and tests may accept tokens that `mast token` signs on this machine."""
        return self.env in ("development", "test")

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    def with_overrides(self, **changes: object) -> "Settings":
        return replace(self, **changes)


def _sensitive_types(raw: str) -> dict[str, tuple[str, ...]]:
    """Parse ``AGENCY:Type one|Type two;AGENCY2:Type`` into a per-agency mapping."""
    result: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        agency, _, types = part.partition(":")
        result[agency.strip().upper()] = tuple(t.strip() for t in types.split("|") if t.strip())
    return result


def _local_password(state_dir: Path) -> str:
    """The local server's password: generated once, kept readable only by this user."""
    path = state_dir / "neo4j-password"
    if path.exists():
        return path.read_text().strip()
    state_dir.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    path.touch(mode=0o600)
    path.write_text(password)
    return password


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Build settings from an environment mapping (``os.environ`` in production)."""
    state_dir = Path(environ.get("MAST_STATE_DIR", str(PROJECT_ROOT / ".mast")))
    port = int(environ.get("MAST_NEO4J_PORT", "7687"))
    password = environ.get("NEO4J_PASSWORD") or _local_password(state_dir)
    return Settings(
        neo4j_uri=environ.get("NEO4J_URI", f"bolt://127.0.0.1:{port}"),
        neo4j_user=environ.get("NEO4J_USER", "neo4j"),
        neo4j_password=password,
        neo4j_database=environ.get("NEO4J_DATABASE", "neo4j"),
        state_dir=state_dir,
        local_neo4j_port=port,
        local_neo4j_data_dir=Path(environ.get("MAST_NEO4J_DATA_DIR", str(state_dir / "neo4j"))),
        local_neo4j_heap=environ.get("MAST_NEO4J_HEAP", "2g"),
        local_neo4j_pagecache=environ.get("MAST_NEO4J_PAGECACHE", "2g"),
        env=environ.get("MAST_ENV", "production"),
        host=environ.get("MAST_HOST", "127.0.0.1"),
        port=int(environ.get("MAST_PORT", "8000")),
        workers=int(environ.get("MAST_WORKERS", str(os.cpu_count() or 1))),
        jwt_issuer=environ.get("MAST_JWT_ISSUER", "mast-local-issuer"),
        jwt_audience=environ.get("MAST_JWT_AUDIENCE", "mast-api"),
        jwks=environ.get("MAST_JWKS", ""),
        pseudonym_key=environ.get("MAST_PSEUDONYM_KEY", ""),
        sensitive_involvement_types=_sensitive_types(
            environ.get("MAST_SENSITIVE_INVOLVEMENT_TYPES", "")
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)
