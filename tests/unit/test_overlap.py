"""Overlap figures on a hand-made partnership."""

from __future__ import annotations

from pathlib import Path

from app.reports.overlap import heat_map, overlap, table


def test_overlap_counts_people_not_records(tmp_path: Path) -> None:
    # P1: CSC (twice) and POLICE; P2: CSC only; P3: POLICE and NHS.
    links = [("CSC", "1", "P1"), ("CSC", "2", "P1"), ("POLICE", "9", "P1"), ("CSC", "3", "P2"),
             ("POLICE", "8", "P3"), ("NHS", "7", "P3")]
    result = overlap(links)
    assert result.people == {"CSC": 2, "NHS": 1, "POLICE": 2}
    assert result.known_elsewhere == {"CSC": 0.5, "NHS": 1.0, "POLICE": 1.0}
    assert result.matrix[("CSC", "POLICE")] == result.matrix[("POLICE", "CSC")] == 1
    assert result.matrix[("CSC", "NHS")] == 0
    assert "50.0%" in "\n".join(table(result))
    heat_map(result, tmp_path / "overlap.png")
    assert (tmp_path / "overlap.png").read_bytes()[:4] == b"\x89PNG"
