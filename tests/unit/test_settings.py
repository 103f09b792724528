"""Settings come from the environment mapping, with local defaults."""

from __future__ import annotations

import os
from pathlib import Path

from app.settings import load_settings


def test_defaults_point_at_the_local_server(tmp_path: Path) -> None:
    settings = load_settings({"MAST_STATE_DIR": str(tmp_path)})
    assert settings.neo4j_uri == "bolt://127.0.0.1:7687"
    assert settings.neo4j_user == "neo4j"
    assert settings.neo4j_database == "neo4j"
    assert settings.local_neo4j_data_dir == tmp_path / "neo4j"
    assert not settings.is_development


def test_local_password_is_generated_once_and_private(tmp_path: Path) -> None:
    first = load_settings({"MAST_STATE_DIR": str(tmp_path)}).neo4j_password
    second = load_settings({"MAST_STATE_DIR": str(tmp_path)}).neo4j_password
    assert first == second and len(first) >= 24
    assert (tmp_path / "neo4j-password").stat().st_mode & 0o077 == 0


def test_environment_overrides_everything(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "MAST_STATE_DIR": str(tmp_path),
            "NEO4J_URI": "neo4j+s://example.databases.neo4j.io",
            "NEO4J_USER": "mast",
            "NEO4J_PASSWORD": "from-env",
            "NEO4J_DATABASE": "safeguarding",
            "MAST_NEO4J_PORT": "7999",
            "MAST_ENV": "development",
            "MAST_PORT": "9000",
            "MAST_SENSITIVE_INVOLVEMENT_TYPES": "NHS:Sexual health clinic|Mental health;POLICE:Informant",
        }
    )
    assert settings.neo4j_uri == "neo4j+s://example.databases.neo4j.io"
    assert (settings.neo4j_user, settings.neo4j_password, settings.neo4j_database) == ("mast", "from-env", "safeguarding")
    assert settings.local_neo4j_port == 7999
    assert settings.is_development and settings.port == 9000
    assert settings.sensitive_involvement_types == {
        "NHS": ("Sexual health clinic", "Mental health"),
        "POLICE": ("Informant",),
    }
    assert not (tmp_path / "neo4j-password").exists()


def test_port_moves_the_default_uri(tmp_path: Path) -> None:
    assert load_settings({"MAST_STATE_DIR": str(tmp_path), "MAST_NEO4J_PORT": "7800"}).neo4j_uri == "bolt://127.0.0.1:7800"


def test_one_server_process_per_core_unless_told(tmp_path: Path) -> None:
    assert load_settings({"MAST_STATE_DIR": str(tmp_path)}).workers == (os.cpu_count() or 1)
    assert load_settings({"MAST_STATE_DIR": str(tmp_path), "MAST_WORKERS": "3"}).workers == 3
