"""What a validation found, in the same shape whichever validator ran.

A problem names its row (the data row's number in the file, the header not counted: the
datastore's `_id`), its column and its rule. Rules are the Table Schema's own words
(`required`, `type`, `pattern`, `enum`, `minimum`, `maximum`, `minLength`, `maxLength`,
`unique`) plus `missing_column`; those are errors. `unknown_column` (a column the
specification does not have) and `alias` (a column under an older name, such as badplatser's
`hov_ref` for `nutskod`) and `encoding` (a file that is not UTF-8, read all the same) are
warnings: real files drift between versions, and the national
specifications are read by column name, so neither breaks a reader.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Problem", "Report", "ERROR_RULES", "WARNING_RULES", "MAX_PROBLEMS", "RULE_WORDS"]

MAX_PROBLEMS = 200  # kept with their row; every problem is counted
ERROR_RULES = ("missing_column", "required", "type", "pattern", "enum", "minimum", "maximum",
               "minLength", "maxLength", "unique")  # fmt: skip
WARNING_RULES = ("unknown_column", "alias", "encoding")

# Plain words for each rule, in both languages (the report's JSON carries them as well).
RULE_WORDS: dict[str, tuple[str, str]] = {
    "missing_column": ("Obligatorisk kolumn saknas", "A required column is missing"),
    "required": ("Obligatoriskt värde saknas", "A required value is empty"),
    "type": ("Värdet har fel typ eller form", "The value is not of the column's type or form"),
    "pattern": ("Värdet följer inte mönstret", "The value does not match the pattern"),
    "enum": ("Värdet är inte ett av de tillåtna", "The value is not one of the allowed values"),
    "minimum": ("Värdet är för litet", "The value is below the minimum"),
    "maximum": ("Värdet är för stort", "The value is above the maximum"),
    "minLength": ("Värdet är för kort", "The value is too short"),
    "maxLength": ("Värdet är för långt", "The value is too long"),
    "unique": ("Värdet finns redan på en tidigare rad", "The value repeats an earlier row's"),
    "unknown_column": ("Kolumnen finns inte i specifikationen",
                       "The specification has no such column"),
    "alias": ("Kolumnen har ett äldre namn", "The column has an older name"),
    "encoding": ("Filen är inte UTF-8, som specifikationen kräver",
                 "The file is not UTF-8, as the specification asks"),
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: about a column, not a row
    column: str
    rule: str
    value: str | None = None
    detail: str = ""  # the rule's parameter: the pattern, the allowed values, the minimum

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "rule": self.rule,
                "value": self.value, "detail": self.detail}  # fmt: skip


@dataclass
class Report:
    specification: str  # the IRI
    rows_checked: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    method: str = "frictionless"
    sample_agrees: bool | None = None  # the SQL validator against frictionless on a sample

    def add(self, problem: Problem, count: int = 1) -> None:
        self.counts[problem.rule] += count
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    @property
    def errors(self) -> int:
        return sum(n for rule, n in self.counts.items() if rule in ERROR_RULES)

    @property
    def warnings(self) -> int:
        return sum(n for rule, n in self.counts.items() if rule in WARNING_RULES)

    @property
    def state(self) -> str:
        """`conforms`, `warnings` (conforms, with warnings) or `fails`."""
        if self.errors:
            return "fails"
        return "warnings" if self.warnings else "conforms"

    def sort(self) -> None:
        self.problems.sort(key=lambda p: (p.row or 0, p.column, p.rule))

    def as_json(self) -> dict[str, Any]:
        return {
            "specification": self.specification,
            "state": self.state,
            "rows_checked": self.rows_checked,
            "errors": self.errors,
            "warnings": self.warnings,
            "counts": [
                {"rule": rule, "count": n, "sv": RULE_WORDS[rule][0], "en": RULE_WORDS[rule][1]}
                for rule, n in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "problems": [p.as_json() for p in self.problems],
            "method": self.method,
            "sample_agrees": self.sample_agrees,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        report = cls(data["specification"], data["rows_checked"], method=data.get("method", ""),
                     sample_agrees=data.get("sample_agrees"))  # fmt: skip
        report.counts = Counter({c["rule"]: c["count"] for c in data.get("counts", [])})
        report.problems = [Problem(**p) for p in data.get("problems", [])]
        return report
