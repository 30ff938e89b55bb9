"""Column types inferred over the whole table, in SQL, from text read as VARCHAR.

DuckDB's own sniffer looks at a sample and knows neither decimal commas nor `1 234,5` nor
`1/3 2024`; so every column is first read as text and one aggregate query over all rows
counts, per column, how many values fit each type. The narrowest type that every value fits
wins; otherwise the column stays TEXT, and when most values fitted one type the report names
the first rows that broke it. Municipality and postal codes (digits of one length, some with a
leading zero) stay TEXT so `0180` does not become `180`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

__all__ = ["ColumnType", "infer_types", "cast_expression", "quote_ident"]

_NUM = r"[-+]?(\d+|\d{{1,3}}([ \xa0]\d{{3}})+)"
_PATTERNS = {
    "BOOLEAN": "lower({t}) IN ('ja', 'nej', 'true', 'false')",
    "BIGINT": f"regexp_full_match({{t}}, '{_NUM}') AND length({{n}}) <= 18",
    "DOUBLE": f"regexp_full_match({{t}}, '({_NUM}([.,]\\d+)?|[-+]?[.,]\\d+)([eE][-+]?\\d+)?')",
    "DATE": (
        "(regexp_full_match({t}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') AND try_cast({t} AS DATE) "
        "IS NOT NULL) OR (regexp_full_match({t}, '\\d{{1,2}}/\\d{{1,2}} \\d{{4}}') "
        "AND try_strptime({t}, '%d/%m %Y') IS NOT NULL)"
    ),
    "TIMESTAMP": (
        "regexp_full_match({t}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([ T]\\d{{2}}:\\d{{2}}"
        "(:\\d{{2}}(\\.\\d+)?)?)?') AND try_cast({t} AS TIMESTAMP) IS NOT NULL"
    ),
}
_CASTS = {
    "BOOLEAN": "lower({t}) IN ('ja', 'true')",
    "BIGINT": "CAST({n} AS BIGINT)",
    "DOUBLE": "CAST(replace({n}, ',', '.') AS DOUBLE)",
    "DATE": (
        "CASE WHEN contains({t}, '/') THEN CAST(strptime({t}, '%d/%m %Y') AS DATE) "
        "ELSE CAST({t} AS DATE) END"
    ),
    "TIMESTAMP": "CAST({t} AS TIMESTAMP)",
    "TEXT": "{v}",
}
_ORDER = ("BOOLEAN", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _terms(column: str) -> dict[str, str]:
    v = quote_ident(column)
    t = f"nullif(trim({v}), '')"
    n = f"replace(replace({t}, ' ', ''), chr(160), '')"
    return {"v": v, "t": t, "n": n}


def _predicate(kind: str, column: str) -> str:
    return "(" + _PATTERNS[kind].format(**_terms(column)) + ")"


def cast_expression(kind: str, column: str) -> str:
    return _CASTS[kind].format(**_terms(column)) + f" AS {quote_ident(column)}"


@dataclass
class ColumnType:
    name: str
    type: str
    nulls: int = 0
    broken_type: str | None = None  # the type most values had, when some did not
    broken: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.broken_type:
            out["not_" + self.broken_type.lower()] = {
                "reason": f"values that are not {self.broken_type} made this column TEXT",
                "rows": self.broken,
            }
        return out


def _aggregates(columns: list[str]) -> str:
    parts = []
    for c in columns:
        t = _terms(c)["t"]
        parts.append(f"count({t})")
        parts.extend(f"count_if({_predicate(k, c)})" for k in _ORDER)
        parts.append(f"count_if(regexp_full_match({t}, '0\\d+'))")
        parts.append(f"count_if(NOT regexp_full_match({t}, '\\d+'))")
        parts.append(f"min(length({t})) = max(length({t}))")
    return ", ".join(parts)


def _choose(counts: tuple[Any, ...]) -> tuple[str, str | None]:
    filled, *fits, leading_zero, non_digits, same_length = counts
    by_kind = dict(zip(_ORDER, fits, strict=True))
    if filled == 0:
        return "TEXT", None
    if leading_zero and non_digits == 0 and same_length:
        return "TEXT", None
    for kind in _ORDER:
        if by_kind[kind] == filled:
            return kind, None
    best = max(_ORDER, key=lambda k: by_kind[k])
    return "TEXT", (best if by_kind[best] * 2 >= filled else None)


def _broken_rows(con: duckdb.DuckDBPyConnection, table: str, col: str, kind: str) -> list[Any]:
    t = _terms(col)["t"]
    rows = con.execute(
        f"SELECT rowid + 1, {quote_ident(col)} FROM {table} "
        f"WHERE {t} IS NOT NULL AND NOT {_predicate(kind, col)} ORDER BY rowid LIMIT 5"
    ).fetchall()
    return [{"row": r, "value": v} for r, v in rows]


def infer_types(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[ColumnType]:
    """One pass over `table` (all VARCHAR) deciding each column's type."""
    if not columns:
        return []
    row = con.execute(f"SELECT {_aggregates(columns)} FROM {table}").fetchone()
    assert row is not None
    width = 2 + len(_ORDER) + 2
    out = []
    for i, c in enumerate(columns):
        kind, near = _choose(tuple(row[i * width : (i + 1) * width]))
        found = ColumnType(c, kind, broken_type=near)
        if near:
            found.broken = _broken_rows(con, table, c, near)
        out.append(found)
    return out
