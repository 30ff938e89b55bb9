"""Validating rows against a specification with `frictionless`, the reference validator.

frictionless (the Open Knowledge Foundation's implementation of the Frictionless Data
standards) checks each cell against its field's type, format and constraints and each unique
column across rows, exactly as the Table Schema specification says. Torget first matches the
header to the fields by name (`columns`), then hands frictionless only the columns the
specification has, in its order, so a missing optional column is not a missing cell on every
row and an unknown column is a warning, not an error. Rows whose every cell is empty are left
out (a spreadsheet's trailing rows), as the datastore's loader leaves them out.

frictionless reads about 2,500 rows a second here (bench/specifications.py), so a large table
is checked by `sql_validation` in DuckDB and frictionless checks a sample of it, to show that
the two agree (`Report.sample_agrees`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frictionless import Schema

from torget.specifications.columns import Matched, match_columns
from torget.specifications.registry import Specification
from torget.specifications.report import Problem, Report

__all__ = ["validate_rows", "frictionless_problems", "present_schema"]

_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def present_schema(spec: Specification, matched: Matched) -> Schema:
    """The specification's schema with only the columns the file has."""
    fields = [f for f in spec.schema["fields"] if f["name"] in matched.present]
    descriptor = {k: v for k, v in spec.schema.items() if k not in ("fields", "primaryKey",
                                                                   "foreignKeys")}  # fmt: skip
    descriptor["fields"] = [{k: v for k, v in f.items() if k != "aliases"} for f in fields]
    from frictionless import Schema  # 0.3 s to import: only where a file is validated

    return Schema.from_descriptor(descriptor)


def _problem(error: Any, numbers: list[int]) -> Problem:
    row = numbers[error.row_number - 2] if error.row_number else None
    column, value = error.field_name, (error.cell if error.cell not in ("", None) else None)
    if error.type == "constraint-error":
        found = _CONSTRAINT.match(error.note)
        rule, detail = (found.group(1), found.group(2)) if found else ("type", error.note)
        return Problem(row, column, rule, value, detail)
    if error.type == "unique-error":
        return Problem(row, column, "unique", value)
    return Problem(row, column, "type", value, error.note.removeprefix("type is ").strip('"'))


def frictionless_problems(
    spec: Specification, matched: Matched, rows: Iterable[Sequence[Any]],
    numbers: Iterable[int] | None = None,
) -> tuple[list[Problem], int]:  # fmt: skip
    """Every problem frictionless finds in `rows` (each the whole header's width), and how
    many rows it read; `numbers` are the rows' numbers (1, 2, … by default)."""
    schema = present_schema(spec, matched)
    order = [matched.present[f.name] for f in schema.fields]
    data: list[list[str]] = [[f.name for f in schema.fields]]
    kept: list[int] = []
    given = iter(numbers) if numbers is not None else None
    for n, row in enumerate(rows, start=1):
        number = next(given) if given is not None else n
        cells = [_text(row[i]) if i < len(row) else "" for i in order]
        if any(cells) or not order:
            data.append(cells)
            kept.append(number)
    if not schema.fields:
        return [], len(kept)
    from frictionless import Resource

    result = Resource(data=data, schema=schema).validate(limit_errors=10**9)
    task = result.tasks[0]
    return [_problem(e, kept) for e in task.errors], len(kept)


def validate_rows(
    spec: Specification, header: list[str], rows: Iterable[Sequence[Any]],
    numbers: Iterable[int] | None = None,
) -> Report:  # fmt: skip
    """The report of a table given as a header and rows of cells (text or typed values)."""
    report = Report(spec.iri)
    matched = match_columns(header, spec.fields, report)
    problems, report.rows_checked = frictionless_problems(spec, matched, rows, numbers)
    for problem in problems:
        report.add(problem)
    report.sort()
    return report
