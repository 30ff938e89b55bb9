"""The personal-data scan: which columns of a loaded table hold personal data, and how much.

It looks for what the publishing routine must not publish unseen (lag 2022:818 §4: open data
only where the protection of personal data can be upheld):

- Swedish personal identity numbers (personnummer, Skatteverket SKV 704) and co-ordination
  numbers (samordningsnummer, SKV 707: the day of birth plus 60), with or without the century
  and the separator (`-`, or `+` from the year a person turns 100): a real date and the Luhn
  check digit over the ten digits YYMMDDNNN C;
- e-mail addresses and Swedish telephone numbers (0…, +46…, 0046…);
- columns whose name says they hold people's names (förnamn, efternamn, first_name, …).

A table is read in at most three passes, each one SELECT over all the columns it concerns:
1. every text column, every row: its values; those that may be identity or telephone numbers
   by their byte length and first byte (cheap: DuckDB's strings know their length), a
   superset of what the real tests accept; and its e-mail addresses, by a byte search for
   `@` and the expression only where it found one (one address is reported, so every row);
2. only the columns where enough values may be such numbers to reach the share that gets a
   column reported (exact, no sample: most ordinary columns stop after the first pass), from
   200,000 rows on over a sample of some 20,000 rows: the full tests (the expression, the date
   and Luhn arithmetic on the digits it matched); half the reporting share is enough to go on;
3. the columns still left, every row: the full tests, giving the counts reported.
Examples come from the first hundred values of each kind found. On bench/personal_data.py's
1 M rows x 20 columns (four of them personal) the first pass rules out 13 columns and the
sample 3 more: the guard went from 2.0x to 1.6x the CPU time of a plain regular-expression
scan (best of five alternating rounds, in two runs on a loaded machine; 1.45x on a quiet
one), with the same findings and counts. The full tests on the four personal columns are
most of what is left.
A column counts as holding identity numbers when at least one value passes and at least a
tenth of the values shaped like one pass: one random ten-digit number in 140 passes the date
and the check digit (12/100 months × ~0.6 days × 1/10), so a column of invoice numbers stays
quiet while a register of people, typing errors and all, does not. Telephone numbers need a
fifth of the column's values; an e-mail address is one too many.

The examples in a finding are masked: enough to recognise the kind, never the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["Finding", "KINDS", "scan_file", "scan_tables", "mask"]

KINDS = ("personal_identity_number", "coordination_number", "email", "phone", "name")

# Share of the values shaped like the kind that must pass before a column is reported.
_ID_SHARE = 0.1
_PHONE_SHARE = 0.2
# Tables of this many rows are tested row by row only where a sample of them points.
_SAMPLE_MIN_ROWS = 200_000
_SAMPLE_ROWS = 20_000
_SEED = 13  # the same sample each time: a rescan of the same table says the same
_NAME_COLUMN = re.compile(
    r"(förnamn|fornamn|efternamn|tilltalsnamn|personnamn|kontaktperson|first_?name|"
    r"last_?name|surname|given_?name|full_?name|family_?name)",
    re.IGNORECASE,
)
_TEXT_TYPES = ("VARCHAR", "TEXT", "BIGINT", "INTEGER", "HUGEINT", "UBIGINT")

_SHAPE = r"(?:18|19|20)?\d{6}[-+]?\d{4}"  # an identity number typed in any of its forms
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_PHONE = r"(?:\+46|0046|0)[ -]?[1-9](?:[ -]?\d){6,9}"


@dataclass(frozen=True)
class Finding:
    """`count` values of `kind` in `column` of the file's table `table` (`data`, or a further
    sheet's `sheet_<n>`); `examples` masked."""

    table: str
    column: str
    kind: str
    count: int
    examples: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "column": self.column,
            "kind": self.kind,
            "count": self.count,
            "examples": list(self.examples),
        }

    @classmethod
    def of(cls, value: dict[str, Any]) -> Finding:
        return cls(
            str(value.get("table", "data")),
            str(value["column"]),
            str(value["kind"]),
            int(value["count"]),
            tuple(str(e) for e in value.get("examples", [])),
        )


def mask(kind: str, value: str) -> str:
    """Enough of `value` to recognise its kind, none of the person: the year of an identity
    number, an address's first letter and top-level domain, a number's area code."""
    if kind in ("personal_identity_number", "coordination_number"):
        keep = 4 if len(value) >= 12 else 2
        return value[:keep] + re.sub(r"\d", "*", value[keep:])
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@***.{domain.rsplit('.', 1)[-1]}"
    if kind == "phone":
        return value[:3] + re.sub(r"\d", "*", value[3:])
    return value[:1] + "***"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(name: str, type_: str) -> str:
    text = f"CAST({_quoted(name)} AS VARCHAR)"
    if type_ in ("VARCHAR", "TEXT"):  # trim copies: only where there is a space to trim
        v = _quoted(name)
        return f"CASE WHEN starts_with({v}, ' ') OR ends_with({v}, ' ') THEN trim({v}) ELSE {v} END"
    return f"lpad({text}, greatest(length({text}), 10)::INTEGER, '0')"  # a lost leading zero


def _luhn(n: str) -> str:
    """The Luhn check over the ten digits of the integer `n` (integer arithmetic: DuckDB's
    string functions cost ten times as much): every other digit from the first doubled, the
    digits of the product added (2x - 9 for x >= 5)."""
    terms = []
    for k in range(1, 11):
        x = f"({n} // {10 ** (10 - k)} % 10)"
        terms.append(f"(2 * {x} - 9 * ({x} // 5))" if k % 2 else x)
    return f"({' + '.join(terms)}) % 10 = 0"


def _month_days(y: str, m: str) -> str:
    leap = f"({y} % 4 = 0)::INTEGER"
    return f"CASE WHEN {m} = 2 THEN 28 + {leap} WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"


def _tests(source: str, scanned: list[tuple[int, str, str]]) -> str:
    """A query with, per column i, its text `v{i}`, `h{i}` (shaped like an identity number)
    and `t{i}_{k}` (a value of the k-th kind). Each step refers to the previous one's columns,
    so that every expression stays small (DuckDB plans a nested expression in time that grows
    with its size), and each costly test sits in a CASE, which DuckDB evaluates only for the
    rows whose cheap test passed: a length, a character, a prefix."""
    texts = ", ".join(f"{_text(c, t)} AS v{i}" for i, c, t in scanned)
    # The ten digits YYMMDDNNNC as an integer, by the shape's length (10: none, 11: the
    # separator, 12: the century, 13: both); casts of short strings, no string rewriting.
    numbers = ", ".join(
        f"v{i}, CASE WHEN strlen(v{i}) BETWEEN 10 AND 13 AND regexp_full_match(v{i}, '{_SHAPE}') "
        f"THEN CASE strlen(v{i}) WHEN 10 THEN v{i}::BIGINT "
        f"WHEN 11 THEN substr(v{i}, 1, 6)::BIGINT * 10000 + substr(v{i}, 8)::BIGINT "
        f"WHEN 12 THEN substr(v{i}, 3)::BIGINT "
        f"ELSE substr(v{i}, 3, 6)::BIGINT * 10000 + substr(v{i}, 10)::BIGINT END END AS n{i}"
        for i, _c, _t in scanned
    )
    parts = ", ".join(
        f"v{i}, n{i}, n{i} IS NOT NULL AS h{i}, "
        f"CASE WHEN n{i} IS NOT NULL THEN {_luhn(f'n{i}')} ELSE false END AS l{i}"
        for i, _c, _t in scanned
    )

    def date_ok(i: int, day: str) -> str:
        """Year, month and day from the digits YYMMDD, only where the check digit passed."""
        y, m, d = f"(n{i} // 100000000)", f"(n{i} // 1000000 % 100)", f"(n{i} // 10000 % 100)"
        day = day.format(d=d)
        valid = f"{m} BETWEEN 1 AND 12 AND {day} BETWEEN 1 AND {_month_days(y, m)}"
        return f"CASE WHEN l{i} THEN {valid} ELSE false END"

    tests = ", ".join(
        f"v{i}, h{i}, "
        f"{date_ok(i, '{d}')} AS t{i}_0, {date_ok(i, '{d} - 60')} AS t{i}_1, "
        f"CASE WHEN contains(v{i}, '@') THEN regexp_matches(v{i}, '{_EMAIL}') ELSE false END "
        f"AS t{i}_2, "
        f"CASE WHEN strlen(v{i}) BETWEEN 8 AND 18 AND (starts_with(v{i}, '0') OR "
        f"starts_with(v{i}, '+46')) THEN regexp_full_match(v{i}, '{_PHONE}') ELSE false END "
        f"AS t{i}_3"
        for i, _c, _t in scanned
    )
    return (
        f"SELECT {tests} FROM (SELECT {parts} FROM (SELECT {numbers} "
        f"FROM (SELECT {texts} FROM {source})))"
    )


def _counts_sql(source: str, scanned: list[tuple[int, str, str]]) -> str:
    """Per column: its values, those shaped like an identity number and those of each kind.
    (No FILTER aggregates here: DuckDB would compute each test again for each of them.)"""
    counts = ", ".join(
        f"count(v{i}) AS c{i}_values, count_if(h{i}) AS c{i}_shaped, "
        + ", ".join(f"count_if(t{i}_{k}) AS c{i}_{k}" for k in range(4))
        for i, _c, _t in scanned
    )
    return f"SELECT {counts} FROM ({_tests(source, scanned)})"


def _email_test(name: str, type_: str) -> str:
    """A byte search first, the expression only where it found an `@`."""
    v = _quoted(name)
    if type_ not in ("VARCHAR", "TEXT"):
        return "false"
    return f"CASE WHEN contains({v}, '@') THEN regexp_matches({v}, '{_EMAIL}') ELSE false END"


def _may_be(name: str, type_: str) -> tuple[str, str]:
    """Tests on the raw value that every identity number and every telephone number passes
    (as `_tests` reads them, trimmed of spaces): byte length and first byte, cheap on DuckDB's
    strings, which know their length. A number column is lpadded, so any value may be."""
    v = _quoted(name)
    if type_ not in ("VARCHAR", "TEXT"):
        return f"{v} IS NOT NULL", f"{v} IS NOT NULL"
    n = f"strlen({v})"
    digit_first = f"({v} >= '0' AND {v} < ':' OR starts_with({v}, ' '))"
    padded = f"(starts_with({v}, ' ') OR ends_with({v}, ' '))"
    ids = f"{n} BETWEEN 10 AND 13 AND {digit_first} OR {n} > 13 AND {padded}"
    phones = (
        f"{n} >= 8 AND (starts_with({v}, '0') OR starts_with({v}, '+') OR starts_with({v}, ' '))"
    )
    return ids, phones


def _overview_sql(table: str, scanned: list[tuple[int, str, str]]) -> str:
    """One pass over every text column of the whole table: its values, those that may be
    identity or telephone numbers, and its e-mail addresses (one is reported, so no sample
    will do)."""
    tests = ", ".join(
        f"{_quoted(c)} AS r{i}, {_email_test(c, t)} AS e{i}, {ids} AS i{i}, {phones} AS p{i}"
        for i, c, t in scanned
        for ids, phones in [_may_be(c, t)]
    )
    counts = ", ".join(
        f"count(r{i}) AS c{i}_values, count_if(i{i}) AS c{i}_maybe_id, "
        f"count_if(p{i}) AS c{i}_maybe_phone, count_if(e{i}) AS c{i}_2"
        for i, _c, _t in scanned
    )
    return f"SELECT count(*) AS table_rows, {counts} FROM (SELECT {tests} FROM {_quoted(table)})"


def _email_examples(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[int, str, str]]
) -> dict[str, Any]:
    """The first and last (in sort order) of the first hundred e-mail addresses of each of
    `columns` (those reported for them): a pass that stops early."""
    out: dict[str, Any] = {}
    for i, c, t in columns:
        first = (f"SELECT trim({_quoted(c)}) AS x FROM {_quoted(table)} "
                 f"WHERE {_email_test(c, t)} LIMIT 100")  # fmt: skip
        out.update(
            _row(con, f"SELECT min(x) AS x{i}_2_first, max(x) AS x{i}_2_last FROM ({first})")
        )
    return out


def _row(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    row = con.execute(sql).fetchone()
    return dict(zip([d[0] for d in con.description or []], row or (), strict=False))


def _possible(
    overview: dict[str, Any], scanned: list[tuple[int, str, str]]
) -> list[tuple[int, str, str]]:
    """The columns that could be reported for identity or telephone numbers: enough of their
    values pass the cheap tests (`_may_be`) to reach the share that gets a column reported.
    Exact, no sample: most ordinary columns stop here, before any expression or arithmetic."""
    out = []
    for column in scanned:
        i = column[0]
        values = int(overview[f"c{i}_values"] or 0)
        ids, phones = int(overview[f"c{i}_maybe_id"] or 0), int(overview[f"c{i}_maybe_phone"] or 0)
        if values and (ids >= _ID_SHARE * values or phones >= _PHONE_SHARE * values):
            out.append(column)
    return out


def _candidates(
    con: duckdb.DuckDBPyConnection, sample: str, scanned: list[tuple[int, str, str]]
) -> list[tuple[int, str, str]]:
    """The columns whose sample (some 20,000 rows) has at least half the share of identity or
    telephone numbers that gets a column reported: only they are tested row by row. A column
    at the threshold shows ~2,000 of its sampled values; that it shows fewer than half is a
    chance below 10^-100, while a column without such numbers costs only its share of the
    sample."""
    if not scanned:
        return []
    found = _row(con, _counts_sql(sample, scanned))
    out = []
    for column in scanned:
        i = column[0]
        values = int(found[f"c{i}_values"] or 0)
        ids = max(int(found[f"c{i}_0"] or 0), int(found[f"c{i}_1"] or 0))
        phones = int(found[f"c{i}_3"] or 0)
        if values and (ids >= _ID_SHARE / 2 * values or phones >= _PHONE_SHARE / 2 * values):
            out.append(column)
    return out


def _examples(
    con: duckdb.DuckDBPyConnection, table: str, wanted: list[tuple[tuple[int, str, str], int]]
) -> dict[str, Any]:
    """The first and last (in sort order) of the first hundred values of each (column, kind)
    in `wanted` (identity and telephone numbers): passes that stop early."""
    out: dict[str, Any] = {}
    for column, k in wanted:
        i = column[0]
        first = (
            f"SELECT v{i} AS x FROM ({_tests(_quoted(table), [column])}) WHERE t{i}_{k} LIMIT 100"
        )
        out.update(
            _row(con, f"SELECT min(x) AS x{i}_{k}_first, max(x) AS x{i}_{k}_last FROM ({first})")
        )
    return out


def _reported(kind: str, count: int, values: int, shaped: int) -> bool:
    if count == 0:
        return False
    if kind in ("personal_identity_number", "coordination_number"):
        return count >= _ID_SHARE * shaped and count >= _ID_SHARE * values
    if kind == "phone":
        return count >= _PHONE_SHARE * values
    return True


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    found = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND database_name = current_database() AND table_name = ? AND column_name <> '_id' "
        "ORDER BY column_index",
        [table],
    ).fetchall()
    return [(str(c), str(t)) for c, t in found]


def _scan_table(con: duckdb.DuckDBPyConnection, table: str) -> list[Finding]:
    columns = _columns(con, table)
    scanned = [(i, c, t) for i, (c, t) in enumerate(columns) if t in _TEXT_TYPES]
    findings: list[Finding] = []
    if scanned:
        result = _row(con, _overview_sql(table, scanned))
        exact, total = _possible(result, scanned), int(result["table_rows"] or 0)
        if total >= _SAMPLE_MIN_ROWS and exact:  # row by row only where a sample points
            percent = 100 * _SAMPLE_ROWS / total
            sample = f"{_quoted(table)} USING SAMPLE {percent:.4f}% (bernoulli, {_SEED})"
            exact = _candidates(con, sample, exact)
        if exact:
            found = _row(con, _counts_sql(_quoted(table), exact))
            result.update({k: v for k, v in found.items() if not k.endswith(("_values", "_2"))})
        reported = [
            (column, k, n) for column in scanned for k, n in _reported_kinds(column[0], result)
        ]
        others = [(c, k) for c, k, _n in reported if KINDS[k] != "email"]
        result.update(_examples(con, table, others))
        result.update(
            _email_examples(con, table, [c for c, k, _n in reported if KINDS[k] == "email"])
        )
        for (i, name, _t), k, count in reported:
            shown = (result.get(f"x{i}_{k}_first"), result.get(f"x{i}_{k}_last"))
            examples = tuple(sorted({mask(KINDS[k], str(e)) for e in shown if e is not None}))
            findings.append(Finding(table, name, KINDS[k], count, examples))
    for name, _type in columns:
        if _NAME_COLUMN.search(name):
            findings.append(_name_finding(con, table, name))
    return [f for f in findings if f.count > 0]


def _reported_kinds(i: int, result: dict[str, Any]) -> list[tuple[int, int]]:
    """(kind's index, count) of each kind column `i` is reported for."""
    values, shaped = int(result[f"c{i}_values"] or 0), int(result.get(f"c{i}_shaped") or 0)
    counts = [(k, int(result.get(f"c{i}_{k}") or 0)) for k in range(4)]
    return [(k, n) for k, n in counts if _reported(KINDS[k], n, values, shaped)]


def _name_finding(con: duckdb.DuckDBPyConnection, table: str, name: str) -> Finding:
    column = _quoted(name)
    row = con.execute(
        f"SELECT count({column}), min(CAST({column} AS VARCHAR)) FROM {_quoted(table)}"
    ).fetchone()
    count, first = (int(row[0]), row[1]) if row else (0, None)
    return Finding(table, name, "name", count, () if first is None else (mask("name", first),))


def scan_tables(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Every table of an open table file (the data and any further sheets)."""
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND database_name = current_database() ORDER BY table_name = 'data' DESC, table_name"
    ).fetchall()
    return [f for (table,) in tables for f in _scan_table(con, str(table))]


def scan_file(path: Path) -> list[Finding]:
    """The findings in a loaded table file (read only; the file is not yet anybody's)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return scan_tables(con)
