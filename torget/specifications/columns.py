"""Which column of a file is which field of a specification.

The national specifications are read by column name, not position (shared/specs/sweden/
NOTES.md §1.2). A header name matches a field by its name or one of its `aliases`, ignoring
case and surrounding spaces (the livsmedel example file has " inspection.modified").
"""

from __future__ import annotations

from dataclasses import dataclass

from torget.specifications.report import Problem, Report
from torget.specifications.table_schema import Field

__all__ = ["Matched", "match_columns"]


@dataclass(frozen=True)
class Matched:
    present: dict[str, int]  # field name -> index of its column in the header
    missing: list[Field]


def match_columns(header: list[str], fields: list[Field], report: Report) -> Matched:
    """Match the header to the fields; record missing, unknown and renamed columns."""
    index = {h.strip().lower(): i for i, h in reversed(list(enumerate(header)))}
    present: dict[str, int] = {}
    missing: list[Field] = []
    for f in fields:
        if f.name.lower() in index:
            present[f.name] = index[f.name.lower()]
            continue
        alias = next((a for a in f.aliases if a.lower() in index), None)
        if alias is not None:
            present[f.name] = index[alias.lower()]
            report.add(Problem(None, alias, "alias", None, f.name))
        else:
            missing.append(f)
            if f.required:
                report.add(Problem(None, f.name, "missing_column"))
    used = set(present.values())
    for i, name in enumerate(header):
        if i not in used and not name.startswith("_"):
            report.add(Problem(None, name.strip(), "unknown_column"))
    return Matched(present, missing)
