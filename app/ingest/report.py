"""Where an ingest keeps what it did not land: rejected rows and dropped fields.

Rejected rows are kept whole (they are the partner's data, needed to fix and resend), in
a file only this user can read: the contract's columns to read, and ``unparsed_row``, the
row exactly as sent with every cell, unknown and unnamed columns included. Dropped fields
are listed by line, field and reason only.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from app.ingest.contract import COLUMNS
from app.ingest.extract import SourceRow
from app.ingest.rows import Problem


def _private(path: Path) -> IO[str]:
    """A file only this user can read. A rejected row may carry text that is not valid Unicode
    (a lone surrogate from a JSON escape): it is kept as its escape rather than failing the load."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="")


class BatchReport:
    """Streams rejects and warnings to the batch's folder as they happen (memory stays flat)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.rejects_path = folder / "rejects.csv"
        self.warnings_path = folder / "warnings.csv"
        self._rejects = _private(self.rejects_path)
        self._warnings = _private(self.warnings_path)
        self._reject_writer = csv.writer(self._rejects)
        self._reject_writer.writerow(["line", "reason", *COLUMNS, "unparsed_row"])
        self._warning_writer = csv.writer(self._warnings)
        self._warning_writer.writerow(["line", "field", "reason"])
        self.rejected = 0
        self.dropped = 0

    def reject(self, row: SourceRow, problem: Problem) -> None:
        self.rejected += 1
        self._reject_writer.writerow(
            [row.line, problem.reason, *(row.fields.get(c, "") for c in COLUMNS), row.raw]
        )

    def drop(self, problem: Problem) -> None:
        self.dropped += 1
        self._warning_writer.writerow([problem.line, problem.field, problem.reason])

    def note(self, problem: Problem) -> None:
        """A warning about the batch rather than a dropped field (not counted as dropped)."""
        self._warning_writer.writerow([problem.line, problem.field, problem.reason])

    def write_summary(self, summary: dict[str, Any]) -> Path:
        path = self.folder / "summary.json"
        path.write_text(json.dumps(summary, indent=2, default=str))
        return path

    def close(self) -> None:
        self._rejects.close()
        self._warnings.close()

    def __enter__(self) -> "BatchReport":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
