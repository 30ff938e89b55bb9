"""The same checks as `validation` (frictionless), as DuckDB SQL over a loaded table.

frictionless reads a few thousand rows a second; a table of a million rows would take minutes.
Each field's rules become conditions over the column's text (`CAST(… AS VARCHAR)`, empty as
missing), counted in one scan (`count(*) FILTER (WHERE …)`), and only the rules that failed
are read again for their first rows. The conditions follow frictionless's reading of each
type and constraint (a constraint is checked only on a value of the right type; a missing
value only against `required`), and URL and e-mail formats are frictionless's own checks of
each distinct value (`_bad_values`), so the two agree by construction where it matters;
`conformance` still runs frictionless on a sample of every large table and records whether the
two agreed.

A field of a type or format without a condition here (datetime, year, geopoint, …) makes the
whole table go to frictionless instead (`supported`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from torget.datastore.infer import quote_ident
from torget.specifications.columns import Matched
from torget.specifications.report import MAX_PROBLEMS, Problem, Report
from torget.specifications.table_schema import Field

__all__ = ["supported", "sql_problems", "rows_view", "text_of", "failing"]

_TYPES = {"string", "number", "integer", "boolean", "date", "any"}
_FORMATS = {"default", "uri", "email"}
_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]


def supported(fields: list[Field], raw: list[dict[str, Any]]) -> bool:
    for f, r in zip(fields, raw, strict=True):
        if f.type not in _TYPES or (f.type in ("string", "date") and f.format not in _FORMATS):
            return False
        if f.type == "date" and (f.format != "default" or f.minimum is not None
                                 or f.maximum is not None):  # fmt: skip
            return False
        if any(k in r for k in ("decimalChar", "groupChar", "bareNumber")):
            return False
    return True


def _literal(value: Any) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _bad_values(con: duckdb.DuckDBPyConnection, i: int, f: Field) -> None:
    """`torget_bad_v<i>`: the column's distinct values that frictionless's own URL or e-mail
    check refuses. A column repeats its values (one municipality's web address on every row),
    so Python sees each value once, not each row (a call costs ~0.1 ms)."""
    from frictionless import fields  # 0.3 s to import: only where a table is validated

    reader = fields.StringField(name="v", format=f.format)
    found = con.execute(f"SELECT DISTINCT v{i} FROM torget_rows WHERE v{i} IS NOT NULL")
    bad: list[tuple[str]] = []
    while batch := found.fetchmany(10_000):
        bad += [(v,) for (v,) in batch if reader.read_cell(v)[1]]
    con.execute(f"CREATE OR REPLACE TEMP TABLE torget_bad_v{i} (v VARCHAR)")
    if bad:
        con.executemany(f"INSERT INTO torget_bad_v{i} VALUES (?)", bad)


def _valid_type(f: Field, raw: dict[str, Any], v: str) -> str:
    """SQL true when the text `v` (a column of the view, not NULL) reads as the field's type."""
    if f.type == "number":
        return f"TRY_CAST({v} AS DOUBLE) IS NOT NULL"
    if f.type == "integer":
        return rf"regexp_full_match({v}, '\s*[+-]?[0-9]+\s*')"
    if f.type == "boolean":
        words = raw.get("trueValues", _TRUE) + raw.get("falseValues", _FALSE)
        return f"{v} IN ({', '.join(map(_literal, words))})"
    if f.type == "date":
        return (f"regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                f"AND TRY_STRPTIME({v}, '%Y-%m-%d') IS NOT NULL")  # fmt: skip
    if f.format in ("uri", "email"):  # see _bad_values
        return f"{v} NOT IN (SELECT v FROM torget_bad_{v})"
    return "true"


@dataclass(frozen=True)
class _Rule:
    column: str
    rule: str
    detail: str
    condition: str  # over the field's column of the view (its text, NULL when empty)


def _rules(f: Field, raw: dict[str, Any], v: str) -> list[_Rule]:
    typed = _valid_type(f, raw, v)
    ok = f"{v} IS NOT NULL AND ({typed})"
    numeric = f.type in ("number", "integer")
    value = f"TRY_CAST({v} AS DOUBLE)" if numeric else v
    out = [_Rule(f.name, "type", f"{f.type}/{f.format}", f"{v} IS NOT NULL AND NOT ({typed})")]
    if f.required:
        out.append(_Rule(f.name, "required", "True", f"{v} IS NULL"))
    if f.pattern is not None and f.type == "string":
        cond = f"NOT regexp_full_match({v}, {_literal(f.pattern)})"
        out.append(_Rule(f.name, "pattern", f.pattern, f"{ok} AND {cond}"))
    if f.enum is not None:
        allowed = ", ".join(e if numeric else _literal(e) for e in f.enum)
        out.append(_Rule(f.name, "enum", str(f.enum), f"{ok} AND {value} NOT IN ({allowed})"))
    for rule, bound, op in (("minimum", f.minimum, "<"), ("maximum", f.maximum, ">")):
        if bound is not None and numeric:
            out.append(_Rule(f.name, rule, str(bound), f"{ok} AND {value} {op} {float(bound)!r}"))
    for rule, length, op in (("minLength", f.min_length, "<"), ("maxLength", f.max_length, ">")):
        if length is not None:
            out.append(_Rule(f.name, rule, str(length), f"{ok} AND length({v}) {op} {int(length)}"))
    return out


def rows_view(con: duckdb.DuckDBPyConnection, source: str, values: list[str]) -> None:
    """A view `torget_rows(_id, v0, v1, …)` of SQL `values` over the rows of `source` (a
    quoted table), blank rows left out; the rules below are written over it."""
    cells = ", ".join(f"{v} AS v{i}" for i, v in enumerate(values)) or "NULL AS v0"
    blank = " AND ".join(f"v{i} IS NULL" for i in range(len(values))) or "false"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW torget_rows AS SELECT * FROM (SELECT _id, {cells} "
        f"FROM {source}) WHERE NOT ({blank})"
    )


def text_of(column: str) -> str:
    """A column's value as the validators read it: its text, empty as missing."""
    return f"NULLIF(CAST({quote_ident(column)} AS VARCHAR), '')"


def _view(con: duckdb.DuckDBPyConnection, table: str, matched: Matched,
          columns: list[str]) -> list[str]:  # fmt: skip
    names = list(matched.present)
    rows_view(con, quote_ident(table), [text_of(columns[matched.present[n]]) for n in names])
    return names


def failing(con: duckdb.DuckDBPyConnection, names: list[str], fields: list[Field],
            raw: list[dict[str, Any]]) -> str:  # fmt: skip
    """SQL true for a row of `torget_rows` (its columns the fields `names`) that breaks any
    rule but `unique` (which is about other rows)."""
    by_name = {f.name: (f, r) for f, r in zip(fields, raw, strict=True)}
    conditions = []
    for i, name in enumerate(names):
        f, r = by_name[name]
        if f.format in ("uri", "email"):
            _bad_values(con, i, f)
        conditions += [rule.condition for rule in _rules(f, r, f"v{i}")]
    return " OR ".join(f"({c})" for c in conditions) or "false"


def sql_problems(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], matched: Matched,
    fields: list[Field], raw: list[dict[str, Any]], report: Report, upto: int | None = None,
) -> list[Problem]:  # fmt: skip
    """Count every problem into `report` and keep the first ones; with `upto`, return every
    problem of the rows numbered up to it as well (the sample compared with frictionless)."""
    names = _view(con, table, matched, columns)
    by_name = {f.name: (f, r) for f, r in zip(fields, raw, strict=True)}
    for i, name in enumerate(names):
        if by_name[name][0].format in ("uri", "email"):
            _bad_values(con, i, by_name[name][0])
    rules: list[tuple[int, _Rule]] = []
    for i, name in enumerate(names):
        f, r = by_name[name]
        rules += [(i, rule) for rule in _rules(f, r, f"v{i}")]
    counts = ", ".join(f"count(*) FILTER (WHERE {rule.condition})" for _i, rule in rules)
    first = con.execute(
        f"SELECT count(*){', ' + counts if counts else ''} FROM torget_rows"
    ).fetchone()
    assert first is not None
    report.rows_checked = int(first[0])
    sample: list[Problem] = []
    for (i, rule), n in zip(rules, first[1:], strict=True):
        if n:
            _collect(con, i, rule, int(n), report, sample, upto)
    for i, name in enumerate(names):
        f, r = by_name[name]
        if f.unique:
            _unique(con, i, f, r, report, sample, upto)
    return sample


def _collect(con: duckdb.DuckDBPyConnection, i: int, rule: _Rule, count: int, report: Report,
             sample: list[Problem], upto: int | None) -> None:  # fmt: skip
    where = rule.condition
    rows = con.execute(
        f"SELECT _id, v{i} FROM torget_rows WHERE {where} ORDER BY _id LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    report.counts[rule.rule] += count
    for row, value in rows:
        if len(report.problems) < MAX_PROBLEMS * 4:
            report.problems.append(Problem(int(row), rule.column, rule.rule, value, rule.detail))
    if upto is not None:
        found = con.execute(
            f"SELECT _id, v{i} FROM torget_rows WHERE _id <= {int(upto)} AND {where}"
        ).fetchall()
        sample += [Problem(int(r), rule.column, rule.rule, v, rule.detail) for r, v in found]


def _unique(con: duckdb.DuckDBPyConnection, i: int, f: Field, raw: dict[str, Any],
            report: Report, sample: list[Problem], upto: int | None) -> None:  # fmt: skip
    ok = f"v{i} IS NOT NULL AND ({_valid_type(f, raw, f'v{i}')})"
    key = f"TRY_CAST(v{i} AS DOUBLE)" if f.type in ("number", "integer") else f"v{i}"
    con.execute(
        "CREATE OR REPLACE TEMP VIEW torget_repeats AS SELECT _id, value FROM ("
        f"SELECT _id, v{i} AS value, row_number() OVER (PARTITION BY {key} ORDER BY _id) AS n "
        f"FROM torget_rows WHERE {ok}) WHERE n > 1"
    )
    total = con.execute("SELECT count(*) FROM torget_repeats").fetchone()
    count = int(total[0]) if total else 0
    if not count:
        return
    report.counts["unique"] += count
    for row, value in con.execute(
        f"SELECT _id, value FROM torget_repeats ORDER BY _id LIMIT {MAX_PROBLEMS}"
    ).fetchall():
        report.problems.append(Problem(int(row), f.name, "unique", value))
    if upto is not None:
        found = con.execute(f"SELECT _id, value FROM torget_repeats WHERE _id <= {int(upto)}")
        sample += [Problem(int(r), f.name, "unique", v) for r, v in found.fetchall()]
