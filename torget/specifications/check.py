""" "Check my file": a file validated against a specification, and nothing published.

The file is read by the datastore's own loader (`datastore.ingest`), exactly as a published
distribution's file would be (CSV in any delimiter and common encoding, XLSX, ODS, JSON,
GeoJSON), into a DuckDB file in a temporary folder that is removed afterwards; then the table
is checked as a loaded one is (`conformance.check_table`). So the answer is the badge the file
would get once published. What the loader put right (swapped coordinates, a Windows-1252 file)
comes back as its warnings; a file that is not UTF-8 is a warning too, since the national
specifications ask for UTF-8. The upload's size is limited by `upload_max_bytes` before it is
read (web/body_limit.py).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from torget.datastore.errors import LoadError
from torget.datastore.ingest import FORMATS, ingest
from torget.datastore.load import limits_from
from torget.datastore.notes import Note, notes_json
from torget.errors import FieldError, ValidationFailed
from torget.ratelimit import Limit, hit
from torget.settings import Settings
from torget.specifications.conformance import check_table
from torget.specifications.registry import Specification
from torget.specifications.report import Problem, Report

__all__ = ["CHECKS_PER_HOUR", "CheckResult", "check_file", "count_check", "format_of"]

_UTF8 = {"utf-8", "utf-8-sig", "ascii", "utf8"}


@dataclass
class CheckResult:
    file_name: str
    report: Report
    load_warnings: list[Note] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"file": self.file_name, **self.report.as_json(),
                "load_warnings": notes_json(self.load_warnings)}  # fmt: skip


def format_of(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise ValidationFailed(errors=[FieldError(
            "file", f"a {', '.join(FORMATS)} file is needed", code="check_format",
            params={"formats": ", ".join(FORMATS)},
        )])  # fmt: skip
    return extension


def check_file(settings: Settings, spec: Specification, file_name: str, path: Path) -> CheckResult:
    """Validate the file at `path` (named `file_name`, its extension giving the format)."""
    fmt = format_of(file_name)
    with tempfile.TemporaryDirectory(prefix="torget-check-") as tmp:
        target = Path(tmp) / "check.duckdb"
        try:
            loaded = ingest(file_name, path, fmt, target, limits_from(settings))
        except LoadError as exc:
            raise ValidationFailed(errors=[FieldError(
                "file", f"the file could not be read: {exc}", code="check_unreadable",
                params={"reason": str(exc)},
            )]) from None  # fmt: skip
        report = check_table(target, spec)
    encoding = str(loaded.source.get("encoding", "utf-8")).lower()
    if fmt in ("csv", "tsv") and encoding not in _UTF8:
        report.counts["encoding"] += 1
        report.problems.insert(0, Problem(None, "", "encoding", None, encoding))
    return CheckResult(file_name, report, loaded.warnings)


CHECKS_PER_HOUR = 120  # per client address: a check reads a whole file, so it is not free


def count_check(conn: sa.Connection, address: str) -> None:
    """Count one check by a client address; `RateLimited` past `CHECKS_PER_HOUR`."""
    hit(conn, Limit("specification-check", CHECKS_PER_HOUR, 3600), f"ip:{address}")
